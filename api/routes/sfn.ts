/**
 * The AWS Step Functions API (JSON 1.0 protocol): `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`, so the
 * AWS SDKs and CLI work against this server unchanged. `/` is public to the bearer check (the page is there): this
 * route guards itself with SigV4, against SFN_ACCESS_KEYS, else API_TOKEN as the secret (see api/sfn/config.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { STATE_MACHINE_TASKS } from '../../activities/examples/names';
import type { Config } from '../../lib/config';
import { MachineRegistry } from '../../storage/sfn-machines';
import type { ObjectStore } from '../../storage/object-store';
import { DEFINITION_READS, StateMachineStore } from '../../storage/state-machines';
import { Arns } from '../sfn/arns';
import { type SfnConfig, sfnConfig } from '../sfn/config';
import { errorBody, SfnError } from '../sfn/errors';
import { executionActions } from '../sfn/executions';
import { executionHistory } from '../sfn/history';
import { listExecutions } from '../sfn/list-executions';
import { machineActions } from '../sfn/machines';
import { verifySigV4 } from '../sfn/sigv4';
import { taskActions } from '../sfn/tasks';
import { testStateAction } from '../sfn/test-state';
import { activityActions } from '../sfn/activities';
import { redriveAction } from '../sfn/redrive';
import { ActivityRegistry } from '../../storage/sfn-activities';
import { startOf } from '../sfn/temporal-reads';
import type { Body } from '../sfn/wire';
import { TaskTokens } from 'states-language-temporal/client';
import { taskTokenSecret } from '../../lib/sfn-task-token-secret';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** A 1 MiB definition, escaped inside a JSON string, and the rest of the request. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Actions of the service model this server does not serve: refused by name, never pretended. */
const NOT_SERVED: Record<string, string> = {
  CreateStateMachineAlias: 'versions and aliases are not served',
  DeleteStateMachineAlias: 'versions and aliases are not served',
  DescribeStateMachineAlias: 'versions and aliases are not served',
  ListStateMachineAliases: 'versions and aliases are not served',
  UpdateStateMachineAlias: 'versions and aliases are not served',
  PublishStateMachineVersion: 'versions and aliases are not served',
  DeleteStateMachineVersion: 'versions and aliases are not served',
  ListStateMachineVersions: 'versions and aliases are not served',
  DescribeMapRun: 'Map Runs (DISTRIBUTED Map) are not served',
  ListMapRuns: 'Map Runs (DISTRIBUTED Map) are not served',
  UpdateMapRun: 'Map Runs (DISTRIBUTED Map) are not served',
};

export interface SfnRouteOptions {
  client: Client;
  config: Config;
  store: ObjectStore;
  /** The definitions the REST routes read and write too (their reads kept briefly, see FreshReads); else its own. */
  definitions?: StateMachineStore;
  /** Region, account and keys; from the environment unless given (tests). */
  sfn?: SfnConfig;
}

export default async function sfnRoutes(app: FastifyInstance, options: SfnRouteOptions) {
  const { client, config, store } = options;
  const definitions = options.definitions ?? new StateMachineStore(store, DEFINITION_READS);
  const sfn = options.sfn ?? sfnConfig(process.env, config.api.token);
  const arns = new Arns(sfn);
  const registry = new MachineRegistry(store, definitions, { freshForMs: DEFINITION_READS.freshForMs });
  const tokens = new TaskTokens(taskTokenSecret(config));
  const deps = { client, arns, registry, definitions, temporal: config.temporal, activities: STATE_MACHINE_TASKS };
  const { requireMachine, requireExecution, ...executions } = executionActions(deps);
  const actions: Record<string, (body: Body) => Promise<unknown>> = {
    ...machineActions(deps),
    ...executions,
    ...taskActions({ client, arns, tokens }),
    ...testStateAction(deps.activities),
    ...redriveAction(client, config.temporal, requireExecution),
    ...activityActions({
      client,
      arns,
      tokens,
      registry: new ActivityRegistry(store),
      temporal: config.temporal,
      pollSeconds: sfn.activityPollSeconds,
    }),
    ListExecutions: (body) => listExecutions(client, arns, requireMachine, body),
    GetExecutionHistory: async (body) => {
      const { arn } = await requireExecution(body.executionArn);
      const { args, time } = await startOf(client, arn);
      return executionHistory(client, arns, body, arn, args, args.resume?.startTime ?? time);
    },
  };
  const secretOf = (accessKeyId: string) => (sfn.keys.size > 0 ? sfn.keys.get(accessKeyId) : sfn.apiToken);

  // Kept raw: SigV4 signs the body's bytes.
  app.addContentTypeParser(CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  const fail = (reply: FastifyReply, error: SfnError) =>
    reply.code(error.statusCode).header('content-type', CONTENT_TYPE).header('x-amzn-errortype', error.type).send(errorBody(error));

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof SfnError) return fail(reply, error);
    // The API's rate limit (api/plugins/rate-limit.ts): AWS's throttling answer, which the SDKs retry as throttling.
    if (error.statusCode === 429) return fail(reply, new SfnError('ThrottlingException', `Rate exceeded: ${error.message}`));
    if (error.statusCode === 413)
      return fail(reply, new SfnError('ValidationException', `the request body is over ${MAX_BODY_BYTES} bytes`, 413));
    if (error.statusCode && error.statusCode < 500)
      return fail(reply, new SfnError('SerializationException', error.message, error.statusCode));
    request.log.error({ err: error }, 'Step Functions action failed');
    return fail(reply, new SfnError('InternalFailure', 'the server failed to answer; its log has the details', 500));
  });

  app.post('/', { schema: { hide: true }, bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    reply.header('x-amzn-requestid', randomUUID());
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX)) {
      throw new SfnError('UnknownOperationException', `X-Amz-Target must be ${TARGET_PREFIX}<Action>, not '${target.slice(0, 100)}'`);
    }
    if (request.body !== undefined && !Buffer.isBuffer(request.body)) {
      throw new SfnError('SerializationException', `Content-Type must be ${CONTENT_TYPE}`, 415);
    }
    const raw = request.body ?? Buffer.alloc(0);
    if (sfn.keys.size > 0 || sfn.apiToken) verifySigV4('POST', '/', request.headers, raw, secretOf);
    const action = target.slice(TARGET_PREFIX.length);
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!handler) {
      if (NOT_SERVED[action])
        throw new SfnError('UnsupportedOperation', `${action}: ${NOT_SERVED[action]} by this Step Functions API on Temporal`);
      throw new SfnError('UnknownOperationException', `Unknown action '${action.slice(0, 100)}'`);
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new SfnError('SerializationException', 'the request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new SfnError('SerializationException', 'the request body must be a JSON object');
    const answer = await handler(body as Body);
    request.log.info({ sfnAction: action }, 'Step Functions action');
    return reply.header('content-type', CONTENT_TYPE).send(JSON.stringify(answer));
  });
}
