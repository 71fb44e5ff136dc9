/**
 * Issue 4's figures, each a ratio against a floor measured on the same dev server in the same run:
 * latency (10 people, POST to COMPLETED, against one no-op activity), throughput (10,000 people against the
 * same fan-out of no-op activities), 100,000 people through the whole workflow (time, longest history,
 * largest payload), and API starts per second against bare client starts.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { buildApp } from '../api/app';
import { readLiveStatus } from '../api/live-status';
import { payloadsIn } from '../testkit/history';
import { startRun } from '../testkit/runs';
import { until } from '../testkit/until';
import { MAX_IN_FLIGHT_PER_BATCH } from '../workflows/batches';
import { noopFanOut, oneNoop, secretSanta } from './floor-workflows';
import { formatMs, formatRatio, markdownTable, median, type Progress, type Suite } from './report';
import { type BenchStack, startBenchStack } from './stack';

const LATENCY_RUNS = 30;
const THROUGHPUT_PEOPLE = 10_000;
const THROUGHPUT_ROUNDS = 3;
const BIG_PEOPLE = 100_000;
const MAX_CONCURRENCY = 100;
const BATCH_SIZE = 500;
const API_SECONDS = 3;
const API_ROUNDS = 3;
const API_IN_FLIGHT = 10;
const HISTORY_WARNING = 10_240;
const PAYLOAD_WARNING = 256 * 1024;
/** Deleting a round's 41 runs took 5 to 55 s on the dev server. */
const DELETE_TIMEOUT_MS = 300_000;

const execFileAsync = promisify(execFile);

const participantsCsv = (n: number) =>
  Array.from({ length: n }, (_, i) => `Person ${i},p${i}@example.com,+447${String(i).padStart(9, '0')},`).join('\n');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function latency(stack: BenchStack, apiUrl: string, progress: Progress) {
  const { env, config } = stack;
  const csv = participantsCsv(10);
  const times = { floor: [] as number[], api: [] as number[], remoteSteps: [] as number[], localSteps: [] as number[] };
  const floor = () => env.client.workflow.execute(oneNoop, { workflowId: `floor-${randomUUID()}`, taskQueue: config.temporal.taskQueue });
  const viaApi = async () => {
    const res = await fetch(`${apiUrl}/allocations`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    const { id } = (await res.json()) as { id: string };
    const status = await env.client.workflow.getHandle<typeof secretSanta>(id).result();
    if (status.stage !== 'done') throw new Error(`run ${id} did not complete`);
  };
  const direct = (localSteps: boolean) => async () => (await startRun(env.client, config, { csv, localSteps })).result();
  for (let i = 0; i < 3; i++) await Promise.all([floor(), viaApi(), direct(true)(), direct(false)()]); // warm-up
  for (let i = 1; i <= LATENCY_RUNS; i++) {
    times.floor.push(await timeIt(floor));
    times.api.push(await timeIt(viaApi));
    times.remoteSteps.push(await timeIt(direct(false)));
    times.localSteps.push(await timeIt(direct(true)));
    if (i % 10 === 0) progress(`latency: ${i}/${LATENCY_RUNS} rounds`);
  }
  const summary = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  return {
    runs: LATENCY_RUNS,
    times,
    floor: summary(times.floor),
    api: summary(times.api),
    remoteSteps: summary(times.remoteSteps),
    localSteps: summary(times.localSteps),
  };
}

async function throughput(stack: BenchStack, progress: Progress) {
  const { env, config } = stack;
  const fanOut = (people: number) =>
    env.client.workflow.execute(noopFanOut, {
      workflowId: `fan-out-${randomUUID()}`,
      taskQueue: config.temporal.taskQueue,
      args: [{ items: people, channels: 2, batchSize: BATCH_SIZE, maxConcurrency: MAX_CONCURRENCY }],
    });
  // The files are made before any timing: only the run is measured.
  const secretSantaRun = async (people: number, csv: string, seed: number) => {
    const status = await (
      await startRun(env.client, config, { csv, seed, batchSize: BATCH_SIZE, maxConcurrency: MAX_CONCURRENCY })
    ).result();
    if (status.email.sent + status.sms.sent !== people * 2) throw new Error(`sent ${status.email.sent + status.sms.sent} of ${people * 2}`);
  };
  const csv = participantsCsv(THROUGHPUT_PEOPLE);
  // Both sides once at a tenth of the size first, so neither is measured while its code is still being compiled.
  progress(`throughput warm-up: ${THROUGHPUT_PEOPLE / 10} people each`);
  await fanOut(THROUGHPUT_PEOPLE / 10);
  await secretSantaRun(THROUGHPUT_PEOPLE / 10, participantsCsv(THROUGHPUT_PEOPLE / 10), 0);
  const messages = THROUGHPUT_PEOPLE * 2;
  const rates = { floor: [] as number[], ours: [] as number[] };
  for (let round = 1; round <= THROUGHPUT_ROUNDS; round++) {
    await deleteClosedRuns(env.client, progress);
    rates.floor.push(messages / ((await timeIt(() => fanOut(THROUGHPUT_PEOPLE))) / 1000));
    progress(`throughput round ${round}: no-op fan-out ${Math.round(rates.floor.at(-1)!)} activities/s`);
    await deleteClosedRuns(env.client, progress);
    rates.ours.push(messages / ((await timeIt(() => secretSantaRun(THROUGHPUT_PEOPLE, csv, round))) / 1000));
    progress(`throughput round ${round}: Secret Santa ${Math.round(rates.ours.at(-1)!)} messages/s`);
  }
  return { people: THROUGHPUT_PEOPLE, messages, rates, floor: median(rates.floor), ours: median(rates.ours) };
}

/**
 * Deletes every closed run and waits until the server is done, so each timed run starts on the same nearly
 * empty store: the dev server's in-memory database slows it as it grows (a 10,000-person no-op fan-out ran
 * 748, 683, 504, 529/s back to back, and 704 to 762/s with this between), which would favour whichever side
 * runs first in a round.
 */
async function deleteClosedRuns(client: Client, progress: Progress): Promise<void> {
  const closed = 'ExecutionStatus != "Running"';
  const started = performance.now();
  let deleted = 0;
  for await (const run of client.workflow.list({ query: closed })) {
    await client.workflowService.deleteWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: run.workflowId, runId: run.runId },
    });
    deleted++;
  }
  await until(
    'the server to delete the closed runs',
    async () => ((await client.workflow.count(closed)).count === 0 ? true : undefined),
    DELETE_TIMEOUT_MS,
    250,
  );
  progress(`deleted ${deleted} closed runs in ${formatMs(performance.now() - started)}`);
}

async function histories(stack: BenchStack, handle: WorkflowHandle) {
  const parent = (await handle.fetchHistory()).events ?? [];
  const childIds = parent.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);
  let longest = { id: handle.workflowId, events: parent.length };
  let largestPayload = Math.max(0, ...payloadsIn(parent).map((p) => p.data?.length ?? 0));
  for (const id of childIds) {
    const events = (await stack.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    if (events.length > longest.events) longest = { id, events: events.length };
    largestPayload = Math.max(largestPayload, ...payloadsIn(events).map((p) => p.data?.length ?? 0));
  }
  return { parentEvents: parent.length, children: childIds.length, longest, largestPayload };
}

async function hundredThousand(stack: BenchStack, progress: Progress) {
  const csv = participantsCsv(BIG_PEOPLE);
  const started = performance.now();
  const handle = await startRun(stack.env.client, stack.config, { csv, seed: 1, batchSize: BATCH_SIZE, maxConcurrency: MAX_CONCURRENCY });
  const ticker = setInterval(async () => {
    const status = await readLiveStatus(stack.env.client, handle.workflowId).catch(() => undefined);
    if (status) progress(`100,000: ${JSON.stringify(status).slice(0, 160)}`);
  }, 15_000);
  const status = await handle.result().finally(() => clearInterval(ticker));
  const totalMs = performance.now() - started;
  progress('100,000: reading every history');
  return { people: BIG_PEOPLE, totalMs, email: status.email, sms: status.sms, ...(await histories(stack, handle)) };
}

/** Starts per second over `API_SECONDS`, `API_IN_FLIGHT` at a time: bare client starts here, POSTs from wrk. */
async function apiStarts(stack: BenchStack, apiUrl: string, idleQueue: string, progress: Progress) {
  const bareRate = async () => {
    let starts = 0;
    const endsAt = performance.now() + API_SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: API_IN_FLIGHT }, async () => {
        while (performance.now() < endsAt) {
          await stack.env.client.workflow.start(secretSanta, {
            workflowId: `bare-${randomUUID()}`,
            taskQueue: idleQueue,
            args: [{ csvKey: 'runs/none/participants.csv' }],
          });
          starts++;
        }
      }),
    );
    return starts / ((performance.now() - started) / 1000);
  };
  const csv = participantsCsv(10);
  const rates = { bare: [] as number[], api: [] as number[] };
  for (let round = 1; round <= API_ROUNDS; round++) {
    rates.bare.push(await bareRate());
    rates.api.push(await wrkPostRate(`${apiUrl}/allocations`, csv));
    progress(`API round ${round}: bare ${Math.round(rates.bare.at(-1)!)}/s, POST ${Math.round(rates.api.at(-1)!)}/s`);
  }
  return { seconds: API_SECONDS, rounds: API_ROUNDS, inFlight: API_IN_FLIGHT, rates, bare: median(rates.bare), api: median(rates.api) };
}

/**
 * POSTs per second answered 202, from wrk (a C load generator in its own process, as an organiser's client is):
 * the figure is the API's, not the cost of a JavaScript HTTP client sharing its event loop. Any other answer fails the bench.
 */
async function wrkPostRate(url: string, csv: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "text/csv"\nwrk.body = [==[${csv}]==]\n`);
  try {
    const { stdout } = await execFileAsync(process.env.WRK_BIN ?? 'wrk', [
      '-t1',
      `-c${API_IN_FLIGHT}`,
      `-d${API_SECONDS}s`,
      '-s',
      script,
      url,
    ]);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
    const refused = /Non-2xx or 3xx responses: (\d+)/.exec(stdout) ?? /Socket errors: (.*)/.exec(stdout);
    if (!rate || refused)
      throw new Error(`wrk: ${refused ? `not every POST was accepted: ${refused[0]}` : 'no rate in its output'}\n${stdout}`);
    return Number(rate[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARTS = ['latency', 'throughput', 'api', 'big'] as const;
type Part = (typeof PARTS)[number];

/** SCALE_PARTS=latency,api runs only those parts and writes nothing (run.ts skips partial results): for trying a change quickly. */
function scaleParts(): Set<Part> {
  const named = process.env.SCALE_PARTS?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!named) return new Set(PARTS);
  const unknown = named.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length > 0) throw new Error(`SCALE_PARTS: unknown ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(named as Part[]);
}

/** A part's figures without its raw samples, for its progress line. */
function summaryOf(result: unknown): unknown {
  return JSON.parse(JSON.stringify(result, (key, value) => (key === 'times' || key === 'rates' ? undefined : value)));
}

const isComplete = (results: Partial<Results>): results is Results => PARTS.every((part) => results[part] !== undefined);

export const suite: Suite = {
  name: 'scale',
  async run(progress) {
    const stack = await startBenchStack('scale', progress, {
      workflowsPath: require.resolve('./floor-workflows'),
      extraActivities: { noop: async () => undefined },
      maxConcurrentActivityTaskExecutions: MAX_CONCURRENCY * 2,
    });
    // The API starts runs on its own queue with no worker, so its starts are measured alone.
    const idleQueue = 'bench-scale-idle';
    const latencyApp = await buildApp({ config: stack.config, client: stack.env.client, logger: false });
    // The rate limit is the API's guard, not what is measured: raised so that every POST of the run is served.
    const startsConfig = {
      ...stack.config,
      temporal: { ...stack.config.temporal, taskQueue: idleQueue },
      api: { ...stack.config.api, rateLimit: { max: 1_000_000, windowMs: 60_000 } },
    };
    const startsApp = await buildApp({ config: startsConfig, client: stack.env.client, logger: false });
    const url = async (app: typeof latencyApp) =>
      `http://127.0.0.1:${((await app.listen({ port: 0, host: '127.0.0.1' }), app.server.address()) as AddressInfo).port}`;
    const [latencyUrl, startsUrl] = [await url(latencyApp), await url(startsApp)];
    try {
      const results = await stack.worker.runUntil(async () => {
        const parts = scaleParts();
        progress(`parts: ${[...parts].join(', ')}`);
        const part = async <T>(name: Part, what: string, fn: () => Promise<T>) => {
          if (!parts.has(name)) return undefined;
          progress(what);
          const result = await fn();
          progress(`${name}: ${JSON.stringify(summaryOf(result))}`);
          return result;
        };
        return {
          latency: await part('latency', 'latency: 10 people, POST to COMPLETED', () => latency(stack, latencyUrl, progress)),
          throughput: await part('throughput', 'throughput: 10,000 people', () => throughput(stack, progress)),
          api: await part('api', 'API starts per second', () => apiStarts(stack, startsUrl, idleQueue, progress)),
          big: await part('big', '100,000 people through the whole workflow', () => hundredThousand(stack, progress)),
        };
      });
      if (!isComplete(results)) return { markdown: '', data: results, partial: true };
      return { markdown: report(results), data: results };
    } finally {
      await latencyApp.close();
      await startsApp.close();
      await stack.close();
    }
  },
};

type Results = {
  latency: Awaited<ReturnType<typeof latency>>;
  throughput: Awaited<ReturnType<typeof throughput>>;
  api: Awaited<ReturnType<typeof apiStarts>>;
  big: Awaited<ReturnType<typeof hundredThousand>>;
};

function report({ latency: l, throughput: t, api, big }: Results): string {
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const latencyRatio = l.api.p50 / l.floor.p50;
  const throughputRatio = t.ours / t.floor;
  const apiRatio = api.api / api.bare;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  return [
    '## Scale: latency, throughput, 100,000 people, API starts',
    '',
    `One dev server, one worker (up to ${MAX_CONCURRENCY * 2} activities at once), fake providers in a ` +
      `process of their own answering at once; MaxConcurrency ${MAX_CONCURRENCY} per channel, batches of ` +
      `${BATCH_SIZE}, each with at most ${MAX_IN_FLIGHT_PER_BATCH} messages in flight (so ` +
      `${MAX_CONCURRENCY / MAX_IN_FLIGHT_PER_BATCH} batches of a channel at once). Throughput is the ` +
      `median of ${THROUGHPUT_ROUNDS} rounds ` +
      `(${t.rates.ours.map((r, i) => `${Math.round(r)}/${Math.round(t.rates.floor[i])}`).join(', ')} msg/s ` +
      `ours/floor) after a warm-up of a tenth the size on both sides, each timed run on a server cleared ` +
      `of closed runs (the dev server slows as its in-memory database grows); API starts, the median of ` +
      `${api.rounds} rounds ` +
      `(${api.rates.api.map((r, i) => `${Math.round(r)}/${Math.round(api.rates.bare[i])}`).join(', ')} ` +
      `starts/s POST/bare).`,
    '',
    markdownTable(
      ['measure', 'ours', 'floor', 'ratio', 'target'],
      [
        [
          `latency p50, 10 people, POST → COMPLETED (${l.runs} runs)`,
          formatMs(l.api.p50),
          `${formatMs(l.floor.p50)} (one no-op activity)`,
          formatRatio(latencyRatio),
          `≤ 3×: ${verdict(latencyRatio <= 3)}`,
        ],
        ['latency p95', formatMs(l.api.p95), formatMs(l.floor.p95), formatRatio(l.api.p95 / l.floor.p95), ''],
        [
          `throughput, ${t.people.toLocaleString('en')} people (${t.messages.toLocaleString('en')} messages)`,
          `${Math.round(t.ours)} msg/s`,
          `${Math.round(t.floor)} no-op activities/s (same fan-out)`,
          formatRatio(throughputRatio),
          `≥ 0.7: ${verdict(throughputRatio >= 0.7)}`,
        ],
        [
          `API starts (${api.inFlight} in flight, ${api.rounds} rounds of ${api.seconds} s; POSTs from wrk)`,
          `${Math.round(api.api)} POST/s`,
          `${Math.round(api.bare)} client starts/s`,
          formatRatio(apiRatio),
          `≥ 0.8: ${verdict(apiRatio >= 0.8)}`,
        ],
      ],
    ),
    '',
    `**100,000 people**: completed in ${formatMs(big.totalMs)} (email ` +
      `${big.email.sent.toLocaleString('en')} sent, SMS ${big.sms.sent.toLocaleString('en')} sent); ` +
      `${big.children} child workflows; the longest history has ${big.longest.events.toLocaleString('en')} ` +
      `events (\`${big.longest.id}\`; Temporal warns at ${HISTORY_WARNING.toLocaleString('en')}), the ` +
      `parent's ${big.parentEvents.toLocaleString('en')}; the largest payload is ${kb(big.largestPayload)} ` +
      `(warning at ${kb(PAYLOAD_WARNING)}).`,
    '',
    `**Local activities** for the pure steps (parse, validate, allocate, check), 10 people, started ` +
      `directly: p50 ${formatMs(l.localSteps.p50)} local against ${formatMs(l.remoteSteps.p50)} as ` +
      `ordinary activities (${formatRatio(l.localSteps.p50 / l.remoteSteps.p50)}).`,
  ].join('\n');
}
