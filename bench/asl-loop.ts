/**
 * The 5,000-page loop: examples/state-machines/records.asl.json over 10,000 records, two a page (10,000 Tasks),
 * through the `stateMachine` workflow on the States Language worker's queue, as the API starts a stored machine.
 * Its floor is the time a Task takes in `recordsLoop` (bench/asl-workflows.ts), the same activities in a
 * hand-written loop on the same worker that continues as new at the same threshold, over a tenth of the pages:
 * each sequential activity costs some 50 ms on the dev server of a 2-core machine, so the loop alone takes
 * minutes, and the floor at full length would double them. With the history cut short by continuing as new, a
 * Task's time does not grow with the loop's length (the floor's runs continue as new too). The ratio of times
 * per Task is what the interpreter adds to the work of the activities themselves.
 */
import { randomUUID } from 'node:crypto';
import { STATE_MACHINE_ACTIVITIES } from '../activities/examples/names';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { recordValue } from '../activities/examples/records';
import type { ObjectStore } from '../storage/object-store';
import type { Definition } from 'states-language-temporal';
import { until } from '../testkit/until';
import { CONTINUE_AFTER_EVENTS } from 'states-language-temporal/workflow';
import { recordsLoop, stateMachine } from './asl-workflows';
import { formatMs, type Progress } from './report';

export const LOOP_RECORDS = 10_000;
export const PAGE_SIZE = 2;
/** The floor's records: a tenth of the loop's, still long enough to continue as new. */
export const FLOOR_RECORDS = 1_000;
const WARM_UP_RECORDS = 40;

const definition = JSON.parse(readFileSync(join(__dirname, '../examples/state-machines/records.asl.json'), 'utf8')) as Definition;

export interface LoopRun {
  workflowId: string;
  records: number;
  /** Activities run, not counting the final saveResults. */
  tasks: number;
  ms: number;
  msPerTask: number;
  output: { key: string; processed: number; total: number };
  /** Every run of the workflow id, as visibility lists them, oldest first. */
  runs: { runId: string; status: string; historyLength: number }[];
  longest: { runId: string; historyLength: number; fetchedEvents: number };
  saved: unknown;
}

export interface LoopResult {
  records: number;
  pageSize: number;
  tasks: number;
  continueAfterEvents: number;
  expectedTotal: number;
  floor: LoopRun;
  interpreter: LoopRun;
  ratio: number;
}

const sumOfValues = (n: number) => Array.from({ length: n }, (_, id) => recordValue(id)).reduce((a, b) => a + b, 0);

/** The runs of one workflow id once visibility has them all: none running, one completed, the count steady. */
async function runsOf(client: Client, workflowId: string): Promise<LoopRun['runs']> {
  let previous = -1;
  return until(
    `visibility to list every run of ${workflowId}`,
    async () => {
      const runs: (LoopRun['runs'][number] & { startTime: number })[] = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
        runs.push({ runId: run.runId, status: run.status.name, historyLength: run.historyLength, startTime: run.startTime.getTime() });
      }
      const steady = runs.length === previous;
      previous = runs.length;
      const settled = runs.every((r) => r.status !== 'RUNNING') && runs.filter((r) => r.status === 'COMPLETED').length === 1;
      if (!settled || !steady) return undefined;
      return runs.sort((a, b) => a.startTime - b.startTime).map(({ runId, status, historyLength }) => ({ runId, status, historyLength }));
    },
    60_000,
    500,
  );
}

async function measure(
  client: Client,
  store: ObjectStore,
  records: number,
  start: (id: string) => Promise<{ result(): Promise<unknown> }>,
  prefix: string,
): Promise<LoopRun> {
  const expectedTotal = sumOfValues(records);
  const workflowId = `${prefix}-${randomUUID()}`;
  const started = performance.now();
  const handle = await start(workflowId);
  // The handle follows the runs it continues through to the last one's result.
  const output = (await handle.result()) as LoopRun['output'];
  const ms = performance.now() - started;
  if (output?.processed !== records || output.total !== expectedTotal) {
    throw new Error(
      `${workflowId}: processed ${output?.processed} records totalling ${output?.total}, not ${records} totalling ${expectedTotal}`,
    );
  }
  const saved = JSON.parse((await store.get(output.key)) ?? 'null') as { processed?: number; total?: number } | null;
  if (saved?.processed !== records || saved.total !== expectedTotal) throw new Error(`${workflowId}: saved ${JSON.stringify(saved)}`);
  const runs = await runsOf(client, workflowId);
  const longestRun = runs.reduce((a, b) => (b.historyLength > a.historyLength ? b : a));
  // Visibility's count, checked against the history itself.
  const fetchedEvents = ((await client.workflow.getHandle(workflowId, longestRun.runId).fetchHistory()).events ?? []).length;
  const tasks = (records / PAGE_SIZE) * 2;
  return {
    workflowId,
    records,
    tasks,
    ms,
    msPerTask: ms / tasks,
    output,
    runs,
    longest: { runId: longestRun.runId, historyLength: longestRun.historyLength, fetchedEvents },
    saved,
  };
}

export async function fiveThousandPages(client: Client, store: ObjectStore, queue: string, progress: Progress): Promise<LoopResult> {
  const interpreter = (records: number) => (workflowId: string) =>
    client.workflow.start(stateMachine, {
      workflowId,
      taskQueue: queue,
      // As the API starts a stored machine (api/state-machine-runs.ts): Tasks bound to the state machines' activities.
      args: [
        {
          definition,
          input: { source: { name: workflowId, total: records }, pageSize: PAGE_SIZE },
          name: 'records',
          activities: [...STATE_MACHINE_ACTIVITIES],
        },
      ],
    });
  const floor = (records: number) => (workflowId: string) =>
    client.workflow.start(recordsLoop, {
      workflowId,
      taskQueue: queue,
      args: [{ source: { name: workflowId, total: records }, pageSize: PAGE_SIZE }],
    });

  progress(`5,000-page loop: warming up (${WARM_UP_RECORDS / PAGE_SIZE} pages each)`);
  for (const start of [floor(WARM_UP_RECORDS), interpreter(WARM_UP_RECORDS)]) {
    const output = (await (await start(`warm-loop-${randomUUID()}`)).result()) as LoopRun['output'];
    if (output.processed !== WARM_UP_RECORDS) throw new Error(`warm-up loop processed ${output.processed}`);
  }
  // The floor first: whatever the server slows as its store grows counts against the interpreter, not for it.
  progress(
    `5,000-page loop: the hand-written loop (floor), ${FLOOR_RECORDS.toLocaleString('en')} ` +
      `records, ${((FLOOR_RECORDS / PAGE_SIZE) * 2).toLocaleString('en')} activities`,
  );
  const floorRun = await measure(client, store, FLOOR_RECORDS, floor(FLOOR_RECORDS), 'records-loop-floor');
  progress(
    `5,000-page loop: floor ${formatMs(floorRun.ms)} (${formatMs(floorRun.msPerTask)} a Task), ` +
      `${floorRun.runs.length} runs, longest history ${floorRun.longest.historyLength}`,
  );
  progress(`5,000-page loop: records.asl.json through the interpreter, ${LOOP_RECORDS.toLocaleString('en')} records`);
  const interpreterRun = await measure(client, store, LOOP_RECORDS, interpreter(LOOP_RECORDS), 'records-loop');
  progress(
    `5,000-page loop: interpreter ${formatMs(interpreterRun.ms)} ` +
      `(${formatMs(interpreterRun.msPerTask)} a Task), ${interpreterRun.runs.length} runs, ` +
      `longest history ${interpreterRun.longest.historyLength}`,
  );
  return {
    records: LOOP_RECORDS,
    pageSize: PAGE_SIZE,
    tasks: interpreterRun.tasks,
    continueAfterEvents: CONTINUE_AFTER_EVENTS,
    expectedTotal: sumOfValues(LOOP_RECORDS),
    floor: floorRun,
    interpreter: interpreterRun,
    ratio: interpreterRun.msPerTask / floorRun.msPerTask,
  };
}
