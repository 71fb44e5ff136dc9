/**
 * Executions that run for ever: a loop continues as new before its history grows long, keeping its id, state,
 * variables and totals; a Pass-to-Pass loop never holds the worker's thread, and can be stopped.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordValue } from '../../activities/examples/records';
import type { Definition } from 'states-language-temporal';
import { stateMachine } from '../../workflows';
import { until } from '../../testkit/until';
import { TemporalRunner } from './support/temporal-runner';

let runner: TemporalRunner;
const records = JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines/records.asl.json'), 'utf8')) as Definition;

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

const start = (definition: Definition, input: unknown, continueAfterEvents?: number) =>
  runner.temporal.client.workflow.start(stateMachine, {
    workflowId: `long-${randomUUID()}`,
    taskQueue: runner.config.temporal.taskQueue,
    args: [{ definition, input, name: 'records', continueAfterEvents }],
  });

it('continues a long loop as new, run after run, and ends with the right totals under one execution id', async () => {
  const pages = 150;
  const handle = await start(records, { source: { name: `loop-${randomUUID()}`, total: pages * 2 }, pageSize: 2 }, 200);
  const output = (await handle.result()) as { processed: number; total: number };
  const expected = Array.from({ length: pages * 2 }, (_, id) => recordValue(id)).reduce((a, b) => a + b, 0);
  expect(output).toMatchObject({ processed: pages * 2, total: expected });

  // Many runs, each history short; the last is the one the id names.
  const runs: number[] = [];
  for await (const run of runner.temporal.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` }))
    runs.push(run.historyLength);
  expect(runs.length).toBeGreaterThan(5);
  expect(Math.max(...runs)).toBeLessThan(260);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
}, 120_000);

it('keeps variables, the execution input and TimeoutSeconds across runs', async () => {
  const counting: Definition = {
    TimeoutSeconds: 600,
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { count: 0, label: 'kept' }, Next: 'Tick' },
      Tick: {
        Type: 'Task',
        Resource: 'processBatch',
        Parameters: { records: [] },
        Assign: { 'count.$': 'States.MathAdd($count, 1)' },
        Next: 'Done?',
      },
      'Done?': { Type: 'Choice', Choices: [{ Variable: '$count', NumericGreaterThanEquals: 40, Next: 'Report' }], Default: 'Tick' },
      Report: { Type: 'Pass', Parameters: { 'count.$': '$count', 'label.$': '$label', 'input.$': '$$.Execution.Input' }, End: true },
    },
  };
  const handle = await start(counting, { hello: 'world' }, 60);
  expect(await handle.result()).toEqual({ count: 40, label: 'kept', input: { hello: 'world' } });
  let runs = 0;
  for await (const _ of runner.temporal.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) runs++;
  expect(runs).toBeGreaterThan(2);
}, 120_000);

it('lets other work run while a Pass-to-Pass loop spins, and the loop can be stopped', async () => {
  const spin: Definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } };
  const spinning = await start(spin, {});
  // It breathes: timers in its history, so its workflow tasks end and the worker's thread is free.
  await until(
    'the loop to breathe',
    async () => {
      const { events } = await spinning.fetchHistory();
      return (events ?? []).filter((e) => e.timerStartedEventAttributes).length >= 3 ? true : undefined;
    },
    60_000,
  );
  const quick: Definition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', End: true } } };
  expect(await (await start(quick, {})).result()).toBe('done');
  await spinning.terminate('test over');
}, 90_000);

it('lets other work run while a JSONata-heavy loop spins (breaths counted in JSONata steps too)', async () => {
  const heavy: Definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Sum',
    States: { Sum: { Type: 'Pass', Output: { total: '{% $sum($map([1..150], function($x) { $x * 2 })) %}' }, Next: 'Sum' } },
  };
  const spinning = await start(heavy, {});
  await until(
    'the JSONata loop to breathe',
    async () => {
      const { events } = await spinning.fetchHistory();
      return (events ?? []).filter((e) => e.timerStartedEventAttributes).length >= 3 ? true : undefined;
    },
    60_000,
  );
  expect((await spinning.describe()).status.name).toBe('RUNNING');
  const quick: Definition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', End: true } } };
  expect(await (await start(quick, {})).result()).toBe('done');
  await spinning.terminate('test over');
}, 90_000);
