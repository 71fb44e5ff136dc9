/**
 * Secret Santa latency while hostile definitions run: the same path as the scale suite's latency figure (POST
 * /allocations to the API, then the run's result), here 50 people a run, on the pipeline's task queue and its
 * in-process worker; the hostile definitions run at the same time on the States Language worker's own queue,
 * served by a worker in a process of its own (bench/asl-worker-main.ts), as in production.
 *
 * The hostile corpus is the runtime's (packages/states-language/test/hostile/) with this app's example cases
 * (every case the API would accept at PUT, started as the API starts a stored machine), each kept running (started again when it ends, at
 * most once a second, about the pace the API's default rate limit lets one client keep up), plus three
 * definitions of our own that run until stopped: a Pass-to-Pass loop, a Map of 1,000 Waits looping back to
 * itself, and a Pass loop whose every visit spends most of the JSONata step budget. Every hostile execution is
 * terminated at the end, and the queue is checked empty.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { STATE_MACHINE_ACTIVITIES } from '../activities/examples/names';
import { buildApp } from '../api/app';
import { type ExecutionOutcome, executionOutcome } from 'states-language-temporal/client';
import { checkDefinition } from 'states-language-temporal';
import type { Definition } from 'states-language-temporal';
import type { Config } from '../lib/config';
import { HOSTILE_CASES } from '../packages/states-language/test/hostile/corpus';
import { EXAMPLE_HOSTILE_CASES } from '../test/asl/example-hostile-cases';
import { until } from '../testkit/until';
import { secretSanta, stateMachine } from '../workflows';
import type { WorkerCrash, WorkerProcess } from './asl-worker-process';
import { formatMs, type Progress } from './report';

export const PEOPLE = 50;
const WARM_UP_RUNS = 3;
/** Runs without the corpus before it starts and after it is stopped, and runs with it. */
const RUNS_BEFORE = 10;
const RUNS_WITH = 20;
const RUNS_AFTER = 10;
/** A case that ends is started again no sooner than this after its last start. */
const RESTART_EVERY_MS = 1000;
/** After every case has started once, before the runs with the corpus are timed: the runaways are well under way. */
const SETTLE_MS = 3000;
export const TARGET = 1.2;

const participantsCsv = (n: number) =>
  Array.from({ length: n }, (_, i) => `Person ${i},p${i}@example.com,+447${String(i).padStart(9, '0')},`).join('\n');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

type Expectation = { problems: string[] } | { error: string; causeContains?: string } | { output: unknown } | { runsUntilStopped: true };

interface HostileCase {
  name: string;
  definition: Definition;
  input?: unknown;
  expect: Expectation;
}

/** Definitions of our own that never end: each would hold a worker's thread, or its timers, for ever. */
export const RUNAWAYS: HostileCase[] = [
  {
    name: 'Pass-to-Pass loop',
    definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } },
    expect: { runsUntilStopped: true },
  },
  {
    name: 'Map of 1,000 one-second Waits, looping back to itself',
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 0,
          ItemProcessor: { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 1, End: true } } },
          ResultPath: null,
          Next: 'Fan',
        },
      },
    },
    input: { items: Array.from({ length: 1000 }, (_, i) => i) },
    expect: { runsUntilStopped: true },
  },
  {
    name: 'JSONata-heavy Pass loop (about 2,000 of the 2,500 evaluation steps a visit)',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Crunch',
      States: {
        Crunch: {
          Type: 'Pass',
          Output: { n: '{% $sum($map([1..400], function($v) { $v * $v % 7 })) + ($states.input.n ? $states.input.n : 0) %}' },
          Next: 'Crunch',
        },
      },
    },
    expect: { runsUntilStopped: true },
  },
];

/** The runtime's hostile corpus and this app's cases aimed at its example activities, as the tests run them. */
function loadCorpus(): { file?: string; cases: HostileCase[]; error?: string } {
  return {
    file: 'packages/states-language/test/hostile/corpus.ts and test/asl/example-hostile-cases.ts',
    cases: [...HOSTILE_CASES, ...EXAMPLE_HOSTILE_CASES],
  };
}

function expected(expect: Expectation, outcome: ExecutionOutcome): boolean {
  if ('error' in expect)
    return (
      outcome.status === 'FAILED' &&
      outcome.error === expect.error &&
      (!expect.causeContains || (outcome.cause ?? '').includes(expect.causeContains))
    );
  if ('output' in expect) return outcome.status === 'SUCCEEDED' && isDeepStrictEqual(outcome.output, expect.output);
  return false;
}

interface CaseStats {
  name: string;
  started: number;
  /** Starts the server refused. */
  startErrors: number;
  ended: number;
  /** Ended otherwise than the corpus expects (a runaway that ended at all). */
  unexpected: number;
  lastUnexpected?: string;
}

/** Keeps one execution of every case running on the States Language queue until stopped, then terminates them all. */
class HostileLoad {
  private stopped = false;
  private readonly inFlight = new Set<WorkflowHandle>();
  private loops: Promise<void>[] = [];
  readonly stats: CaseStats[];
  terminated = 0;

  constructor(
    private readonly client: Client,
    private readonly queue: string,
    private readonly cases: HostileCase[],
  ) {
    this.stats = cases.map((c) => ({ name: c.name, started: 0, startErrors: 0, ended: 0, unexpected: 0 }));
  }

  start(): void {
    this.loops = this.cases.map((c, i) => this.keep(c, this.stats[i], i));
  }

  get allStarted(): boolean {
    return this.stats.every((s) => s.started + s.startErrors > 0);
  }

  private async keep(c: HostileCase, stats: CaseStats, index: number): Promise<void> {
    while (!this.stopped) {
      const startedAt = performance.now();
      let handle: WorkflowHandle | undefined;
      try {
        handle = await this.client.workflow.start(stateMachine, {
          workflowId: `hostile-${index}-${randomUUID()}`,
          taskQueue: this.queue,
          args: [{ definition: c.definition, input: c.input ?? {}, name: 'hostile', activities: [...STATE_MACHINE_ACTIVITIES] }],
        });
      } catch (error) {
        stats.startErrors++;
        stats.lastUnexpected = `start: ${String(error)}`.slice(0, 200);
      }
      if (handle) {
        stats.started++;
        this.inFlight.add(handle);
        if (this.stopped) break;
        const outcome = await executionOutcome(handle.result()).catch(
          (error: unknown): ExecutionOutcome => ({ status: 'FAILED', error: 'bench', cause: String(error) }),
        );
        if (this.stopped) break;
        this.inFlight.delete(handle);
        stats.ended++;
        if (!expected(c.expect, outcome)) {
          stats.unexpected++;
          stats.lastUnexpected = JSON.stringify(outcome).slice(0, 200);
        }
      }
      // Pacing, not waiting: a case starts again no sooner than RESTART_EVERY_MS after its last start.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, RESTART_EVERY_MS - (performance.now() - startedAt))));
    }
  }

  private stopping?: Promise<number>;

  /** Terminates every execution still running, and waits until the server lists none on the queue. */
  stop(): Promise<number> {
    this.stopping ??= (async () => {
      this.stopped = true;
      const terminate = async () => {
        const handles = [...this.inFlight];
        this.inFlight.clear();
        const results = await Promise.allSettled(handles.map((handle) => handle.terminate('asl bench: the hostile corpus is stopped')));
        this.terminated += results.filter((r) => r.status === 'fulfilled').length;
      };
      // The runaways' loops wait on their results, which end when they are terminated; a loop between its start
      // and its wait leaves its execution in flight and ends: the second pass terminates that one.
      await terminate();
      await Promise.all(this.loops);
      await terminate();
      const running = `TaskQueue = "${this.queue}" AND ExecutionStatus = "Running"`;
      await until(
        'every hostile execution to be stopped',
        async () => ((await this.client.workflow.count(running)).count === 0 ? true : undefined),
        60_000,
        250,
      );
      return this.terminated;
    })();
    return this.stopping;
  }
}

/** Under this many cores' worth of CPU over QUIET_WINDOW_MS, with no restart, the States Language worker is idle. */
const QUIET_CORES = 0.1;
const QUIET_WINDOW_MS = 2000;

/** Waits until the States Language worker is up and idle: the runs without the corpus run without its after-effects. */
async function quiet(worker: WorkerProcess): Promise<void> {
  await until(
    'the States Language worker to be idle',
    async () => {
      await worker.ready();
      const [cpu, crashes] = [worker.cpuSeconds(), worker.crashes.length];
      await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS)); // the window its CPU is measured over
      return worker.crashes.length === crashes && (worker.cpuSeconds() - cpu) / (QUIET_WINDOW_MS / 1000) < QUIET_CORES ? true : undefined;
    },
    120_000,
    0,
  );
}

export interface PhaseResult {
  runs: number[];
  p50: number;
  p95: number;
  /** Cores' worth of CPU the States Language worker's processes used during the phase. */
  aslWorkerCores: number;
  /** Times the States Language worker's process died during the phase (and was started again). */
  aslWorkerCrashes: number;
}

export interface IsolationResult {
  people: number;
  corpus: { file?: string; error?: string; used: string[]; refusedAtPut: string[] };
  runaways: string[];
  restartEveryMs: number;
  before: PhaseResult;
  with: PhaseResult;
  after: PhaseResult;
  without: { p50: number; p95: number };
  ratio: number;
  hostile: { stats: CaseStats[]; started: number; terminated: number; withMs: number };
  /** Every exit of the States Language worker's process it did not ask for, in this part. */
  aslWorkerCrashes: WorkerCrash[];
  /** How long after the corpus was stopped the States Language worker was idle again (the runs after waited for it). */
  quietAfterMs: number;
}

export async function latencyUnderHostileLoad(
  client: Client,
  config: Config,
  aslWorker: WorkerProcess,
  progress: Progress,
): Promise<IsolationResult> {
  const corpus = loadCorpus();
  if (corpus.error) progress(`hostile corpus: ${corpus.error}; running our own runaways only`);
  // What PUT /state-machines/:name accepts (api/state-machine-runs.ts): the others never reach a worker.
  const accepted = (c: HostileCase) =>
    !('problems' in c.expect) && checkDefinition(c.definition, { activities: STATE_MACHINE_ACTIVITIES }).length === 0;
  const used = corpus.cases.filter(accepted);
  const refusedAtPut = corpus.cases.filter((c) => !accepted(c)).map((c) => c.name);
  for (const c of RUNAWAYS)
    if (!accepted(c))
      throw new Error(
        `runaway "${c.name}" is refused by the checker: ` +
          `${JSON.stringify(checkDefinition(c.definition, { activities: STATE_MACHINE_ACTIVITIES }))}`,
      );
  progress(
    `hostile corpus: ${used.length} of ${corpus.cases.length} cases from ${corpus.file ?? '(none)'} ` +
      `(the rest refused at PUT), and ${RUNAWAYS.length} runaways of our own`,
  );

  const app = await buildApp({ config, client, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/allocations`;
  const csv = participantsCsv(PEOPLE);
  const viaApi = async () => {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    if (res.status !== 202) throw new Error(`POST /allocations answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const status = await client.workflow.getHandle<typeof secretSanta>(id).result();
    if (status.stage !== 'done' || status.email.sent !== PEOPLE || status.sms.sent !== PEOPLE)
      throw new Error(`run ${id}: ${JSON.stringify(status).slice(0, 300)}`);
    return performance.now() - started;
  };
  const phase = async (name: string, runs: number): Promise<PhaseResult> => {
    const times: number[] = [];
    const [cpu0, crashes0, t0] = [aslWorker.cpuSeconds(), aslWorker.crashes.length, performance.now()];
    for (let i = 0; i < runs; i++) times.push(await viaApi());
    const aslWorkerCores = (aslWorker.cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
    const aslWorkerCrashes = aslWorker.crashes.length - crashes0;
    const result = { runs: times, p50: percentile(times, 50), p95: percentile(times, 95), aslWorkerCores, aslWorkerCrashes };
    progress(
      `latency ${name}: p50 ${formatMs(result.p50)}, p95 ${formatMs(result.p95)} over ${runs} runs; ` +
        `States Language worker ${aslWorkerCores.toFixed(2)} cores, ${aslWorkerCrashes} crashes`,
    );
    return result;
  };

  const load = new HostileLoad(client, config.temporal.aslTaskQueue, [...used, ...RUNAWAYS]);
  try {
    progress(`latency: ${PEOPLE} people a run, POST /allocations → done; warming up`);
    for (let i = 0; i < WARM_UP_RUNS; i++) await viaApi();
    const crashesBefore = aslWorker.crashes.length;
    await quiet(aslWorker);
    const before = await phase('before the corpus', RUNS_BEFORE);
    progress('starting the hostile corpus');
    const withStarted = performance.now();
    load.start();
    await until('every hostile case to start', async () => (load.allStarted ? true : undefined), 60_000, 100);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // a settling time, by design: see SETTLE_MS
    const during = await phase('with the corpus running', RUNS_WITH);
    const withMs = performance.now() - withStarted;
    progress('stopping the hostile corpus');
    const terminated = await load.stop();
    progress(`terminated ${terminated} hostile executions; none left running on ${config.temporal.aslTaskQueue}`);
    // A terminated execution's workflow task may still hold the worker's thread (until the SDK's 5 s timeout, which
    // can take the process down), and a worker that died is bundling its workflows again: that is load too.
    const quietStarted = performance.now();
    await quiet(aslWorker);
    const quietAfterMs = performance.now() - quietStarted;
    progress(`the States Language worker is idle again ${formatMs(quietAfterMs)} after the corpus was stopped`);
    const after = await phase('after the corpus', RUNS_AFTER);
    const withoutRuns = [...before.runs, ...after.runs];
    const without = { p50: percentile(withoutRuns, 50), p95: percentile(withoutRuns, 95) };
    return {
      people: PEOPLE,
      corpus: { file: corpus.file, error: corpus.error, used: used.map((c) => c.name), refusedAtPut },
      runaways: RUNAWAYS.map((c) => c.name),
      restartEveryMs: RESTART_EVERY_MS,
      before,
      with: during,
      after,
      without,
      ratio: during.p50 / without.p50,
      hostile: { stats: load.stats, started: load.stats.reduce((n, s) => n + s.started, 0), terminated, withMs },
      aslWorkerCrashes: aslWorker.crashes.slice(crashesBefore),
      quietAfterMs,
    };
  } finally {
    await load.stop().catch((error: unknown) => progress(`stopping the hostile corpus: ${String(error)}`));
    await app.close();
  }
}
