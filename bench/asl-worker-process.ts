/**
 * Runs bench/asl-worker-main.ts (the States Language worker) in a child process on the bench's dev server, and
 * starts it again whenever it exits on its own, as the compose file's `restart: unless-stopped` does in
 * production: a definition that takes the worker down is counted (each crash with its reason), not hidden, and
 * the executions it was running carry on in the next process, as they would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Config } from '../lib/config';

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

/** Enough of a dying process's standard error to find why it died. */
const STDERR_TAIL_CHARS = 16_384;
const STDERR_IN_RESULT_CHARS = 2_000;

export async function startStateMachineWorkerProcess(
  address: string,
  config: Config,
  onCrash: (crash: WorkerCrash) => void = () => undefined,
): Promise<WorkerProcess> {
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    TEMPORAL_ASL_TASK_QUEUE: config.temporal.aslTaskQueue,
    SANTA_DATA_DIR: config.storage.localDir,
    SANTA_OUTBOX_DIR: config.outboxDir,
  };
  const started = performance.now();
  const crashes: WorkerCrash[] = [];
  /** CPU seconds of processes that have exited, and the current one's last report. */
  let pastCpu = 0;
  let currentCpu = 0;
  let closing = false;
  let child: ChildProcess;
  let up: Promise<void>;

  const launch = (): Promise<void> => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'asl-worker-main.ts')], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child = proc;
    currentCpu = 0;
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    const exited = once(proc, 'exit') as Promise<[number | null, string | null]>;
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (line === 'ready') resolve();
        const cpu = /^cpu (\d+)$/.exec(line);
        if (cpu) currentCpu = Number(cpu[1]) / 1e6;
      });
      void exited.then(([code]) =>
        reject(new Error(`the States Language worker exited (${code}) before it was ready:\n${stderr.slice(-2000)}`)),
      );
    });
    void exited.then(([code, signal]) => {
      pastCpu += currentCpu;
      currentCpu = 0;
      if (closing) return;
      // The last unindented line naming an error: Node's own (a fatal error, an abort) come after the SDK's logs.
      const reason = stderr
        .split('\n')
        .reverse()
        .find((line) => /^(\w*Error\b|FATAL|Error:|#|.*async hook|.*out of memory|Aborted)/.test(line))
        ?.trim()
        .slice(0, 300);
      const crash = {
        atMs: performance.now() - started,
        code,
        signal,
        ...(reason ? { reason } : {}),
        stderrTail: stderr.slice(-STDERR_IN_RESULT_CHARS),
      };
      crashes.push(crash);
      onCrash(crash);
      up = launch();
      up.catch(() => undefined);
    });
    return ready;
  };

  up = launch();
  await up;
  return {
    cpuSeconds: () => pastCpu + currentCpu,
    crashes,
    async ready() {
      // A restart may begin while waiting for the one before it.
      for (let seen: Promise<void> | undefined; seen !== up; ) {
        seen = up;
        await seen;
      }
    },
    async close() {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
