/**
 * The one process supervisor of the project (npm start, selfhost, chaos, the dev server of the tests and the bench):
 * long-lived processes run as an orchestrator would run them. Each is started again after it dies (like compose's
 * `restart: unless-stopped`) unless told otherwise, its output goes line by line to whoever listens, and stop()
 * ends them in the reverse order of their start.
 *
 * Each process runs in a process group of its own: `tsx` starts node as a child, so a signal must reach the whole
 * group to really stop (or SIGKILL) a worker; a killed `tsx` alone would leave its node running, still polling.
 * Groups do not get the terminal's Ctrl-C either, so they stop in order, the API and workers before the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';

export interface ProcessSpec {
  command: string;
  args: string[];
  /** On top of this process's environment. */
  env?: NodeJS.ProcessEnv;
}

export interface KeepOptions {
  /** A line of its output that says it is ready (e.g. the worker's "polling task queue"). */
  readyWhen?: RegExp;
  /** How long after it dies it is started again; null: it stays down. */
  restartDelayMs?: number | null;
  /** Told of every exit nobody asked for (neither kill(), restart() nor stop()), before any restart. */
  onCrash?: (crash: ProcessExit) => void;
  /**
   * Its standard input a pipe this process holds open (otherwise /dev/null): the pipe closes however this process
   * ends, even SIGKILLed, so a child that stops when its input closes (bench/asl-worker-main.ts) never outlives it.
   */
  stdinFromParent?: boolean;
}

/** How one process of a KeptProcess ended. */
export interface ProcessExit {
  /** Milliseconds since its KeptProcess first started. */
  atMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether kill(), restart() or stop() ended it; otherwise it crashed (or exited on its own). */
  requested: boolean;
  /** The last unindented line of its standard error that names an error, if any. */
  reason?: string;
  /** The end of its standard error (STDERR_TAIL_CHARS at most). */
  stderrTail: string;
}

/** Where output goes: each line with the name of the process that printed it (`stderr` for its error stream). */
export type LineSink = (name: string, line: string, stream: 'stdout' | 'stderr') => void;

const RESTART_DELAY_MS = 1000;
const STOP_GRACE_MS = 10_000;
/** Lines of output each process keeps, to show when it fails. */
const TAIL_LINES = 20;
/** Enough of a dying process's standard error to find why it died (a Node fatal error's report included). */
const STDERR_TAIL_CHARS = 16_384;

/** Output as `npm start` shows it: prefixed by name, on this process's stdout and stderr. */
export const printPrefixed: LineSink = (name, line, stream) =>
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${name.padEnd(9)}| ${line}\n`);

/** Output kept only in each process's tail (shown when something fails): for the tests, the bench and chaos. */
export const quiet: LineSink = () => undefined;

/** Every group started here and not stopped yet, so an interrupted program can still end them all. */
const live = new Set<KeptProcess>();

/**
 * Why a process died, from its standard error: the last unindented line naming an error, as Node's own reports
 * (a fatal error, an abort, out of memory) come after whatever the program logged.
 */
export function crashReason(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .reverse()
    .find((line) => /^(\w*Error\b|FATAL|Error:|#|.*async hook|.*out of memory|Aborted)/.test(line))
    ?.trim()
    .slice(0, 300);
}

/** One long-lived process, kept running by its supervisor. Emits `ready` when a process prints its ready line. */
export class KeptProcess extends EventEmitter {
  /** How many times it was started. */
  starts = 0;
  /** Whether the current process printed its `readyWhen` line. */
  ready = false;
  /** Its last lines, to show when it fails. */
  readonly tail: string[] = [];
  /** Every exit of its processes, oldest first. */
  readonly exits: ProcessExit[] = [];
  private child?: ChildProcess;
  /** The process kill(), restart() or stop() signalled: its exit is not a crash. */
  private signalled?: ChildProcess;
  private stderr = '';
  private firstStart?: number;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly name: string,
    private readonly spec: ProcessSpec,
    private readonly cwd: string,
    private readonly sink: LineSink,
    private readonly options: KeepOptions = {},
  ) {
    super();
  }

  /** The exits nobody asked for, oldest first. */
  get crashes(): ProcessExit[] {
    return this.exits.filter((exit) => !exit.requested);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it, unless it runs already or was stopped for good. */
  start(): void {
    clearTimeout(this.restartTimer);
    if (this.stopped || this.child) return;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: [this.options.stdinFromParent ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.starts++;
    this.firstStart ??= Date.now();
    this.stderr = '';
    this.ready = false;
    live.add(this);
    // Whole lines only: a chunk may end in the middle of one, which the next chunk (or the end) completes.
    const read = (stream: 'stdout' | 'stderr') => {
      let partial = '';
      const source = stream === 'stdout' ? child.stdout : child.stderr;
      source?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.line(child, line, stream);
      });
      source?.on('end', () => this.line(child, partial, stream));
    };
    read('stdout');
    read('stderr');
    child.on('error', (error) => {
      this.line(child, `cannot start ${this.spec.command}: ${error.message}`, 'stderr');
      // Never started (no such command): no exit follows, and starting it again would fail alike.
      if (child.pid === undefined && this.child === child) this.child = undefined;
    });
    this.sink(this.name, `started (pid ${child.pid})`, 'stdout');
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.ready = false;
      const stderrTail = this.stderr;
      const reason = crashReason(stderrTail);
      const exit: ProcessExit = {
        atMs: Date.now() - (this.firstStart ?? Date.now()),
        code,
        signal,
        requested: this.stopped || this.signalled === child,
        ...(reason ? { reason } : {}),
        stderrTail,
      };
      this.exits.push(exit);
      this.emit('exit', exit);
      if (!exit.requested) this.options.onCrash?.(exit);
      const delay = this.options.restartDelayMs === undefined ? RESTART_DELAY_MS : this.options.restartDelayMs;
      if (this.stopped || delay === null) return;
      this.sink(this.name, `exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000}s`, 'stderr');
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  private line(child: ChildProcess, line: string, stream: 'stdout' | 'stderr'): void {
    if (!line) return;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (stream === 'stderr' && this.child === child) this.stderr = `${this.stderr}${line}\n`.slice(-STDERR_TAIL_CHARS);
    if (this.child === child && !this.ready && this.options.readyWhen?.test(line)) {
      this.ready = true;
      this.emit('ready');
    }
    this.sink(this.name, line, stream);
  }

  /**
   * Resolves once a process of it is up and has printed its `readyWhen` line: at once if the current one has, else
   * after the restart under way. Fails after `timeoutMs`, with its last lines, or when it is stopped for good.
   */
  async whenReady(timeoutMs = 120_000): Promise<void> {
    if (this.ready) return;
    if (this.stopped) throw new Error(`${this.name} was stopped`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const stopped = new AbortController();
    const onStop = () => stopped.abort();
    this.once('stopped', onStop);
    try {
      await once(this, 'ready', { signal: AbortSignal.any([timeout, stopped.signal]) });
    } catch (error) {
      if (stopped.signal.aborted) throw new Error(`${this.name} was stopped before it was ready`);
      if (timeout.aborted)
        throw new Error(
          `${this.name} was not ready after ${timeoutMs} ms (${this.starts} starts); its last lines:\n${this.tail.join('\n')}`,
        );
      throw error;
    } finally {
      this.off('stopped', onStop);
    }
  }

  /**
   * Sends `signal` to its whole group and waits until it has exited (a restart, if any, follows on its own);
   * answers how it ended, or undefined when nothing was running.
   */
  async kill(signal: NodeJS.Signals): Promise<ProcessExit | undefined> {
    const child = this.child;
    if (!child?.pid) return undefined;
    const exited = once(this, 'exit') as Promise<[ProcessExit]>;
    this.signalled = child;
    signalGroup(child, signal);
    const [exit] = await exited;
    return exit;
  }

  /** Stops it with `signal`, waits until it has exited, then starts it at once (not after the restart delay). */
  async restart(signal: NodeJS.Signals = 'SIGTERM', onStopped?: () => void): Promise<void> {
    await this.kill(signal);
    onStopped?.();
    this.start();
  }

  /** Ends it for good: SIGTERM, then SIGKILL after `graceMs`; anything left of its group (a grandchild) goes too. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    this.emit('stopped');
    clearTimeout(this.restartTimer);
    live.delete(this);
    const child = this.child;
    if (!child?.pid) return;
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
    signalGroup(child, 'SIGKILL');
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGKILLs every group started here at once, without waiting: for a program interrupted before it could stop(). */
export function killAllNow(): void {
  for (const kept of live) {
    kept.ready = false;
    void kept.stop(0);
  }
}

export class Supervisor {
  private readonly processes: KeptProcess[] = [];
  private stopping = false;
  private exiting = false;

  /** `cwd`: where the processes run; `sink`: where their output goes (prefixed on stdout and stderr unless told). */
  constructor(
    private readonly cwd: string,
    private readonly sink: LineSink = printPrefixed,
  ) {}

  /** Starts `name` and keeps it running until stop(). */
  start(name: string, spec: ProcessSpec, options: KeepOptions = {}): KeptProcess {
    const kept = new KeptProcess(name, spec, this.cwd, this.sink, options);
    this.processes.push(kept);
    if (!this.stopping) kept.start();
    return kept;
  }

  /** A one-off step (a schema migration): its output is shown only if it fails. */
  async once(name: string, spec: ProcessSpec): Promise<void> {
    const child = spawn(spec.command, spec.args, {
      cwd: this.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) {
      for (const line of output.split('\n')) if (line) this.sink(name, line, 'stderr');
      throw new Error(`${name} failed (exit code ${code})`);
    }
  }

  /** Stops everything, newest first, each given STOP_GRACE_MS to finish before it is killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const kept of [...this.processes].reverse()) await kept.stop();
  }

  /** Stops everything, then exits with `code`; once only, however often it is asked. */
  exit(code: number): void {
    if (this.exiting) return;
    this.exiting = true;
    void this.stop().then(() => process.exit(code));
  }

  /** Ctrl-C (SIGINT) and SIGTERM stop everything started here. */
  exitOnSignals(): void {
    process.on('SIGINT', () => this.exit(0));
    process.on('SIGTERM', () => this.exit(0));
  }
}
