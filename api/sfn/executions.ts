/** Execution actions of the Step Functions API: each execution is a `stateMachine` workflow whose id is its ARN. */
import { createHash, randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowExecutionDescription,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  executionOutcome,
  STATE_MACHINE_NAME,
  STATE_MACHINE_WORKFLOW,
  startStateMachine,
  stopExecution,
} from 'states-language-temporal/client';
import type { Definition } from 'states-language-temporal';
import type { TemporalConfig } from '../../lib/config';
import type { MachineRecord, MachineRegistry } from '../../storage/sfn-machines';
import type { StateMachineStore } from '../../storage/state-machines';
import type { Arns } from './arns';
import { SfnError, validation } from './errors';
import { redriveFields } from './redrive';
import { lastEventOf, startOf, stopReason } from './temporal-reads';
import { type Body, epochSeconds, optionalString, requiredString } from './wire';

/** AWS's quota on an execution's input (and any state's data): 256 KiB. */
export const MAX_INPUT_BYTES = 256 * 1024;

export interface ExecutionDeps {
  client: Client;
  arns: Arns;
  registry: MachineRegistry;
  definitions: StateMachineStore;
  temporal: TemporalConfig;
  activities: readonly string[];
}

export type SfnStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** Temporal's status name as Step Functions says it. */
export function sfnStatus(name: string): SfnStatus {
  switch (name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return 'RUNNING';
    case 'COMPLETED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    case 'TIMED_OUT':
      return 'TIMED_OUT';
    default:
      return 'ABORTED';
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export const doesNotExist = (arn: string) => new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);

/** The execution's input text, checked as AWS does: JSON, at most 256 KiB. */
function inputOf(body: Body): { text: string; value: unknown } {
  // Its characters are at most its bytes: the bytes are checked below (the request body is bounded anyway).
  const text = optionalString(body, 'input', Number.MAX_SAFE_INTEGER) ?? '{}';
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES)
    throw validation(
      // AWS's words for StartExecution's input over 256 KiB (its length counted in UTF-8 bytes).
      "1 validation error detected: Value at 'input' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
    );
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new SfnError('InvalidExecutionInput', `Invalid Execution Input: ${(error as Error).message}`);
  }
}

export function executionActions(deps: ExecutionDeps) {
  const { client, arns, registry, definitions, temporal, activities } = deps;

  const machineOf = async (arn: unknown): Promise<MachineRecord> => {
    const name = arns.parseStateMachine(arn);
    const record = await registry.get(name);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return record;
  };

  /** The workflow behind an execution ARN, or ExecutionDoesNotExist. */
  const find = async (arn: unknown): Promise<{ arn: string; machine: string; name: string; description: WorkflowExecutionDescription }> => {
    const { machine, name } = arns.parseExecution(arn);
    const id = arns.execution(machine, name);
    try {
      const description = await client.workflow.getHandle(id).describe();
      if (description.type !== STATE_MACHINE_WORKFLOW) throw doesNotExist(id);
      return { arn: id, machine, name, description };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw doesNotExist(id);
      throw error;
    }
  };

  /**
   * The machine's record and, read at the same time (one storage round trip's wait, not two in a row), its
   * definition: awaited only once the request is found valid, so the errors and their order stay as they were.
   */
  const machineToStart = async (arn: unknown) => {
    const definition = definitions.get(arns.parseStateMachine(arn));
    definition.catch(() => undefined); // Not left unhandled when the record's lookup answers an error first.
    return { record: await machineOf(arn), definition };
  };

  async function start(
    { record, definition: read }: { record: MachineRecord; definition: Promise<Definition | undefined> },
    body: Body,
    generated: boolean,
  ) {
    const name = generated ? randomUUID() : (optionalString(body, 'name', 80) ?? randomUUID());
    if (!STATE_MACHINE_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}' (1 to 80 letters, digits, - and _)`);
    const input = inputOf(body);
    const definition = await read;
    if (!definition) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arns.stateMachine(record.name)}'`);
    const executionArn = arns.execution(record.name, name);
    const startDate = Date.now();
    try {
      const handle = await startStateMachine(client, {
        workflowId: executionArn,
        taskQueue: temporal.aslTaskQueue,
        definition,
        input: input.value,
        name: record.name,
        activities,
        executionName: name,
        activityTaskQueuePrefix: activityTaskQueuePrefix(temporal),
        memo: { sfnInputDigest: digest(input.text), sfnType: record.type },
      });
      return { executionArn, name, startDate, input, handle };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // As AWS: the same name and input while it runs is the same execution; anything else is refused.
      const { description } = await find(executionArn);
      if (description.status.name === 'RUNNING' && description.memo?.sfnInputDigest === digest(input.text)) {
        return { executionArn, name, startDate: description.startTime.getTime(), input, handle: undefined };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
  }

  return {
    async StartExecution(body: Body) {
      const { executionArn, startDate } = await start(await machineToStart(body.stateMachineArn), body, false);
      return { executionArn, startDate: epochSeconds(startDate) };
    },

    /** EXPRESS machines only, as AWS: the answer waits for the end (at most five minutes, AWS's limit for them). */
    async StartSyncExecution(body: Body) {
      const machine = await machineToStart(body.stateMachineArn);
      const { record } = machine;
      if (record.type !== 'EXPRESS') {
        throw new SfnError(
          'StateMachineTypeNotSupported',
          `This operation is not supported by this type of state machine: '${record.type}'`,
        );
      }
      const { executionArn, name, startDate, input, handle } = await start(machine, body, body.name === undefined);
      if (!handle) throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), EXPRESS_SYNC_LIMIT_MS);
      });
      const outcome = await Promise.race([executionOutcome(handle.result()), timedOut]).finally(() => clearTimeout(timer));
      const common = {
        executionArn,
        stateMachineArn: arns.stateMachine(record.name),
        name,
        startDate: epochSeconds(startDate),
        stopDate: epochSeconds(Date.now()),
        input: input.text,
        inputDetails: { included: true },
        billingDetails: {
          billedMemoryUsedInMB: 64,
          billedDurationInMilliseconds: Math.max(100, Math.ceil((Date.now() - startDate) / 100) * 100),
        },
      };
      if (outcome === 'timeout') {
        await stopExecution(client, executionArn, JSON.stringify({ sfnStop: { error: 'States.Timeout', cause: 'over five minutes' } }));
        return {
          ...common,
          status: 'TIMED_OUT',
          error: 'States.Timeout',
          cause: 'An EXPRESS execution answered synchronously runs at most five minutes',
        };
      }
      if (outcome.status === 'TIMED_OUT') return { ...common, status: 'TIMED_OUT' };
      if (outcome.status === 'SUCCEEDED') {
        return { ...common, status: 'SUCCEEDED', output: JSON.stringify(outcome.output), outputDetails: { included: true } };
      }
      return {
        ...common,
        status: 'FAILED',
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
      };
    },

    async DescribeExecution(body: Body) {
      const { arn, machine, name, description } = await find(body.executionArn);
      const status = sfnStatus(description.status.name);
      const { args, time } = await startOf(client, arn);
      const input = args.resume ? args.resume.executionInput : (args.input ?? {});
      const answer: Record<string, unknown> = {
        executionArn: arn,
        stateMachineArn: arns.stateMachine(machine),
        name,
        status,
        startDate: epochSeconds(args.resume?.startTime ?? time),
        input: JSON.stringify(input),
        inputDetails: { included: true },
        ...redriveFields(description.status.name, args, description.memo?.sfnType === 'EXPRESS'),
      };
      if (description.closeTime) answer.stopDate = epochSeconds(description.closeTime);
      if (status === 'SUCCEEDED' || status === 'FAILED') {
        const outcome = await executionOutcome(client.workflow.getHandle(arn).result());
        if (outcome.status === 'SUCCEEDED')
          Object.assign(answer, { output: JSON.stringify(outcome.output), outputDetails: { included: true } });
        else if (outcome.status === 'FAILED')
          Object.assign(
            answer,
            outcome.error !== undefined ? { error: outcome.error } : {},
            outcome.cause !== undefined ? { cause: outcome.cause } : {},
          );
      } else if (status === 'ABORTED') {
        const last = await lastEventOf(client, arn);
        Object.assign(answer, stopReason(last?.workflowExecutionTerminatedEventAttributes?.reason));
      }
      // TIMED_OUT: no error or cause, as AWS describes an execution past its TimeoutSeconds.
      return answer;
    },

    async StopExecution(body: Body) {
      const { arn } = await find(body.executionArn);
      const error = optionalString(body, 'error', 256);
      const cause = optionalString(body, 'cause', 32768);
      const reason = JSON.stringify({ sfnStop: { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) } });
      const stopped = await stopExecution(client, arn, reason);
      if (stopped === undefined) throw doesNotExist(arn);
      if (!stopped) throw validation(`Execution '${arn}' has already ended; only a running execution can be stopped`);
      return { stopDate: epochSeconds(Date.now()) };
    },

    async DescribeStateMachineForExecution(body: Body) {
      const { arn, machine } = await find(body.executionArn);
      const { args, time } = await startOf(client, arn);
      const record = await registry.get(machine);
      return {
        stateMachineArn: arns.stateMachine(machine),
        name: machine,
        definition: JSON.stringify(args.definition),
        roleArn: record?.roleArn ?? `arn:aws:iam::${arns.prefix.split(':')[4]}:role/${machine}`,
        updateDate: epochSeconds(args.resume?.startTime ?? time),
      };
    },

    requireMachine: machineOf,
    requireExecution: find,
  };
}

/** Where Tasks on activity ARNs wait for GetActivityTask: task queues under the States Language worker's own. */
export const activityTaskQueuePrefix = (temporal: TemporalConfig): string => `${temporal.aslTaskQueue}/sfn-activity/`;

/** AWS's limit for an EXPRESS execution. */
export const EXPRESS_SYNC_LIMIT_MS = 5 * 60 * 1000;
