/**
 * An ExecutionHost with a virtual clock: timers fire as soon as nothing else is left to run, so retries with
 * long backoffs and hour-long Waits finish at once, in the order real time would give. Stored machines can
 * be started as child executions. Randomness and UUIDs are seeded.
 */
import { Cancellation, ExecutionCancelled } from '../../src/cancellation';
import { StatesError, taskTimeout } from '../../src/errors';
import { childFailed, childSucceeded, executionContext } from '../../src/executions';
import {
  type ChildExecutionRequest,
  type ChildMachineRequest,
  type Definition,
  type ExecutionHost,
  runExecution,
  type TaskOptions,
} from '../../src/interpreter';
import { type ActivityTools, type TestActivity, testActivities } from './test-activities';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock {
  time: number;
  private timers: Timer[] = [];
  private seq = 0;
  private pumping = false;

  constructor(start: number) {
    this.time = start;
  }

  sleep(ms: number, cancel?: Cancellation): Promise<void> {
    return new Promise((resolve, reject) => {
      if (cancel?.cancelled) return reject(new ExecutionCancelled());
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve: () => resolve() };
      this.timers.push(timer);
      cancel?.onCancel(() => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(new ExecutionCancelled());
      });
      this.pump();
    });
  }

  /** Fires the earliest timer once everything else has settled. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() =>
      setImmediate(() => {
        this.pumping = false;
        if (this.timers.length === 0) return;
        this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const first = this.timers.shift()!;
        this.time = Math.max(this.time, first.at);
        first.resolve();
        if (this.timers.length > 0) this.pump();
      }),
    );
  }
}

export interface VirtualHostOptions {
  start?: number;
  activities?: Record<string, TestActivity>;
  machines?: Record<string, Definition>;
  seed?: number;
}

export class VirtualHost implements ExecutionHost {
  readonly clock: VirtualClock;
  private state: number;
  private uuids = 0;
  private readonly activities: Record<string, TestActivity>;
  private readonly machines: Record<string, Definition>;
  /** Names of the activities called, in order. */
  readonly calls: string[] = [];

  constructor(options: VirtualHostOptions = {}) {
    this.clock = new VirtualClock(options.start ?? Date.parse('2024-01-01T00:00:00.000Z'));
    this.state = options.seed ?? 1;
    this.activities = options.activities ?? testActivities;
    this.machines = options.machines ?? {};
  }

  now(): number {
    return this.clock.time;
  }

  random(): number {
    // mulberry32
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uuid(): string {
    const n = (++this.uuids).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${n}`;
  }

  sleep(ms: number, cancel: Cancellation): Promise<void> {
    return this.clock.sleep(ms, cancel);
  }

  cancellable<T>(fn: () => Promise<T>) {
    return { promise: fn(), cancel: () => undefined };
  }

  async runActivity(name: string, input: unknown, options: TaskOptions, cancel: Cancellation): Promise<unknown> {
    this.calls.push(name);
    const activity = Object.prototype.hasOwnProperty.call(this.activities, name) ? this.activities[name] : undefined;
    if (!activity) throw new StatesError('NotFoundError', `Activity function ${name} is not registered on this worker`);
    const own = cancel.child(); // stops the activity's own timers when the task ends or times out
    let lastBeat = this.now();
    const tools: ActivityTools = {
      fail: (error, cause) => {
        throw new StatesError(error, cause);
      },
      sleep: (ms) => this.clock.sleep(ms, own),
      heartbeat: () => {
        lastBeat = this.now();
      },
    };
    const watchers: Promise<never>[] = [];
    if (options.timeoutSeconds !== undefined) {
      const seconds = options.timeoutSeconds;
      watchers.push(this.clock.sleep(seconds * 1000, own).then(() => Promise.reject(taskTimeout('timeout', seconds))));
    }
    if (options.heartbeatSeconds !== undefined) {
      const limit = options.heartbeatSeconds * 1000;
      const watch = async (): Promise<never> => {
        for (;;) {
          await this.clock.sleep(lastBeat + limit - this.now(), own);
          if (this.now() - lastBeat >= limit) throw taskTimeout('heartbeat', options.heartbeatSeconds!);
        }
      };
      watchers.push(watch());
    }
    watchers.forEach((w) => w.catch(() => undefined));
    try {
      return await Promise.race([activity(input, tools), ...watchers]);
    } finally {
      own.cancel();
    }
  }

  /** Names of the child executions that DISTRIBUTED Map iterations ran as. */
  readonly childMachines: string[] = [];

  runChildMachine(request: ChildMachineRequest, cancel: Cancellation): Promise<unknown> {
    const name = `${request.name}-${this.uuid()}`;
    this.childMachines.push(name);
    return runExecution(request.definition, request.input, {
      host: this,
      context: executionContext(request.name, name, request.input, this.now()),
      cancel,
    });
  }

  async startExecution(request: ChildExecutionRequest, cancel: Cancellation): Promise<unknown> {
    const definition = this.machines[request.stateMachine];
    if (!definition)
      throw new StatesError('StepFunctions.StateMachineDoesNotExistException', `State Machine Does Not Exist: '${request.stateMachine}'`);
    const run = { machine: request.stateMachine, name: request.name ?? this.uuid(), input: request.input, startDate: this.now() };
    const child = runExecution(definition, request.input, {
      host: this,
      context: executionContext(run.machine, run.name, run.input, run.startDate),
      cancel: request.mode === 'async' ? new Cancellation() : cancel,
    });
    if (request.mode === 'async') {
      child.catch(() => undefined);
      return childSucceeded('async', run, undefined);
    }
    try {
      const output = await child;
      return childSucceeded(request.mode, { ...run, stopDate: this.now() }, output);
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      throw childFailed(request.mode, { ...run, stopDate: this.now() }, error);
    }
  }
}
