/**
 * Runs bench/asl-worker-main.ts (the States Language worker) in a child process on the bench's dev server, kept by
 * the project's supervisor, which starts it again at once whenever it exits on its own, as the compose file's
 * `restart: unless-stopped` does in production: a definition that takes the worker down is counted (each crash
 * with its reason), not hidden, and the executions it was running carry on in the next process, as they would.
 */
import { join } from 'node:path';
import type { Config } from '../lib/config';
import { type ProcessExit, quiet, Supervisor } from '../scripts/supervisor';

export interface WorkerCrash {
  /** Milliseconds since the first process started. */
  atMs: number;
  code: number | null;
  signal: string | null;
  /** The last line of its standard error that names an error, if any. */
  reason?: string;
  /** The end of its standard error. */
  stderrTail: string;
}

export interface WorkerProcess {
  /** CPU seconds (user + system) used by every process so far, as each last reported it (twice a second). */
  cpuSeconds(): number;
  /** Every exit the worker did not ask for, oldest first. */
  readonly crashes: WorkerCrash[];
  /** Resolves once no restart is under way (at once when the current process is up). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const NAME = 'asl-worker';
/** Of a crash's standard error, what goes into the results. */
const STDERR_IN_RESULT_CHARS = 2_000;
/** How long a process may take to poll (it bundles its workflows first), and to finish its tasks when closed. */
const START_TIMEOUT_MS = 120_000;
const CLOSE_GRACE_MS = 30_000;

export async function startStateMachineWorkerProcess(
  address: string,
  config: Config,
  onCrash: (crash: WorkerCrash) => void = () => undefined,
): Promise<WorkerProcess> {
  const env = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    TEMPORAL_ASL_TASK_QUEUE: config.temporal.aslTaskQueue,
    SANTA_DATA_DIR: config.storage.localDir,
    SANTA_OUTBOX_DIR: config.outboxDir,
  };
  const crashes: WorkerCrash[] = [];
  /** CPU seconds of processes that have exited, and the current one's last report. */
  let pastCpu = 0;
  let currentCpu = 0;
  // The worker reports its CPU time on stdout (`cpu <µs>`); every other line stays in the supervisor's tail.
  const supervisor = new Supervisor(join(__dirname, '..'), (name, line, stream) => {
    const cpu = stream === 'stdout' ? /^cpu (\d+)$/.exec(line) : null;
    if (cpu) currentCpu = Number(cpu[1]) / 1e6;
    else quiet(name, line, stream);
  });
  const worker = supervisor.start(
    NAME,
    { command: process.execPath, args: ['--import', 'tsx', join(__dirname, 'asl-worker-main.ts')], env },
    {
      readyWhen: /^ready$/,
      restartDelayMs: 0,
      stdinFromParent: true,
      onCrash: ({ atMs, code, signal, reason, stderrTail }: ProcessExit) => {
        const crash = {
          atMs,
          code,
          signal,
          ...(reason ? { reason } : {}),
          stderrTail: stderrTail.slice(-STDERR_IN_RESULT_CHARS),
        };
        crashes.push(crash);
        onCrash(crash);
      },
    },
  );
  // Each process reports its own CPU time from zero: an exited one's last report is kept.
  worker.on('exit', () => {
    pastCpu += currentCpu;
    currentCpu = 0;
  });
  try {
    await worker.whenReady(START_TIMEOUT_MS);
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  return {
    cpuSeconds: () => pastCpu + currentCpu,
    crashes,
    ready: () => worker.whenReady(START_TIMEOUT_MS),
    close: () => worker.stop(CLOSE_GRACE_MS),
  };
}
