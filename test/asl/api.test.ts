/** The States Language API on a real worker: store (checked first), start, read the outcome. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { TemporalRunner } from './support/temporal-runner';
import { executionFinished } from './support/finished';

let runner: TemporalRunner;
let app: FastifyInstance;

beforeAll(async () => {
  runner = await TemporalRunner.start();
  app = await buildApp({ config: runner.config, client: runner.temporal.client, logger: false });
});

afterAll(async () => {
  await app?.close();
  await runner?.close();
});

/** A Task bound to an activity registered for state machines (the records example's processBatch). */
const hello = {
  StartAt: 'Sum',
  States: { Sum: { Type: 'Task', Resource: 'processBatch', Parameters: { 'records.$': '$.records' }, End: true } },
};
const records = (...values: number[]) => values.map((value, id) => ({ id, value }));

const finished = (id: string) => executionFinished(app, id);

it('PUT refuses an invalid definition with 400 and every problem with its JSON path', async () => {
  const res = await app.inject({
    method: 'PUT',
    url: '/state-machines/broken',
    payload: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Task', End: true } } },
  });
  expect(res.statusCode).toBe(400);
  expect(res.json()).toMatchObject({ error: 'InvalidDefinition' });
  expect(res.json().details).toEqual(
    expect.arrayContaining([
      { path: '$.States.A.Next', message: "names no state in this scope: 'Nowhere'" },
      { path: '$.States.B.Resource', message: expect.any(String) },
      { path: '$.States.B', message: "state 'B' cannot be reached from StartAt" },
    ]),
  );
  const start = await app.inject({ method: 'POST', url: '/state-machines/broken/executions', payload: {} });
  expect(start.statusCode).toBe(404);
});

it('PUT stores, POST starts (202 with the UI link), GET gives status and output', async () => {
  const put = await app.inject({ method: 'PUT', url: '/state-machines/hello', payload: hello });
  expect(put.statusCode).toBe(200);
  const post = await app.inject({ method: 'POST', url: '/state-machines/hello/executions', payload: { records: records(2, 5) } });
  expect(post.statusCode).toBe(202);
  const { id, status, links } = post.json();
  expect(status).toBe('RUNNING');
  expect(links).toEqual({ self: `/executions/${id}`, ui: expect.stringContaining(encodeURIComponent(id)) });
  expect(await finished(id)).toEqual({ id, status: 'SUCCEEDED', output: { count: 2, sum: 7 } });
});

it('GET gives the Error and Cause of a failed execution', async () => {
  const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'not today' } } };
  expect((await app.inject({ method: 'PUT', url: '/state-machines/failing', payload: failing })).statusCode).toBe(200);
  const { id } = (await app.inject({ method: 'POST', url: '/state-machines/failing/executions' })).json();
  expect(await finished(id)).toEqual({ id, status: 'FAILED', error: 'Nope', cause: 'not today' });
});

it('a stored machine starts another through startExecution.sync:2', async () => {
  const parent = {
    StartAt: 'Child',
    States: {
      Child: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:hello', Input: { 'records.$': '$.values' } },
        OutputPath: '$.Output',
        End: true,
      },
    },
  };
  expect((await app.inject({ method: 'PUT', url: '/state-machines/hello', payload: hello })).statusCode).toBe(200);
  expect((await app.inject({ method: 'PUT', url: '/state-machines/parent', payload: parent })).statusCode).toBe(200);
  const { id } = (await app.inject({ method: 'POST', url: '/state-machines/parent/executions', payload: { values: records(4) } })).json();
  expect(await finished(id)).toEqual({ id, status: 'SUCCEEDED', output: { count: 1, sum: 4 } });
});

it('a PUT replaces the definition for later executions', async () => {
  const v2 = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v2', End: true } } };
  expect((await app.inject({ method: 'PUT', url: '/state-machines/versioned', payload: hello })).statusCode).toBe(200);
  expect((await app.inject({ method: 'PUT', url: '/state-machines/versioned', payload: v2 })).statusCode).toBe(200);
  const { id } = (await app.inject({ method: 'POST', url: '/state-machines/versioned/executions', payload: {} })).json();
  expect(await finished(id)).toEqual({ id, status: 'SUCCEEDED', output: 'v2' });
});

it('404 for an unknown machine or execution; 400 for a bad machine name', async () => {
  expect((await app.inject({ method: 'POST', url: '/state-machines/never-stored/executions', payload: {} })).statusCode).toBe(404);
  expect((await app.inject({ method: 'GET', url: '/executions/no-such-execution' })).statusCode).toBe(404);
  expect((await app.inject({ method: 'PUT', url: '/state-machines/bad%20name', payload: hello })).statusCode).toBe(400);
});
