/**
 * The Step Functions API (api/routes/sfn.ts) under the real `@aws-sdk/client-sfn`, the States Language worker in a
 * process of its own, as the other asl parts run it:
 * - StartExecution calls per second through the SDK (SigV4, JSON 1.0, the API's lookups of the machine and its
 *   definition, then the workflow's start), against bare `client.workflow.start` of the same workflow with the same
 *   arguments (startStateMachine, as the API calls it). Both callers run in a process of their own, as a real
 *   client does (bench/asl-sfn-caller.ts); the API in the bench's. STARTS calls a side, CONCURRENCY in flight as a
 *   busy client keeps them, ROUNDS rounds; the side that goes first alternates, and each side starts once the
 *   executions started before it have all ended (else one side's executions, still running on the worker, slow the
 *   other's starts). Figure: the median of the rounds' ratios. Target: at least 0.8× the bare rate. The machine is
 *   one Pass. Where an SDK call's time goes, medians of each call's spans: the SDK and HTTP (the call's time less
 *   the API's), the API's own work before and after Temporal (SigV4, Fastify, the machine's lookups), and Temporal's
 *   start as the API's client timed it (an interceptor), beside a bare start's. And the CPU a start costs in each
 *   process (caller, API, dev server, worker, from /proc), with how busy the machine was: on a machine with no core
 *   to spare, the ratio follows the CPU each side needs, whatever the latencies.
 * - A callback's round trip: a lambda:invoke.waitForTaskToken Task (saveResults stores the token; read from the
 *   store before the clock starts), then a Pass that ends the execution. Timed from SendTaskSuccess sent until the
 *   workflow's result arrives (a long poll, not a poll loop): the answer stored as a signal, the worker's workflow
 *   task, the next state, the completion. An upper bound on "SendTaskSuccess to the next state entered".
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { CreateStateMachineCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Definition } from 'states-language-temporal';
import { STATE_MACHINE_WORKFLOW } from 'states-language-temporal/client';
import { resultsKey } from '../activities/examples/records';
import { buildApp } from '../api/app';
import type { Config } from '../lib/config';
import type { ObjectStore } from '../storage/object-store';
import { callbackMachine } from '../testkit/callback-machine';
import { until } from '../testkit/until';
import type { AslPart } from './asl-part';
import { CALLER_SETTINGS_ENV, type CallerAnswer, type CallerRound, type CallerSettings } from './asl-sfn-caller';
import { formatMs, markdownTable, median, type Progress } from './report';
import type { BenchStack } from './stack';
import type { WorkerProcess } from './asl-worker-process';
import { devServerPid, machineCpuSeconds, processCpuSeconds } from './proc-cpu';
import { timingClient } from './timing-client';

const STARTS = 200;
const CONCURRENCY = 16;
const ROUNDS = 9;
const CALLBACKS = 30;
export const TARGET = 0.8;

/** Medians of one side's calls in one round, in ms. */
interface Spans {
  /** The call as its caller saw it. */
  call: number;
  /** Temporal's start as the client timed it (interceptor). */
  temporalStart: number;
  /** From the request's arrival at the API to its answer sent (SDK side only). */
  api?: number;
  /**
   * The mean delay of the bench's process's event loop while the calls ran: how long a callback that is ready (an
   * answer from Temporal, a request) waits for its turn in the API's process.
   */
  apiLoopDelay: number;
}

/**
 * CPU milliseconds a start cost in each process, from the side's first start until its executions had all ended: on a
 * machine with no core to spare, what one side takes more, the dev server (which does every start's work) lacks.
 */
interface CpuPerStart {
  caller: number;
  /** The bench's process: the API and its Temporal client (idle on the bare side but for the drain's polls). */
  api: number;
  devServer?: number;
  /** The States Language worker's process, running the executions (its CPU is reported twice a second). */
  aslWorker: number;
}

/** One side of a round: its rate, the CPU a start cost where, its spans. */
export interface Side {
  perSecond: number;
  cpuMs: CpuPerStart;
  /** The share of the machine's cores busy (with anyone's work) meanwhile. */
  machineBusy?: number;
  spans: Spans;
}

export interface SfnRound {
  /** Which side went first. */
  first: 'sdk' | 'bare';
  sdk: Side;
  bare: Side;
  ratio: number;
}

export interface SfnResult {
  starts: number;
  concurrency: number;
  rounds: SfnRound[];
  target: number;
  medians: { sdk: number; bare: number };
  /** The median of the rounds' ratios, SDK / bare. */
  ratio: number;
  /** Medians over the rounds of each span's median, in ms. */
  spans: { sdk: Spans; bare: Spans };
  /** Medians over the rounds of each side's CPU a start, in ms, and of the machine's busy share. */
  cpuMs: { sdk: CpuPerStart; bare: CpuPerStart };
  machineBusy: number;
  callbacks: { count: number; ms: number[]; p50: number; p95: number };
}

const PASS: Definition = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } as unknown as Definition;

const CALLBACK = callbackMachine({ after: { Type: 'Pass', End: true } });

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];

/** bench/asl-sfn-caller.ts in a process of its own: one round at a time. */
async function startCaller(config: Config, settings: CallerSettings) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'asl-sfn-caller.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
      TEMPORAL_ASL_TASK_QUEUE: config.temporal.aslTaskQueue,
      [CALLER_SETTINGS_ENV]: JSON.stringify(settings),
    },
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = once(child, 'exit');
  const next = async (): Promise<string> => {
    const line = await Promise.race([lines.next(), exited.then(([code]) => ({ done: true, value: `exit ${code}` }))]);
    if (line.done) throw new Error(`the sfn bench's caller process ended (${line.value ?? 'its output closed'})`);
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error("the sfn bench's caller process did not say ready");
  return {
    async round(round: CallerRound): Promise<CallerAnswer> {
      child.stdin!.write(`${JSON.stringify(round)}\n`);
      return JSON.parse(await next()) as CallerAnswer;
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

export async function sfnApiBench(
  { env, config }: BenchStack,
  store: ObjectStore,
  worker: WorkerProcess,
  progress: Progress,
): Promise<SfnResult> {
  // The rate limit (1,000 requests a minute from one address by default) is not what is measured here.
  const api = { ...config.api, rateLimit: { ...config.api.rateLimit, max: 1_000_000 } };
  const temporalStarts: number[] = [];
  const client = timingClient(env.client.connection, config, temporalStarts);
  const app = await buildApp({ config: { ...config, api }, client, logger: false });
  // The time the API took for each request, from its arrival to the answer sent: the rest of an SDK call's time is
  // the SDK's and the connection's.
  const served: number[] = [];
  app.addHook('onResponse', async (_request, reply) => {
    served.push(reply.elapsedTime);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const sfn = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: config.api.token ?? 'bench' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  const run = Date.now().toString(36);
  let caller: Awaited<ReturnType<typeof startCaller>> | undefined;
  try {
    const create = async (name: string, definition: unknown) =>
      (
        await sfn.send(
          new CreateStateMachineCommand({
            name,
            definition: JSON.stringify(definition),
            roleArn: 'arn:aws:iam::000000000000:role/bench',
          }),
        )
      ).stateMachineArn!;
    const passArn = await create(`bench-pass-${run}`, PASS);
    caller = await startCaller(config, {
      endpoint,
      stateMachineArn: passArn,
      machineName: `bench-pass-${run}`,
      definition: PASS,
      secret: config.api.token ?? 'bench',
    });
    /** Until every execution started so far has ended: each side starts on an idle worker and server. */
    const drained = () =>
      until(
        'the executions started so far to end',
        async () =>
          (await env.client.workflow.count(`WorkflowType = '${STATE_MACHINE_WORKFLOW}' AND ExecutionStatus = 'Running'`)).count === 0
            ? true
            : undefined,
        { timeoutMs: 120_000, everyMs: 50 },
      );
    const devServer = devServerPid(env.address);
    const side = async (which: 'sdk' | 'bare', round: number): Promise<Side> => {
      served.length = 0;
      temporalStarts.length = 0;
      const before = { api: process.cpuUsage(), devServer: devServer && processCpuSeconds(devServer), worker: worker.cpuSeconds() };
      const machine = machineCpuSeconds();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const r = await caller!.round({ side: which, round, n: STARTS, concurrency: CONCURRENCY });
      loop.disable();
      const apiLoopDelay = loop.mean / 1e6;
      await drained();
      const api = process.cpuUsage(before.api);
      const devServerNow = devServer && processCpuSeconds(devServer);
      const machineNow = machineCpuSeconds();
      const perStart = (seconds: number) => (seconds * 1000) / STARTS;
      const spans: Spans =
        which === 'sdk'
          ? { call: r.callMs, temporalStart: median(temporalStarts), api: median(served), apiLoopDelay }
          : { call: r.callMs, temporalStart: r.temporalStartMs ?? Number.NaN, apiLoopDelay };
      return {
        perSecond: r.perSecond,
        cpuMs: {
          caller: (r.cores * 1000) / r.perSecond,
          api: perStart((api.user + api.system) / 1e6),
          ...(before.devServer !== undefined && devServerNow !== undefined ? { devServer: perStart(devServerNow - before.devServer) } : {}),
          aslWorker: perStart(worker.cpuSeconds() - before.worker),
        },
        ...(machine && machineNow ? { machineBusy: (machineNow.busy - machine.busy) / (machineNow.total - machine.total) } : {}),
        spans,
      };
    };
    progress('warming up (50 starts each way)');
    await caller.round({ side: 'sdk', round: 0, n: 50, concurrency: CONCURRENCY });
    await caller.round({ side: 'bare', round: 0, n: 50, concurrency: CONCURRENCY });
    await drained();
    const rounds: SfnRound[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const first = round % 2 === 1 ? 'bare' : 'sdk';
      const a = await side(first, round);
      const b = await side(first === 'bare' ? 'sdk' : 'bare', round);
      const [sdk, bareSide] = first === 'sdk' ? [a, b] : [b, a];
      rounds.push({ first, sdk, bare: bareSide, ratio: sdk.perSecond / bareSide.perSecond });
      const ms = (n: number | undefined) => `${(n ?? Number.NaN).toFixed(1)} ms`;
      const cpu = ({ cpuMs: c, machineBusy }: Side) =>
        `CPU a start: caller ${c.caller.toFixed(1)}, API ${c.api.toFixed(1)}, dev server ${(c.devServer ?? Number.NaN).toFixed(1)}, ` +
        `worker ${c.aslWorker.toFixed(1)} ms; machine ${((machineBusy ?? Number.NaN) * 100).toFixed(0)}% busy`;
      progress(
        `round ${round} (${first} first): bare ${bareSide.perSecond.toFixed(0)}/s (${cpu(bareSide)}; a start ` +
          `${ms(bareSide.spans.call)}), SDK ${sdk.perSecond.toFixed(0)}/s (${cpu(sdk)}; a call ` +
          `${ms(sdk.spans.call)}, the API ${ms(sdk.spans.api)}, its Temporal start ${ms(sdk.spans.temporalStart)}, its loop's delay ` +
          `${ms(sdk.spans.apiLoopDelay)}): ` +
          `${rounds.at(-1)!.ratio.toFixed(2)}×`,
      );
    }

    await drained();
    const callbackArn = await create(`bench-callback-${run}`, CALLBACK);
    const ms: number[] = [];
    for (let i = 0; i < CALLBACKS; i++) {
      const name = `cb-${run}-${i}`;
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: callbackArn, name, input: JSON.stringify({ name }) }),
      );
      // Before the clock starts; generous, as the machine may be loaded by other work.
      const token = await until(
        'the Lambda to receive the token',
        async () => {
          const saved = await store.get(resultsKey(name));
          return saved === undefined ? undefined : (JSON.parse(saved).source.token as string);
        },
        120_000,
      );
      const result = env.client.workflow.getHandle(executionArn!).result();
      const started = performance.now();
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ i }) }));
      const output = (await result) as { answer: { i: number } };
      ms.push(performance.now() - started);
      if (output.answer.i !== i) throw new Error(`callback ${i}: the execution's output is ${JSON.stringify(output)}`);
    }
    progress(`callbacks: p50 ${median(ms).toFixed(0)} ms, p95 ${percentile(ms, 0.95).toFixed(0)} ms`);
    const medianOf = (pick: (r: SfnRound) => number | undefined) => median(rounds.map(pick).filter((n) => n !== undefined));
    const cpuMedians = (sideOf: (r: SfnRound) => Side): CpuPerStart => ({
      caller: medianOf((r) => sideOf(r).cpuMs.caller),
      api: medianOf((r) => sideOf(r).cpuMs.api),
      devServer: medianOf((r) => sideOf(r).cpuMs.devServer),
      aslWorker: medianOf((r) => sideOf(r).cpuMs.aslWorker),
    });
    return {
      starts: STARTS,
      concurrency: CONCURRENCY,
      rounds,
      target: TARGET,
      medians: { sdk: medianOf((r) => r.sdk.perSecond), bare: medianOf((r) => r.bare.perSecond) },
      ratio: medianOf((r) => r.ratio),
      spans: {
        sdk: {
          call: medianOf((r) => r.sdk.spans.call),
          api: medianOf((r) => r.sdk.spans.api),
          temporalStart: medianOf((r) => r.sdk.spans.temporalStart),
          apiLoopDelay: medianOf((r) => r.sdk.spans.apiLoopDelay),
        },
        bare: {
          call: medianOf((r) => r.bare.spans.call),
          temporalStart: medianOf((r) => r.bare.spans.temporalStart),
          apiLoopDelay: medianOf((r) => r.bare.spans.apiLoopDelay),
        },
      },
      cpuMs: { sdk: cpuMedians((r) => r.sdk), bare: cpuMedians((r) => r.bare) },
      machineBusy: median(rounds.flatMap((r) => [r.sdk.machineBusy, r.bare.machineBusy]).filter((n) => n !== undefined)),
      callbacks: { count: CALLBACKS, ms, p50: median(ms), p95: percentile(ms, 0.95) },
    };
  } finally {
    await caller?.close();
    sfn.destroy();
    await app.close();
  }
}

const perSecond = (n: number) => `${n.toFixed(0)}/s`;
const cpuCell = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : `${ms.toFixed(1)} ms`);
const total = (c: CpuPerStart) => c.caller + c.api + (c.devServer ?? Number.NaN) + c.aslWorker;
const machineCores = () => cpus().length;
const spread = (rounds: SfnRound[]) => {
  const ratios = rounds.map((round) => round.ratio);
  return `${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}×`;
};

export const sfnPart: AslPart<SfnResult> = {
  name: 'sfn',
  title: 'Step Functions API: StartExecution through the AWS SDK, and a callback round trip',
  run: async ({ stack, store, progress, aslWorker }) => sfnApiBench(stack, store, await aslWorker(), progress),
  markdown: (r) => {
    const { sdk, bare } = r.spans;
    const api = sdk.api ?? Number.NaN;
    const cpu = r.cpuMs;
    return [
      `\`@aws-sdk/client-sfn\` StartExecution against the API (SigV4, AWS JSON 1.0), against bare ` +
        `\`client.workflow.start\` of the same workflow with the API's arguments: ${r.starts} calls a side, ` +
        `${r.concurrency} in flight, ${r.rounds.length} rounds, the side going first alternating, each side started ` +
        `once the executions before it had ended; a one-Pass machine on the States Language worker's own process. ` +
        `Target: at least ${r.target}× the bare rate; the figure is the median of the rounds' ratios.`,
      '',
      markdownTable(
        ['round', 'first', 'bare `client.workflow.start` (floor)', 'SDK StartExecution', 'ratio'],
        r.rounds.map((round, i) => [
          String(i + 1),
          round.first,
          perSecond(round.bare.perSecond),
          perSecond(round.sdk.perSecond),
          `${round.ratio.toFixed(2)}×`,
        ]),
      ),
      '',
      `Ratio: **${r.ratio.toFixed(3)}×** (medians: bare ${perSecond(r.medians.bare)}, SDK ${perSecond(r.medians.sdk)}): ` +
        `${r.ratio >= r.target ? `within the target (≥ ${r.target}×)` : `**under the target** (< ${r.target}×)`}. ` +
        `The rounds' ratios run from ${spread(r.rounds)}: the machine's other work comes and goes within seconds, so ` +
        'one round tells little and a whole run may land either side of the target (see the CPU figures below).',
      '',
      `Where a call's time goes (medians of the rounds' medians, ${r.concurrency} in flight):`,
      '',
      markdownTable(
        ['span', 'SDK StartExecution', 'bare start'],
        [
          ['the call, as its caller saw it', formatMs(sdk.call), formatMs(bare.call)],
          ["the SDK and HTTP (the call less the API's time)", formatMs(sdk.call - api), ''],
          ['the API, arrival to answer sent', formatMs(api), ''],
          ["the API's work around Temporal (SigV4, Fastify, JSON, the machine's lookups)", formatMs(api - sdk.temporalStart), ''],
          ["Temporal's start (client interceptor)", formatMs(sdk.temporalStart), formatMs(bare.temporalStart)],
          [
            "the bench's (the API's) process: mean event loop delay, sampled every 5 ms (an idle loop reads about 5 ms)",
            formatMs(sdk.apiLoopDelay),
            formatMs(bare.apiLoopDelay),
          ],
        ],
      ),
      '',
      `CPU a start cost, in each process, from a side's first start until its executions had all ended (medians; ` +
        `the machine's ${machineCores()} cores were ${(r.machineBusy * 100).toFixed(0)}% busy meanwhile, with ` +
        `everyone's work): with no core to spare, the CPU one side takes more is taken from the dev server, which does ` +
        `every start's work.`,
      '',
      markdownTable(
        ['process', 'SDK StartExecution', 'bare start'],
        (
          [
            ['the caller (the AWS SDK; the bare Temporal client)', cpu.sdk.caller, cpu.bare.caller],
            ["the API and its Temporal client (the bench's process)", cpu.sdk.api, cpu.bare.api],
            ['the Temporal dev server', cpu.sdk.devServer, cpu.bare.devServer],
            ['the States Language worker (the executions)', cpu.sdk.aslWorker, cpu.bare.aslWorker],
            ['**all**', total(cpu.sdk), total(cpu.bare)],
          ] as [string, number | undefined, number | undefined][]
        ).map(([name, sdkMs, bareMs]) => [name, cpuCell(sdkMs), cpuCell(bareMs)]),
      ),
      '',
      `A callback's round trip (${r.callbacks.count} executions one after another: SendTaskSuccess sent until the ` +
        `execution, whose next state is a Pass that ends it, has ended): p50 ${formatMs(r.callbacks.p50)}, ` +
        `p95 ${formatMs(r.callbacks.p95)}.`,
    ].join('\n');
  },
};
