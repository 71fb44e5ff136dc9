/**
 * The processes a chaos run starts, killed and started again on purpose. Each runs in a process group of
 * its own: `tsx` starts node as a child, so a SIGKILL must reach the whole group to really kill a worker
 * (a killed `tsx` alone would leave its node running, still polling).
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface KeptProcessOptions {
  /** A line of its output that says it is ready (e.g. the worker's "polling task queue"). */
  readyWhen?: RegExp;
  /** Started again this long after it dies, as an orchestrator would; without it, it stays down. */
  restartDelayMs?: number;
  /** Every line it prints. */
  onLine?: (line: string) => void;
}

/** Every group started here, so an interrupted run can still end them all. */
const live = new Set<KeptProcess>();

export class KeptProcess {
  /** How many times it was started. */
  starts = 0;
  ready = false;
  private child?: ChildProcess;
  private stopped = false;
  /** Its last lines, to show when it fails. */
  readonly tail: string[] = [];

  constructor(
    readonly name: string,
    private readonly spec: ProcessSpec,
    private readonly options: KeptProcessOptions = {},
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.stopped) return;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.starts++;
    this.ready = false;
    live.add(this);
    const read = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 20) this.tail.shift();
        if (this.options.readyWhen?.test(line) && this.child === child) this.ready = true;
        this.options.onLine?.(line);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('error', (error) => this.tail.push(`cannot start ${this.spec.command}: ${error.message}`));
    child.on('exit', () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.ready = false;
      if (this.stopped || this.options.restartDelayMs === undefined) return;
      setTimeout(() => this.start(), this.options.restartDelayMs);
    });
  }

  /** Sends `signal` to its whole group and waits until it has exited (a restart, if any, follows on its own). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
    await exited;
  }

  /** Ends it for good: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    live.delete(this);
    const child = this.child;
    if (!child?.pid) return;
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
    // Anything of the group still alive (a grandchild) goes too.
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

/** On Ctrl-C: detached groups do not get the terminal's signal, so they are killed here. */
export function killAllNow(): void {
  for (const kept of live) {
    kept.ready = false;
    void kept.stop(0);
  }
}
