/**
 * The interpreter's host inside a workflow: tasks are activities (one attempt each: Retry is the interpreter's,
 * with durable timers), Wait is a durable timer, branches run in CancellationScopes, startExecution is a child
 * workflow. Time, randomness and UUIDs are the workflow's own, so every replay takes the same path.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  patched,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  startChild,
  TimeoutFailure,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Cancellation } from '../cancellation';
import { unregisteredActivity } from '../checker';
import { StatesError, StatesErrors, taskTimeout } from '../errors';
import { childFailed, childSucceeded } from '../executions';
import type { LoadedStateMachine } from './state-machine';
import type { ExecutionTrace, TraceEvent } from '../trace';
import { CallbackWaits } from './callbacks';
import { activityTaskQueue, SFN_ACTIVITY_TYPE } from '../sfn-activities';
import type { ChildExecutionRequest, ChildMachineRequest, Definition, ExecutionHost, ResumePoint, TaskOptions } from '../interpreter';
import type { MapShardRequest, MapShardSummary } from '../map-slices';

/** What a failed execution carries, so the client reads Error and Cause exactly (either may be absent). */
export interface ExecutionFailureDetails {
  Error?: string;
  Cause?: string;
}

/** Step Functions' default: a task without TimeoutSeconds may run (almost) for ever. */
const DEFAULT_TIMEOUT_SECONDS = 99_999_999;

type AnyActivity = (input: unknown) => Promise<unknown>;
const proxies = new Map<string, Record<string, AnyActivity>>();

function activitiesFor(options: TaskOptions): Record<string, AnyActivity> {
  const key = `${options.timeoutSeconds ?? ''}/${options.heartbeatSeconds ?? ''}`;
  let proxy = proxies.get(key);
  if (!proxy) {
    proxy = proxyActivities<Record<string, AnyActivity>>({
      startToCloseTimeout: `${options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS} seconds`,
      ...(options.heartbeatSeconds !== undefined ? { heartbeatTimeout: `${options.heartbeatSeconds} seconds` } : {}),
      retry: { maximumAttempts: 1 },
    });
    proxies.set(key, proxy);
  }
  return proxy;
}

/**
 * What the worker's loadStateMachine activity answers: the stored definition and the activities its Tasks may bind to
 * (activities.ts), or, from activities of earlier versions, the definition alone.
 */
type Loaded = LoadedStateMachine | Definition;

const loader = proxyActivities<{ loadStateMachine(name: string): Promise<Loaded> }>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['StepFunctions.StateMachineDoesNotExistException'] },
});

/** A task's failure as Step Functions names it: the activity's error type and message, or a timeout. */
function taskError(error: unknown, options: TaskOptions): unknown {
  if (isCancellation(error) || !(error instanceof ActivityFailure)) return error;
  const cause = error.cause;
  if (cause instanceof TimeoutFailure) {
    return cause.timeoutType === 'HEARTBEAT'
      ? taskTimeout('heartbeat', options.heartbeatSeconds ?? 0)
      : taskTimeout('timeout', options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  }
  // An activity cannot throw without a message; an empty one stands for no Cause.
  if (cause instanceof ApplicationFailure) return new StatesError(cause.type ?? 'Error', cause.message === '' ? undefined : cause.message);
  return new StatesError('States.TaskFailed', cause?.message ?? error.message);
}

/** The {Error, Cause} a failed child execution ended with. */
export function failureDetails(failure: unknown): ExecutionFailureDetails | undefined {
  let cause: unknown = failure;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && Array.isArray(cause.details) && cause.details.length > 0) {
      return cause.details[0] as ExecutionFailureDetails;
    }
    cause = (cause as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/** A child's failure as the StatesError it ended with (a Distributed Map's iteration or shard); anything else as is. */
function childError(error: unknown): unknown {
  if (isCancellation(error) || !(error instanceof ChildWorkflowFailure)) return error;
  const details = failureDetails(error) ?? { Error: 'States.Runtime', Cause: error.cause?.message ?? error.message };
  return new StatesError(details.Error, details.Cause);
}

export class WorkflowHost implements ExecutionHost {
  /**
   * `activities`: the only activities Tasks may bind to (StateMachineInput.activities), which a lambda:invoke
   * FunctionName chosen at run time cannot get around; undefined for any the worker has.
   */
  constructor(
    private readonly workflowType: string,
    private readonly activities: string[] | undefined,
    /** Goes on in a new run from this point (continue-as-new), before the history reaches `historyLimit` events. */
    private readonly continueFrom?: { historyLimit: number; at(point: ResumePoint): Promise<never> },
    private readonly traceLog?: ExecutionTrace,
    /** Serve activity ARNs as Step Functions activities, on task queues named with this prefix (sfn-activities.ts). */
    private readonly activityTaskQueuePrefix?: string,
  ) {
    // Only when tracing: the interpreter then waits a few more microtasks around Map iterations, which executions
    // recorded before tracing (patched 'asl-trace') must not.
    if (traceLog) this.trace = (event) => traceLog.record(event, Date.now());
    if (activityTaskQueuePrefix !== undefined)
      this.runStepFunctionsActivity = (arn, input, options) => this.sfnActivity(arn, input, options);
  }

  runStepFunctionsActivity?: (activityArn: string, input: unknown, options: TaskOptions) => Promise<unknown>;

  /**
   * A task for whoever polls the activity's queue (GetActivityTask): TimeoutSeconds counts from now, as AWS counts it
   * from the task's scheduling, so a task no worker takes still ends; HeartbeatSeconds once a worker has it.
   */
  private sfnActivity(activityArn: string, input: unknown, options: TaskOptions): Promise<unknown> {
    this.traceLog?.activityScheduled();
    const proxy = proxyActivities<Record<string, AnyActivity>>({
      taskQueue: activityTaskQueue(this.activityTaskQueuePrefix!, activityArn),
      scheduleToCloseTimeout: `${options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS} seconds`,
      ...(options.heartbeatSeconds !== undefined ? { heartbeatTimeout: `${options.heartbeatSeconds} seconds` } : {}),
      retry: { maximumAttempts: 1 },
    });
    return proxy[SFN_ACTIVITY_TYPE](input).catch((error: unknown) => {
      throw taskError(error, options);
    });
  }

  trace?: (event: TraceEvent) => void;

  /** Callback Tasks' waits: the workflow hands their update (TASK_OUTCOME_UPDATE) to it. */
  readonly callbacks = new CallbackWaits();

  issueTaskToken(): Promise<string> {
    return this.callbacks.issue();
  }

  waitForTaskToken(token: string, options: TaskOptions): Promise<unknown> {
    return this.callbacks.wait(token, options);
  }

  /** The last point between two top-level states: where a redrive of this run, if it fails, goes on from. */
  lastPoint?: ResumePoint;

  /** Between two top-level states: a new run when the history is long or the server suggests one. */
  async between(point: ResumePoint): Promise<void> {
    // Kept in memory only (no command): a query reads it from a closed run, which the worker replays to answer.
    this.lastPoint = point;
    // Executions begun before runs could continue replay as they ran (patched: recorded in the history).
    if (!this.continueFrom || !patched('asl-continue-as-new')) return;
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (historyLength >= this.continueFrom.historyLimit || continueAsNewSuggested) await this.continueFrom.at(point);
  }

  /** A timer of a millisecond: the workflow task ends there, so no run of states holds the worker's thread. */
  async breathe(): Promise<void> {
    if (patched('asl-breathe')) await sleep(1);
  }

  now(): number {
    return Date.now();
  }

  random(): number {
    return Math.random();
  }

  uuid(): string {
    return uuid4();
  }

  async sleep(ms: number, _cancel: Cancellation): Promise<void> {
    await sleep(ms);
  }

  cancellable<T>(fn: () => Promise<T>): { promise: Promise<T>; cancel(): void } {
    const scope = new CancellationScope();
    return { promise: scope.run(fn), cancel: () => scope.cancel() };
  }

  runActivity(name: string, input: unknown, options: TaskOptions): Promise<unknown> {
    if (this.activities && !this.activities.includes(name)) {
      return Promise.reject(new StatesError(StatesErrors.TaskFailed, unregisteredActivity(name, this.activities)));
    }
    this.traceLog?.activityScheduled();
    return activitiesFor(options)
      [name](input)
      .catch((error: unknown) => {
        throw taskError(error, options);
      });
  }

  /** A DISTRIBUTED Map iteration: a child workflow of its own, failing with the iteration's Error and Cause. */
  async runChildMachine(request: ChildMachineRequest): Promise<unknown> {
    try {
      return await executeChild(this.workflowType, {
        workflowId: `${workflowInfo().workflowId}-${uuid4()}`,
        args: [
          {
            definition: request.definition,
            input: request.input,
            name: request.name,
            activities: this.activities,
            activityTaskQueuePrefix: this.activityTaskQueuePrefix,
          },
        ],
      });
    } catch (error) {
      throw childError(error);
    }
  }

  /** A shard of a DISTRIBUTED Map too large to hold: the same workflow, given `mapShard` (map-shard.ts). */
  async runMapShard(shard: { definition: Definition; name: string; request: MapShardRequest }): Promise<MapShardSummary> {
    try {
      return await executeChild(this.workflowType, {
        workflowId: `${workflowInfo().workflowId}-${uuid4()}`,
        args: [
          {
            definition: shard.definition,
            name: shard.name,
            activities: this.activities,
            activityTaskQueuePrefix: this.activityTaskQueuePrefix,
            mapShard: shard.request,
          },
        ],
      });
    } catch (error) {
      throw childError(error);
    }
  }

  /** Executions begun before Maps could shard replay as they ran: their readers answered the items. */
  slicesItems(): boolean {
    return patched('asl-distributed-map-slices');
  }

  async startExecution(request: ChildExecutionRequest): Promise<unknown> {
    let loaded: LoadedStateMachine;
    try {
      // Checked there against the worker's list (a States.Runtime failure naming the path), and by the child.
      const answer = await loader.loadStateMachine(request.stateMachine);
      loaded = 'States' in answer ? { definition: answer, activities: this.activities } : answer;
    } catch (error) {
      throw taskError(error, {});
    }
    const { definition, activities } = loaded;
    const name = request.name ?? `${workflowInfo().workflowId}-${uuid4()}`;
    const run = { machine: request.stateMachine, name, input: request.input, startDate: Date.now() };
    const args = {
      definition,
      input: request.input,
      name: request.stateMachine,
      activities,
      activityTaskQueuePrefix: this.activityTaskQueuePrefix,
    };
    const options = { workflowId: name, args: [args] };
    if (request.mode === 'async') {
      await startChild(this.workflowType, { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
      return childSucceeded('async', run, undefined);
    }
    try {
      const output = await executeChild(this.workflowType, options);
      return childSucceeded(request.mode, { ...run, stopDate: Date.now() }, output);
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ChildWorkflowFailure)) throw error;
      const details = failureDetails(error) ?? { Error: 'States.Runtime', Cause: error.cause?.message ?? error.message };
      throw childFailed(request.mode, { ...run, stopDate: Date.now() }, new StatesError(details.Error, details.Cause));
    }
  }
}
