/**
 * The Step Functions API (api/routes/sfn.ts) under the real `@aws-sdk/client-sfn`, the States Language worker in a
 * process of its own, as the other asl parts run it:
 * - StartExecution calls per second through the SDK (SigV4, JSON 1.0, the API's lookups of the machine and its
 *   definition, then the workflow's start), against bare `client.workflow.start` of the same workflow with the same
 *   arguments (startStateMachine, as the API calls it): STARTS calls each, CONCURRENCY at a time, ROUNDS alternating
 *   rounds, medians. Target: at least 0.8× the bare rate. The machine is one Pass state, so the executions end.
 * - A callback's round trip: a lambda:invoke.waitForTaskToken Task (saveResults stores the token; read from the
 *   store before the clock starts), then a Pass that ends the execution. Timed from SendTaskSuccess sent until the
 *   workflow's result arrives (a long poll, not a poll loop): the answer stored as a signal, the worker's workflow
 *   task, the next state, the completion. An upper bound on "SendTaskSuccess to the next state entered".
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CreateStateMachineCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Definition } from 'states-language-temporal';
import { startStateMachine } from 'states-language-temporal/client';
import { STATE_MACHINE_TASKS } from '../activities/examples/names';
import { resultsKey } from '../activities/examples/records';
import { buildApp } from '../api/app';
import { activityTaskQueuePrefix } from '../api/sfn/executions';
import type { ObjectStore } from '../storage/object-store';
import { until } from '../testkit/until';
import { median, type Progress } from './report';
import type { BenchStack } from './stack';
import { callbackMachine } from '../testkit/callback-machine';

const STARTS = 300;
const CONCURRENCY = 16;
const ROUNDS = 3;
const CALLBACKS = 30;
export const TARGET = 0.8;

export interface SfnResult {
  starts: number;
  concurrency: number;
  rounds: number;
  target: number;
  /** Calls per second of each round. */
  sdk: number[];
  bare: number[];
  medians: { sdk: number; bare: number };
  /** The API's median time for a StartExecution (arrival to answer) in each SDK round. */
  apiMs: number[];
  /** Cores the bench's process used in each round (the SDK, the API and the client in one process). */
  cores: { sdk: number[]; bare: number[] };
  ratio: number;
  callbacks: { count: number; ms: number[]; p50: number; p95: number };
}

const PASS: Definition = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } as unknown as Definition;

const CALLBACK = callbackMachine({ after: { Type: 'Pass', End: true } });

/**
 * Calls per second of `n` calls of `call(i)`, `concurrency` at a time, and the cores this process used meanwhile
 * (the SDK, the API and the Temporal client share it: near 1, the process itself is the bound).
 */
async function rate(n: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<{ perSecond: number; cores: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await call(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: n / seconds, cores: (used.user + used.system) / 1e6 / seconds };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];

export async function sfnApiBench({ env, config }: BenchStack, store: ObjectStore, progress: Progress): Promise<SfnResult> {
  // The rate limit (1,000 requests a minute from one address by default) is not what is measured here.
  const api = { ...config.api, rateLimit: { ...config.api.rateLimit, max: 1_000_000 } };
  const app = await buildApp({ config: { ...config, api }, client: env.client, logger: false });
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
    const input = JSON.stringify({ n: 1 });
    const viaSdk = (round: number) => (i: number) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: passArn, name: `sdk-${round}-${i}`, input }));
    // The API's own start, minus the API: the same workflow, id form, queue, arguments and memo.
    const bare = (round: number) => (i: number) =>
      startStateMachine(env.client, {
        workflowId: `${passArn.replace(':stateMachine:', ':execution:')}:bare-${round}-${i}`,
        taskQueue: config.temporal.aslTaskQueue,
        definition: PASS,
        input: { n: 1 },
        name: `bench-pass-${run}`,
        activities: STATE_MACHINE_TASKS,
        executionName: `bare-${round}-${i}`,
        activityTaskQueuePrefix: activityTaskQueuePrefix(config.temporal),
        memo: { sfnInputDigest: 'bench', sfnType: 'STANDARD' },
      });
    progress('warming up (50 starts each way)');
    await rate(50, CONCURRENCY, viaSdk(0));
    await rate(50, CONCURRENCY, bare(0));
    const rates = { sdk: [] as number[], bare: [] as number[] };
    const cores = { sdk: [] as number[], bare: [] as number[] };
    const apiMs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await rate(STARTS, CONCURRENCY, bare(round));
      served.length = 0;
      const k = await rate(STARTS, CONCURRENCY, viaSdk(round));
      apiMs.push(median(served));
      rates.bare.push(b.perSecond);
      rates.sdk.push(k.perSecond);
      cores.bare.push(b.cores);
      cores.sdk.push(k.cores);
      progress(
        `round ${round}: bare ${b.perSecond.toFixed(0)}/s (${b.cores.toFixed(2)} cores), ` +
          `SDK ${k.perSecond.toFixed(0)}/s (${k.cores.toFixed(2)} cores; the API's median time ${apiMs.at(-1)!.toFixed(1)} ms, ` +
          `a bare start's mean ${((CONCURRENCY * 1000) / b.perSecond).toFixed(1)} ms, an SDK call's ` +
          `${((CONCURRENCY * 1000) / k.perSecond).toFixed(1)} ms)`,
      );
    }

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
    const medians = { sdk: median(rates.sdk), bare: median(rates.bare) };
    return {
      starts: STARTS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      target: TARGET,
      ...rates,
      medians,
      cores,
      apiMs,
      ratio: medians.sdk / medians.bare,
      callbacks: { count: CALLBACKS, ms, p50: median(ms), p95: percentile(ms, 0.95) },
    };
  } finally {
    sfn.destroy();
    await app.close();
  }
}
