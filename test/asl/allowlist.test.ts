/**
 * Tasks of stored definitions bind only to the activities registered for state machines (the examples'), never
 * the Secret Santa pipeline's own: refused at PUT with the JSON path, and again at run time for a definition
 * that reached storage some other way, or a lambda:invoke FunctionName only known at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { TemporalRunner } from './support/temporal-runner';
import { STATE_MACHINE_TASKS } from '../../activities/examples/names';
import { executionFinished } from './support/finished';

let runner: TemporalRunner;
let app: FastifyInstance;
/** Every call of the pipeline's loadBatch (replaced by this spy on the test's worker). */
const loadBatchCalls: unknown[] = [];

beforeAll(async () => {
  runner = await TemporalRunner.start({
    loadBatch: async (input: never) => {
      loadBatchCalls.push(input);
      return { batch: 'secret' };
    },
  });
  app = await buildApp({ config: runner.config, client: runner.temporal.client, logger: false });
});

afterAll(async () => {
  await app?.close();
  await runner?.close();
});

beforeEach(() => {
  loadBatchCalls.length = 0;
});

// The examples' activities and the runtime's service integrations: never the pipeline's own.
const ALLOWED = STATE_MACHINE_TASKS.join(', ');

it('binds Tasks to the examples and the integrations only', () => {
  expect(ALLOWED).toMatch(/^rollDie, fetchRecords, processBatch, saveResults, addToTeam, recordMember, notifyOnboarding, integration:/);
  for (const pipeline of ['loadBatch', 'allocate', 'notifyEmail', 'notifySms', 'loadStateMachine'])
    expect(STATE_MACHINE_TASKS).not.toContain(pipeline);
});
const refusal = (name: string) => `'${name}' is not an activity registered for state machines (allowed: ${ALLOWED})`;
const task = (fields: Record<string, unknown>) => ({ StartAt: 'Load', States: { Load: { Type: 'Task', End: true, ...fields } } });
const invoke = (parameters: Record<string, unknown>) =>
  task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { Payload: {}, ...parameters } });
const loadBatch = { Type: 'Task', Resource: 'loadBatch', End: true };
const example = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines', `${name}.asl.json`), 'utf8'));

const finished = (id: string) => executionFinished(app, id);

async function execute(machine: string, input: Record<string, unknown> = {}) {
  const post = await app.inject({ method: 'POST', url: `/state-machines/${machine}/executions`, payload: input });
  expect(post.statusCode).toBe(202);
  return finished(post.json().id);
}

/** Activities scheduled by an execution and its children. */
async function scheduled(id: string): Promise<string[]> {
  const events = (await runner.temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  return events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

describe('PUT /state-machines/:name refuses a Task bound to a pipeline activity, with its path', () => {
  it.each([
    ['a plain name', task({ Resource: 'loadBatch' }), '$.States.Load.Resource', 'loadBatch'],
    [
      'a Lambda function ARN',
      task({ Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:loadBatch' }),
      '$.States.Load.Resource',
      'loadBatch',
    ],
    [
      'a Lambda function ARN with an alias',
      task({ Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:allocate:live' }),
      '$.States.Load.Resource',
      'allocate',
    ],
    [
      'an activity ARN',
      task({ Resource: 'arn:aws:states:eu-west-1:123456789012:activity:loadBatch' }),
      '$.States.Load.Resource',
      'loadBatch',
    ],
    ['lambda:invoke FunctionName', invoke({ FunctionName: 'loadBatch' }), '$.States.Load.Parameters.FunctionName', 'loadBatch'],
    [
      'lambda:invoke FunctionName as an ARN',
      invoke({ FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:notifySms:3' }),
      '$.States.Load.Parameters.FunctionName',
      'notifySms',
    ],
    [
      'a Parallel branch',
      { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [task({ Resource: 'loadBatch' })], End: true } } },
      '$.States.P.Branches[0].States.Load.Resource',
      'loadBatch',
    ],
    [
      'a Map ItemProcessor',
      { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: task({ Resource: 'validateParticipants' }), End: true } } },
      '$.States.M.ItemProcessor.States.Load.Resource',
      'validateParticipants',
    ],
    [
      'a Map Iterator',
      { StartAt: 'M', States: { M: { Type: 'Map', Iterator: invoke({ FunctionName: 'loadStateMachine' }), End: true } } },
      '$.States.M.Iterator.States.Load.Parameters.FunctionName',
      'loadStateMachine',
    ],
  ])('named by %s', async (_form, definition, path, name) => {
    const res = await app.inject({ method: 'PUT', url: '/state-machines/internal', payload: definition });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'InvalidDefinition', details: [{ path, message: refusal(name) }] });
    expect((await app.inject({ method: 'POST', url: '/state-machines/internal/executions', payload: {} })).statusCode).toBe(404);
  });

  it("takes the examples' own definitions, refuses secret-santa.asl.json (the pipeline's activities)", async () => {
    for (const name of ['dice', 'records', 'onboarding', 'onboard-member']) {
      const res = await app.inject({ method: 'PUT', url: `/state-machines/${name}`, payload: example(name) });
      expect({ name, status: res.statusCode }).toEqual({ name, status: 200 });
    }
    const res = await app.inject({ method: 'PUT', url: '/state-machines/secret-santa', payload: example('secret-santa') });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toContainEqual({ path: "$.States['Parse participants'].Resource", message: refusal('parseParticipants') });
  });
});

describe('at run time, Tasks of stored definitions still bind only to those activities', () => {
  it('a definition written straight to storage (never PUT) fails with States.Runtime naming the path; loadBatch never runs', async () => {
    await runner.machines.put('stored-behind-the-api', task({ Resource: 'loadBatch' }));
    const outcome = await execute('stored-behind-the-api');
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: expect.stringContaining(`$.States.Load.Resource: ${refusal('loadBatch')}`),
    });
    expect(await scheduled(outcome.id)).toEqual([]);
    expect(loadBatchCalls).toEqual([]);
  });

  it('a child execution loaded from storage is checked too, even for a trusted inline parent', async () => {
    await runner.machines.put('child-behind-the-api', { StartAt: 'Load', States: { Load: loadBatch } });
    const parent = task({
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:child-behind-the-api' },
    });
    expect((await app.inject({ method: 'PUT', url: '/state-machines/parent-of-internal', payload: parent })).statusCode).toBe(200);
    expect(await execute('parent-of-internal')).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: expect.stringContaining(`$.States.Load.Resource: ${refusal('loadBatch')}`),
    });
    expect(await runner.run(parent, {})).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: expect.stringContaining('$.States.Load.Resource'),
    });
    expect(loadBatchCalls).toEqual([]);
  });

  it('a lambda:invoke FunctionName chosen at run time fails with States.TaskFailed outside the list, runs inside it', async () => {
    const dynamic = invoke({ 'FunctionName.$': '$.fn', Payload: { 'records.$': '$.records' } });
    expect((await app.inject({ method: 'PUT', url: '/state-machines/dynamic', payload: dynamic })).statusCode).toBe(200);
    const refused = await execute('dynamic', { fn: 'loadBatch', records: [] });
    expect(refused).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: expect.stringContaining(refusal('loadBatch')) });
    expect(await scheduled(refused.id)).toEqual([]);
    const allowed = await execute('dynamic', {
      fn: 'arn:aws:lambda:us-east-1:123456789012:function:processBatch',
      records: [{ id: 1, value: 4 }],
    });
    expect(allowed).toMatchObject({ status: 'SUCCEEDED', output: { Payload: { count: 1, sum: 4 }, StatusCode: 200 } });
    expect(loadBatchCalls).toEqual([]);
  });

  it('so does a DISTRIBUTED Map iteration (a child workflow of its own)', async () => {
    const distributed = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.fns',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, ...invoke({ 'FunctionName.$': '$' }) },
          End: true,
        },
      },
    };
    expect((await app.inject({ method: 'PUT', url: '/state-machines/distributed', payload: distributed })).statusCode).toBe(200);
    expect(await execute('distributed', { fns: ['loadBatch'] })).toMatchObject({
      status: 'FAILED',
      error: 'States.TaskFailed',
      cause: expect.stringContaining(refusal('loadBatch')),
    });
    expect(loadBatchCalls).toEqual([]);
  });

  it('a definition started directly with the Temporal client (trusted: it already holds Temporal access) binds as before', async () => {
    expect(await runner.run({ StartAt: 'Load', States: { Load: loadBatch } }, { batch: 1 })).toEqual({
      status: 'SUCCEEDED',
      output: { batch: 'secret' },
    });
    expect(loadBatchCalls).toEqual([{ batch: 1 }]);
  });
});
