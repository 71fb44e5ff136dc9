/**
 * The Step Functions API through the real `@aws-sdk/client-sfn`, against the API and a States Language worker on the
 * suite's Temporal dev server (payloads sealed by the stack's codec). API_TOKEN is set: requests are signed with it
 * as the secret access key.
 */
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidDefinition,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
  TagResourceCommand,
  ListMapRunsCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import Fastify from 'fastify';
import sfnRoutes from '../../api/routes/sfn';
import { sfnConfig } from '../../api/sfn/config';
import { createObjectStore } from '../../storage/object-store';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';

const TOKEN = 'sfn-sdk-organiser-token';
let stack: TestStack;
let sfn: SFNClient;
let endpoint: string;
const ROLE = 'arn:aws:iam::000000000000:role/test';
const unique = (name: string) => `${name}-${Date.now().toString(36)}`;

beforeAll(async () => {
  stack = await startTestStack('sfn-sdk', { env: { API_TOKEN: TOKEN } });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  // disableHostPrefix: StartSyncExecution's model asks for a `sync-` host, which 127.0.0.1 cannot take.
  sfn = client(TOKEN);
});

afterAll(async () => {
  sfn?.destroy();
  await stack?.close();
});

function client(secretAccessKey: string, at = endpoint, accessKeyId = 'AKIDTEST') {
  return new SFNClient({
    endpoint: at,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

async function create(name: string, definition: unknown, type: 'STANDARD' | 'EXPRESS' = 'STANDARD') {
  const made = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }));
  return made.stateMachineArn!;
}

async function ended(executionArn: string) {
  return until(`${executionArn} to end`, async () => {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });
}

const pipeline = {
  Comment: 'a Pass, a Task on an allowed activity, a Choice',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'records.$': '$.records' }, Next: 'Sum' },
    Sum: { Type: 'Task', Resource: 'processBatch', Next: 'Big?' },
    'Big?': { Type: 'Choice', Choices: [{ Variable: '$.sum', NumericGreaterThan: 5, Next: 'Done' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
};
const records = (...values: number[]) => values.map((value, id) => ({ id, value }));
const waiting = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 600, End: true } } };

it('refuses a request not signed with the configured secret', async () => {
  const stranger = client('not-the-token');
  await expect(stranger.send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  stranger.destroy();
});

it('with SFN_ACCESS_KEYS, takes only requests signed with one of those keys', async () => {
  const app = Fastify({ logger: false });
  const store = createObjectStore(stack.config.storage);
  const sfnOptions = sfnConfig({ SFN_ACCESS_KEYS: 'AKIDGOOD:good-secret,AKIDOTHER:other-secret' });
  await app.register(sfnRoutes, { client: stack.temporal.client, config: stack.config, store, sfn: sfnOptions });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const at = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const clients = [client('good-secret', at, 'AKIDGOOD'), client('wrong', at, 'AKIDGOOD'), client('good-secret', at, 'AKIDUNKNOWN')];
  try {
    expect((await clients[0].send(new ListStateMachinesCommand({}))).stateMachines).toEqual(expect.any(Array));
    await expect(clients[1].send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(clients[2].send(new ListStateMachinesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const unsigned = await fetch(at, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  } finally {
    for (const c of clients) c.destroy();
    await app.close();
    store.close();
  }
});

it('bounds the request body, with an answer the SDKs read', async () => {
  const big = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
    body: JSON.stringify({ definition: 'x'.repeat(4 * 1024 * 1024) }),
  });
  expect(big.status).toBe(413);
  expect(big.headers.get('x-amzn-errortype')).toBe('ValidationException');
  expect(await big.json()).toEqual({ __type: 'ValidationException', message: expect.stringContaining('3145728 bytes') });
});

it('creates, describes, updates, lists (by pages), tags and deletes state machines', async () => {
  const name = unique('crud');
  await expect(
    sfn.send(new CreateStateMachineCommand({ name, definition: '{"StartAt":"X","States":{}}', roleArn: ROLE })),
  ).rejects.toBeInstanceOf(InvalidDefinition);
  const text = JSON.stringify(pipeline, null, 1);
  const made = await sfn.send(
    new CreateStateMachineCommand({ name, definition: text, roleArn: ROLE, tags: [{ key: 'team', value: 'elves' }] }),
  );
  expect(made.stateMachineArn).toMatch(new RegExp(`^arn:aws:states:[a-z0-9-]+:\\d{12}:stateMachine:${name}$`));
  expect(made.creationDate).toBeInstanceOf(Date);
  // The same request again answers the same machine.
  const again = await sfn.send(
    new CreateStateMachineCommand({ name, definition: text, roleArn: ROLE, tags: [{ key: 'team', value: 'elves' }] }),
  );
  expect(again.stateMachineArn).toBe(made.stateMachineArn);
  const arn = made.stateMachineArn!;

  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  expect(described).toMatchObject({ name, definition: text, roleArn: ROLE, type: 'STANDARD', status: 'ACTIVE' });
  // A start reads the machine and keeps it for a second: one just after the update runs the new definition all the same.
  const before = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: unique('before-update') }));
  const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(waiting) }));
  expect(updated.revisionId).not.toBe(described.revisionId);
  expect(JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).definition!)).toEqual(waiting);
  const after = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: unique('after-update') }));
  const ran = (executionArn: string | undefined) =>
    sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn })).then((d) => JSON.parse(d.definition!));
  expect(await ran(before.executionArn)).toEqual(pipeline);
  expect(await ran(after.executionArn)).toEqual(waiting);
  await sfn.send(new StopExecutionCommand({ executionArn: after.executionArn }));

  const other = await create(unique('crud-b'), waiting);
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ maxResults: 1, nextToken }));
    expect(page.stateMachines!.length).toBeLessThanOrEqual(1);
    names.push(...page.stateMachines!.map((m) => m.name!));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(names).toEqual(expect.arrayContaining([name, other.split(':').pop()]));

  await sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'season', value: 'winter' }] }));
  await sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
  expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([{ key: 'season', value: 'winter' }]);

  await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
  await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'arn:aws:states:nowhere' }))).rejects.toBeInstanceOf(InvalidArn);
});

it('ValidateStateMachineDefinition gives the checker diagnostics with their location', async () => {
  const bad = await sfn.send(
    new ValidateStateMachineDefinitionCommand({
      definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }),
    }),
  );
  expect(bad.result).toBe('FAIL');
  expect(bad.diagnostics).toEqual(
    expect.arrayContaining([
      { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: expect.stringContaining('Nowhere'), location: '/States/A/Next' },
    ]),
  );
  const good = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(pipeline) }));
  expect(good).toMatchObject({ result: 'OK', diagnostics: [] });
});

it('runs an execution: its output, its definition, and its history in Step Functions terms', async () => {
  const machine = await create(unique('pipeline'), pipeline);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: JSON.stringify({ records: records(2, 5) }) }),
  );
  expect(executionArn).toBe(machine.replace(':stateMachine:', ':execution:') + ':run-1');
  const done = await ended(executionArn!);
  expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'run-1', stateMachineArn: machine });
  expect(JSON.parse(done.output!)).toEqual({ count: 2, sum: 7 });
  expect(JSON.parse(done.input!)).toEqual({ records: records(2, 5) });
  const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
  expect(JSON.parse(forExecution.definition!)).toEqual(pipeline);

  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  const events = history.events!;
  expect(events.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'ChoiceStateEntered',
    'ChoiceStateExited',
    'SucceedStateEntered',
    'SucceedStateExited',
    'ExecutionSucceeded',
  ]);
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(events[3].stateEnteredEventDetails).toMatchObject({ name: 'Sum' });
  expect(JSON.parse(events[4].taskScheduledEventDetails!.parameters!)).toEqual({ records: records(2, 5) });
  expect(events[4].taskScheduledEventDetails).toMatchObject({ resourceType: 'activity', resource: 'processBatch' });
  expect(JSON.parse(events[6].taskSucceededEventDetails!.output!)).toEqual({ count: 2, sum: 7 });
  expect(JSON.parse(events[12].executionSucceededEventDetails!.output!)).toEqual({ count: 2, sum: 7 });

  // Newest first, by pages of 5, without data.
  const reversed: typeof events = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5, nextToken, includeExecutionData: false }),
    );
    reversed.push(...page.events!);
    nextToken = page.nextToken;
  } while (nextToken);
  expect(reversed.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
  expect(reversed[0].executionSucceededEventDetails?.output).toBeUndefined();
});

it('tells a failure, and Map iterations, in the history', async () => {
  const definition = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'L', States: { L: { Type: 'Pass', End: true } } },
          { StartAt: 'R', States: { R: { Type: 'Pass', End: true } } },
        ],
        OutputPath: '$[0]',
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
        Next: 'Stop',
      },
      Stop: { Type: 'Fail', Error: 'Nope', Cause: 'not today' },
    },
  };
  const machine = await create(unique('mapfail'), definition);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ items: [1, 2] }) }),
  );
  expect(await ended(executionArn!)).toMatchObject({ status: 'FAILED', error: 'Nope', cause: 'not today' });
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  const types = events!.map((e) => e.type);
  expect(types.slice(0, 3)).toEqual(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted']);
  const parallelEnd = types.indexOf('ParallelStateExited');
  expect(types[parallelEnd - 1]).toBe('ParallelStateSucceeded');
  expect(types.slice(parallelEnd + 1, parallelEnd + 3)).toEqual(['MapStateEntered', 'MapStateStarted']);
  expect(events![parallelEnd + 2].mapStateStartedEventDetails).toEqual({ length: 2 });
  expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(2);
  expect(types.filter((t) => t === 'PassStateEntered')).toHaveLength(4);
  expect(types.slice(-4)).toEqual(['MapStateSucceeded', 'MapStateExited', 'FailStateEntered', 'ExecutionFailed']);
  expect(events![events!.length - 1].executionFailedEventDetails).toEqual({ error: 'Nope', cause: 'not today' });
});

it('StartExecution is idempotent for the same name and input while it runs; stop, list by status and by pages', async () => {
  const machine = await create(unique('waits'), waiting);
  const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'one', input: '{"n":1}' }));
  const same = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'one', input: '{"n":1}' }));
  expect(same.executionArn).toBe(first.executionArn);
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'one', input: '{"n":2}' }))).rejects.toBeInstanceOf(
    ExecutionAlreadyExists,
  );
  await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'two' }));
  await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'three' }));

  await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Manual', cause: 'enough waiting' }));
  expect(await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }))).toMatchObject({
    status: 'ABORTED',
    error: 'Manual',
    cause: 'enough waiting',
  });
  // Ended, the same name and input is no longer the same execution.
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'one', input: '{"n":1}' }))).rejects.toBeInstanceOf(
    ExecutionAlreadyExists,
  );
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn }));
  expect(events!.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
  expect(events![2].executionAbortedEventDetails).toEqual({ error: 'Manual', cause: 'enough waiting' });

  // Visibility catches up a moment after each change.
  await until('three executions to be listed', async () => {
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
    return all.executions!.length === 3 ? all : undefined;
  });
  const aborted = await until('the stopped one to be listed as ABORTED', async () => {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'ABORTED' }));
    return page.executions!.length === 1 ? page : undefined;
  });
  expect(aborted.executions![0]).toMatchObject({ name: 'one', status: 'ABORTED', executionArn: first.executionArn });
  const running: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'RUNNING', maxResults: 1, nextToken }));
    expect(page.executions!.length).toBeLessThanOrEqual(1);
    running.push(...page.executions!.map((e) => e.name!));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(running.sort()).toEqual(['three', 'two']);
  for (const name of running)
    await sfn.send(new StopExecutionCommand({ executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${name}` }));
});

it('StartSyncExecution answers an EXPRESS execution at its end, and refuses a STANDARD machine', async () => {
  const express = await create(unique('express'), pipeline, 'EXPRESS');
  const answer = await sfn.send(
    new StartSyncExecutionCommand({ stateMachineArn: express, input: JSON.stringify({ records: records(1, 1) }) }),
  );
  expect(answer.status).toBe('SUCCEEDED');
  expect(JSON.parse(answer.output!)).toEqual({ count: 2, sum: 2 });
  const standard = await create(unique('standard'), pipeline);
  await expect(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard }))).rejects.toBeInstanceOf(StateMachineTypeNotSupported);
});

it('answers the exceptions of the service model, and refuses by name what it does not serve', async () => {
  const machine = await create(unique('errs'), waiting);
  const missing = `${machine.replace(':stateMachine:', ':execution:')}:never`;
  await expect(sfn.send(new DescribeExecutionCommand({ executionArn: missing }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: `${machine}-gone` }))).rejects.toBeInstanceOf(
    StateMachineDoesNotExist,
  );
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: 'not json' }))).rejects.toMatchObject({
    name: 'InvalidExecutionInput',
  });
  await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
  await expect(sfn.send(new ListMapRunsCommand({ executionArn: missing }))).rejects.toMatchObject({
    name: 'UnsupportedOperation',
    message: expect.stringContaining('not served'),
  });
});
