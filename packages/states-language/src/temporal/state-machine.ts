import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { TASK_OUTCOME_SIGNAL, TASK_OUTCOME_UPDATE, TASK_REFUSAL_QUERY, type TaskOutcomeUpdate, type TaskRefusal } from '../callbacks';
import { checkDefinition } from '../checker';
import { StatesError, StatesErrors } from '../errors';
import { executionContext } from '../executions';
import { SucceededBranches } from '../branch-outcomes';
import { type Definition, type ResumePoint, runExecution } from '../interpreter';
import { ExecutionTrace, RESUME_POINT_QUERY, TRACE_QUERY, type TraceView } from '../trace';
import { type ExecutionFailureDetails, WorkflowHost } from './host';
import type { MapShardRequest } from '../map-slices';
import { runMapShard } from './map-shard';

export interface StateMachineInput {
  definition: Definition;
  input?: unknown;
  /** The stored machine's name, for `$$.StateMachine` and child executions' ARNs. */
  name?: string;
  /**
   * The only activities its Tasks may bind to: set by whoever starts a definition that someone less trusted wrote
   * (startStateMachine in client.ts, from the worker's list; startExecution children, with the list
   * loadStateMachine answers; DISTRIBUTED Map iterations, with their parent's). Checked before the run (a
   * States.Runtime failure naming the path) and for each lambda:invoke FunctionName chosen at run time
   * (States.TaskFailed). Left out, Tasks bind to any activity of the worker: for definitions a trusted Temporal
   * client gives inline.
   */
  activities?: string[];
  /** Set by the run this one continues: where it stood, and the execution's own start and input. */
  resume?: Resume;
  /** A new run (continue-as-new) once the history has this many events: the default, or fewer to test it. */
  continueAfterEvents?: number;
  /** The execution's name for `$$.Execution` when the workflow id is not it (the Step Functions API's ids are ARNs). */
  executionName?: string;
  /**
   * Set by a starter that serves Step Functions activities (the Step Functions API): a Task on an activity ARN waits
   * for a worker on the task queue `<prefix><activity ARN>` (sfn-activities.ts). Left out: an activity ARN binds to
   * the worker's activity of that name, as before.
   */
  activityTaskQueuePrefix?: string;
  /** Set by RedriveExecution: how many times the execution was redriven, and when last (`$$.Execution.RedriveCount`). */
  redrive?: { count: number; date: number };
  /** Set by a DISTRIBUTED Map too large to hold: this run is one of its shards (map-shard.ts), `definition` its processor. */
  mapShard?: MapShardRequest;
}

/** What loadStateMachine answers (../activities.ts): a stored definition, and the only activities its Tasks may bind to. */
export interface LoadedStateMachine {
  definition: Definition;
  activities?: string[];
}

export interface Resume extends ResumePoint {
  executionInput: unknown;
  startTime: number;
}

/** Well inside Temporal's 51,200-event limit, and cheap to replay. */
export const CONTINUE_AFTER_EVENTS = 10_000;

/** Name of the machine when the definition was given inline, not stored. */
export const INLINE_MACHINE = 'inline';

/**
 * Runs a States Language definition: the execution's output is the workflow's result; a failed execution fails
 * the workflow with an ApplicationFailure whose type is the Error, message the Cause, and details [{Error, Cause}].
 */
export async function stateMachine(args: StateMachineInput): Promise<unknown> {
  const { definition, input = {}, name = INLINE_MACHINE, activities, resume } = args;
  const { mapShard } = args;
  if (mapShard) return runMapShard({ ...args, mapShard }).catch((error: unknown) => failWith(error));
  // Executions recorded before the trace replay without it (and answer the query with null).
  const trace = patched('asl-trace') ? new ExecutionTrace() : undefined;
  setHandler(defineQuery<TraceView | null>(TRACE_QUERY), () => trace?.view() ?? null);
  // Where a redrive goes on from: the last point between two top-level states (the state that failed, with the
  // input and variables it had), else where this run began; with the branches or iterations that succeeded when that
  // state is a Parallel or Map. Only a handler, and memory: histories replay as they were.
  let host: WorkflowHost | undefined;
  const succeeded = new SucceededBranches();
  setHandler(defineQuery<ResumePoint | null>(RESUME_POINT_QUERY), () => {
    const point = host?.lastPoint ?? resumePointOf(resume);
    const kept = succeeded.keptAt(point?.state ?? definition.StartAt);
    if (!kept) return point ?? null;
    return { ...(point ?? { state: definition.StartAt, input: resume ? resume.executionInput : input, variables: {} }), kept };
  });
  const sfnActivities = args.activityTaskQueuePrefix !== undefined;
  const problems = checkDefinition(definition, { ...(activities ? { activities } : {}), stepFunctionsActivities: sfnActivities });
  if (problems.length > 0) {
    throw failure({
      Error: StatesErrors.Runtime,
      Cause: `invalid definition: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    });
  }
  const info = workflowInfo();
  // The execution keeps one id, input and start time across the runs it continues through.
  const executionInput = resume ? resume.executionInput : input;
  const startTime = resume ? resume.startTime : info.startTime.getTime();
  host = new WorkflowHost(
    info.workflowType,
    activities,
    {
      historyLimit: args.continueAfterEvents ?? CONTINUE_AFTER_EVENTS,
      at: (point) => continueAsNew<typeof stateMachine>({ ...args, resume: { ...point, executionInput, startTime } }),
    },
    trace,
    args.activityTaskQueuePrefix,
  );
  // Answers to callback Tasks (SendTaskSuccess/Failure/Heartbeat); a handler adds no command, so old histories replay.
  setHandler(defineUpdate<void, [TaskOutcomeUpdate]>(TASK_OUTCOME_UPDATE), (update) => host.callbacks.deliver(update), {
    validator: (update) => host.callbacks.validate(update),
  });
  // The same answers as a signal (what the API sends: stored by the server even while no worker runs). deliver()
  // ignores a key never issued or already spent; a handler adds no command, so old histories replay as they ran.
  setHandler(defineSignal<[TaskOutcomeUpdate]>(TASK_OUTCOME_SIGNAL), (update) => host.callbacks.deliver(update));
  // Whether such an answer would be dropped, asked by the API before it signals. A key this run does not know, in an
  // execution that had runs before (continued as new, redriven), was spent in one of them: TaskTimedOut.
  setHandler(defineQuery<TaskRefusal | null, [string]>(TASK_REFUSAL_QUERY), (key) => {
    const refusal = host.callbacks.refusal(key) ?? null;
    return refusal === 'TaskDoesNotExist' && (resume || args.redrive) ? 'TaskTimedOut' : refusal;
  });
  // Started with Temporal's execution timeout of the TimeoutSeconds (client.ts executionTimeout): Temporal ends it
  // TIMED_OUT, as AWS does, and the interpreter sets no timer of its own. Executions begun before it, children and
  // starters that give no such timeout keep the interpreter's (States.Timeout), so their histories replay as they ran.
  const timedByTemporal =
    definition.TimeoutSeconds !== undefined &&
    info.executionTimeoutMs === definition.TimeoutSeconds * 1000 &&
    patched('asl-execution-timeout');
  const { TimeoutSeconds: _enforcedByTemporal, ...untimed } = definition;
  try {
    const context = executionContext(name, args.executionName ?? info.workflowId, executionInput, startTime);
    if (args.redrive) context.Execution.RedriveCount = args.redrive.count;
    return await runExecution(timedByTemporal ? untimed : definition, executionInput, {
      host,
      context,
      // Redrives that keep branches, and count the timeout from the redrive, as AWS's do: new command sequences.
      resume: resume?.kept && !patched('asl-redrive-branches') ? resumePointOf(resume) : resume,
      branchOutcomes: succeeded,
      ...(args.redrive && patched('asl-redrive-timeout') ? { timeoutFrom: args.redrive.date } : {}),
      // Executions begun before issue 14's fidelity with AWS (Causes, JSONata errors, States.Format, $$.State,
      // integer seconds) keep the results they had, so their histories replay as they ran.
      earlierResults: !patched('asl-aws-fidelity'),
    });
  } catch (error) {
    if (error instanceof StatesError) throw failure(error.output);
    throw error;
  }
}

function resumePointOf(resume: Resume | undefined): ResumePoint | undefined {
  return resume ? { state: resume.state, input: resume.input, variables: resume.variables } : undefined;
}

function failWith(error: unknown): never {
  throw error instanceof StatesError ? failure(error.output) : error;
}

function failure(details: ExecutionFailureDetails): ApplicationFailure {
  return ApplicationFailure.create({ type: details.Error, message: details.Cause ?? '', nonRetryable: true, details: [details] });
}
