/** State machine actions of the Step Functions API, over the MachineRegistry. */
import { randomUUID } from 'node:crypto';
import { checkDefinition, type Definition, type Problem } from 'states-language-temporal';
import { STATE_MACHINE_NAME } from 'states-language-temporal/client';
import { MachineLimitError, type MachineRecord, type MachineRegistry, type MachineType } from '../../storage/sfn-machines';
import type { Arns } from './arns';
import { SfnError, validation } from './errors';
import { type Body, decodeToken, encodeToken, epochSeconds, optionalString, pageSize, requiredString } from './wire';

/** AWS's quota on a definition: 1 MiB of text. */
export const MAX_DEFINITION_CHARS = 1024 * 1024;
export const MAX_TAGS = 50;

export interface MachineDeps {
  arns: Arns;
  registry: MachineRegistry;
  /** The only activities a Task may bind to (the worker's list for state machines). */
  activities: readonly string[];
}

/** JSONPath `$.States.A.Branches[0]` as AWS's diagnostics locate it: `/States/A/Branches/0`. */
const location = (path: string) =>
  path
    .replace(/^\$/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\./g, '/') || '/';

function problemsOf(text: string, activities: readonly string[]): Problem[] {
  // Activity ARNs are this API's activities (GetActivityTask), never the worker's.
  return checkDefinition(text, { activities, stepFunctionsActivities: true });
}

/** The definition parsed, or InvalidDefinition with every problem and where it is. */
function checked(text: string, activities: readonly string[]): Definition {
  const problems = problemsOf(text, activities);
  if (problems.length > 0) {
    const listed = problems.map((p) => `${p.message} at ${location(p.path)}`).join(', ');
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${listed}'`);
  }
  return JSON.parse(text) as Definition;
}

function machineType(body: Body): MachineType | undefined {
  const type = optionalString(body, 'type', 16);
  if (type === undefined || type === 'STANDARD' || type === 'EXPRESS') return type;
  throw validation(
    `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: ` +
      'Member must satisfy enum value set: [STANDARD, EXPRESS]',
  );
}

export function tagsOf(value: unknown, field = 'tags'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw validation(`'${field}' must be a list of {key, value}`);
  const tags: Record<string, string> = {};
  for (const tag of value as Body[]) {
    const key = optionalString(tag ?? {}, 'key', 128);
    if (!key) throw validation(`every tag in '${field}' needs a key of 1 to 128 characters`);
    tags[key] = optionalString(tag, 'value', 256) ?? '';
  }
  return tags;
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export function machineActions({ arns, registry, activities }: MachineDeps) {
  const find = async (arn: unknown, field = 'stateMachineArn'): Promise<MachineRecord> => {
    const name = arns.parseStateMachine(arn, field);
    const record = await registry.get(name);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return record;
  };
  const change = <T>(fn: Parameters<MachineRegistry['update']>[0]) =>
    registry.update<T>(fn as never).catch((error: unknown) => {
      if (error instanceof MachineLimitError) throw new SfnError('StateMachineLimitExceeded', error.message);
      throw error;
    });

  return {
    async CreateStateMachine(body: Body) {
      const name = requiredString(body, 'name', 80);
      if (!STATE_MACHINE_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}' (1 to 80 letters, digits, - and _)`);
      const text = requiredString(body, 'definition', MAX_DEFINITION_CHARS);
      const roleArn = requiredString(body, 'roleArn', 256);
      const type = machineType(body) ?? 'STANDARD';
      const tags = tagsOf(body.tags);
      if (Object.keys(tags).length > MAX_TAGS) throw new SfnError('TooManyTags', `at most ${MAX_TAGS} tags`);
      const parsed = checked(text, activities);
      const existingText = await registry.definitionText(name);
      return change((machines) => {
        const existing = machines.find((m) => m.name === name);
        // As AWS: the same request again answers the machine it made; a different one is refused.
        if (existing) {
          if (existing.type === type && existing.roleArn === roleArn && existingText === text) {
            return { result: { stateMachineArn: arns.stateMachine(name), creationDate: epochSeconds(existing.creationDate) } };
          }
          throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arns.stateMachine(name)}'`);
        }
        const now = Date.now();
        const record: MachineRecord = { name, type, roleArn, creationDate: now, updateDate: now, revisionId: randomUUID(), tags };
        if (body.loggingConfiguration !== undefined) record.loggingConfiguration = body.loggingConfiguration;
        if (body.tracingConfiguration !== undefined) record.tracingConfiguration = body.tracingConfiguration;
        return {
          machines: [...machines, record],
          definition: { name, text, parsed },
          result: { stateMachineArn: arns.stateMachine(name), creationDate: epochSeconds(now) },
        };
      });
    },

    async DescribeStateMachine(body: Body) {
      const record = await find(body.stateMachineArn);
      return {
        stateMachineArn: arns.stateMachine(record.name),
        name: record.name,
        status: 'ACTIVE',
        definition: (await registry.definitionText(record.name)) ?? '{}',
        roleArn: record.roleArn,
        type: record.type,
        creationDate: epochSeconds(record.creationDate),
        revisionId: record.revisionId,
        ...(record.loggingConfiguration !== undefined ? { loggingConfiguration: record.loggingConfiguration } : {}),
        ...(record.tracingConfiguration !== undefined ? { tracingConfiguration: record.tracingConfiguration } : {}),
      };
    },

    async UpdateStateMachine(body: Body) {
      const { name } = await find(body.stateMachineArn);
      const text = optionalString(body, 'definition', MAX_DEFINITION_CHARS);
      const roleArn = optionalString(body, 'roleArn', 256);
      if (
        text === undefined &&
        roleArn === undefined &&
        body.loggingConfiguration === undefined &&
        body.tracingConfiguration === undefined
      ) {
        throw new SfnError(
          'MissingRequiredParameter',
          'Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be given',
        );
      }
      const parsed = text === undefined ? undefined : checked(text, activities);
      return change((machines) => {
        const i = machines.findIndex((m) => m.name === name);
        if (i < 0) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arns.stateMachine(name)}'`);
        const now = Date.now();
        const record: MachineRecord = { ...machines[i], updateDate: now, revisionId: randomUUID(), ...(roleArn ? { roleArn } : {}) };
        if (body.loggingConfiguration !== undefined) record.loggingConfiguration = body.loggingConfiguration;
        if (body.tracingConfiguration !== undefined) record.tracingConfiguration = body.tracingConfiguration;
        return {
          machines: machines.map((m, j) => (j === i ? record : m)),
          ...(text !== undefined && parsed ? { definition: { name, text, parsed } } : {}),
          result: { updateDate: epochSeconds(now), revisionId: record.revisionId },
        };
      });
    },

    /** As AWS: deleting one that is not there succeeds; executions under way go on to their end. */
    async DeleteStateMachine(body: Body) {
      const name = arns.parseStateMachine(body.stateMachineArn);
      const removed = await change<boolean>((machines) => {
        const rest = machines.filter((m) => m.name !== name);
        return rest.length === machines.length ? { result: false } : { machines: rest, result: true };
      });
      if (removed) await registry.forget(name);
      return {};
    },

    async ListStateMachines(body: Body) {
      const size = pageSize(body);
      const after = decodeToken(
        optionalString(body, 'nextToken', 1024),
        (v): v is { after: string } => typeof (v as { after?: unknown })?.after === 'string',
      );
      const sorted = [...(await registry.list())].sort((a, b) => (a.name < b.name ? -1 : 1));
      const rest = after ? sorted.filter((m) => m.name > after.after) : sorted;
      const page = rest.slice(0, size);
      return {
        stateMachines: page.map((m) => ({
          stateMachineArn: arns.stateMachine(m.name),
          name: m.name,
          type: m.type,
          creationDate: epochSeconds(m.creationDate),
        })),
        ...(rest.length > size ? { nextToken: encodeToken({ after: page[page.length - 1].name }) } : {}),
      };
    },

    /** The runtime's checker, as Terraform and the console call it before they create. */
    async ValidateStateMachineDefinition(body: Body) {
      const text = requiredString(body, 'definition', MAX_DEFINITION_CHARS);
      machineType(body);
      const severity = optionalString(body, 'severity', 16);
      if (severity !== undefined && severity !== 'ERROR' && severity !== 'WARNING') throw validation("'severity' must be ERROR or WARNING");
      const max = pageSize(body, 100, 100);
      const problems = problemsOf(text, activities);
      const diagnostics = problems.slice(0, max).map((p) => ({
        severity: 'ERROR',
        code: p.path === '$' && p.message.startsWith('not JSON') ? 'INVALID_JSON_DESCRIPTION' : 'SCHEMA_VALIDATION_FAILED',
        message: p.message,
        location: location(p.path),
      }));
      return { result: problems.length > 0 ? 'FAIL' : 'OK', diagnostics, truncated: problems.length > max };
    },

    async TagResource(body: Body) {
      const { name } = await findTagged(body);
      const tags = tagsOf(body.tags);
      await change((machines) => {
        const record = machines.find((m) => m.name === name);
        if (!record) throw notFound(body.resourceArn);
        const merged = { ...record.tags, ...tags };
        if (Object.keys(merged).length > MAX_TAGS)
          throw new SfnError('TooManyTags', `at most ${MAX_TAGS} tags on '${String(body.resourceArn)}'`);
        return { machines: machines.map((m) => (m === record ? { ...m, tags: merged } : m)), result: undefined };
      });
      return {};
    },

    async UntagResource(body: Body) {
      const { name } = await findTagged(body);
      if (!Array.isArray(body.tagKeys) || body.tagKeys.some((k) => typeof k !== 'string'))
        throw validation("'tagKeys' must be a list of strings");
      const keys = new Set(body.tagKeys as string[]);
      await change((machines) => {
        const record = machines.find((m) => m.name === name);
        if (!record) throw notFound(body.resourceArn);
        const tags = Object.fromEntries(Object.entries(record.tags).filter(([k]) => !keys.has(k)));
        return { machines: machines.map((m) => (m === record ? { ...m, tags } : m)), result: undefined };
      });
      return {};
    },

    async ListTagsForResource(body: Body) {
      return { tags: tagList((await findTagged(body)).tags) };
    },
  };

  /** Tags are kept for state machines (activities are not served). */
  async function findTagged(body: Body): Promise<MachineRecord> {
    const name = arns.parseStateMachine(body.resourceArn, 'resourceArn');
    const record = await registry.get(name);
    if (!record) throw notFound(body.resourceArn);
    return record;
  }
}

const notFound = (arn: unknown) => new SfnError('ResourceNotFound', `Resource not found: '${String(arn)}'`);
