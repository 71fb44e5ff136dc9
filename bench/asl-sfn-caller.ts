/**
 * The caller of the sfn part's start rounds (bench/asl-sfn.ts), in a process of its own as a real client is: the AWS
 * SDK calling the API, or the floor's bare Temporal client starting the same workflow. Configured from the
 * environment (loadConfig, and SFN_BENCH_* below); reads one round a line on stdin, `{"side","round","n",
 * "concurrency"}`, and answers a line `{"perSecond","cores","callMs","temporalStartMs"}` (medians, in ms; the
 * Temporal start timed by a client interceptor, bare side only). Prints `ready` first; ends when stdin closes.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Connection } from '@temporalio/client';
import type { Definition } from 'states-language-temporal';
import { startStateMachine } from 'states-language-temporal/client';
import { STATE_MACHINE_TASKS } from '../activities/examples/names';
import { activityTaskQueuePrefix } from '../api/sfn/executions';
import { loadConfig } from '../lib/config';
import { median } from './report';
import { timingClient } from './timing-client';

export interface CallerRound {
  side: 'sdk' | 'bare';
  round: number;
  n: number;
  concurrency: number;
}

export interface CallerAnswer {
  perSecond: number;
  /** Cores this process used meanwhile. */
  cores: number;
  callMs: number;
  temporalStartMs?: number;
}

/** The caller's settings, beside the product's configuration. */
export interface CallerSettings {
  endpoint: string;
  stateMachineArn: string;
  machineName: string;
  definition: Definition;
  secret: string;
}

export const CALLER_SETTINGS_ENV = 'SFN_BENCH_CALLER';

const PASS_INPUT = { n: 1 };

async function main(): Promise<void> {
  const config = loadConfig();
  const settings = JSON.parse(process.env[CALLER_SETTINGS_ENV] ?? '') as CallerSettings;
  const temporalStarts: number[] = [];
  const client = timingClient(await Connection.connect({ address: config.temporal.address }), config, temporalStarts);
  const sfn = new SFNClient({
    endpoint: settings.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: settings.secret },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  const input = JSON.stringify(PASS_INPUT);
  const executionPrefix = settings.stateMachineArn.replace(':stateMachine:', ':execution:');
  const call = ({ side, round }: CallerRound) =>
    side === 'sdk'
      ? (i: number) => sfn.send(new StartExecutionCommand({ stateMachineArn: settings.stateMachineArn, name: `sdk-${round}-${i}`, input }))
      : // The API's own start, minus the API: the same workflow, id form, queue, arguments and memo.
        (i: number) =>
          startStateMachine(client, {
            workflowId: `${executionPrefix}:bare-${round}-${i}`,
            taskQueue: config.temporal.aslTaskQueue,
            definition: settings.definition,
            input: PASS_INPUT,
            name: settings.machineName,
            activities: STATE_MACHINE_TASKS,
            executionName: `bare-${round}-${i}`,
            activityTaskQueuePrefix: activityTaskQueuePrefix(config.temporal),
            memo: { sfnInputDigest: 'bench', sfnType: 'STANDARD' },
          });
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const round = JSON.parse(line) as CallerRound;
    temporalStarts.length = 0;
    const answer: CallerAnswer = await rate(round.n, round.concurrency, call(round));
    if (temporalStarts.length > 0) answer.temporalStartMs = median(temporalStarts);
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
  sfn.destroy();
  await client.connection.close();
}

/** Calls per second of `n` calls of `call(i)`, `concurrency` at a time, each call's median time, and the cores used. */
async function rate(n: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<CallerAnswer> {
  let next = 0;
  const calls: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await call(i);
        calls.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: n / seconds, cores: (used.user + used.system) / 1e6 / seconds, callMs: median(calls) };
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench sfn caller: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
