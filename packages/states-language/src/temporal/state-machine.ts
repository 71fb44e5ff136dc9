import { ApplicationFailure, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { STATE_MACHINE_ACTIVITIES } from '../../activities/examples/names';
import { checkDefinition } from '../../lib/asl/checker';
import { StatesError, StatesErrors } from '../../lib/asl/errors';
import { executionContext } from '../../lib/asl/executions';
import { type Definition, type ResumePoint, runExecution } from '../../lib/asl/interpreter';
import { type ExecutionFailureDetails, WorkflowHost } from './host';

export interface StateMachineInput {
  definition: Definition;
  input?: unknown;
  /** The stored machine's name, for `$$.StateMachine` and child executions' ARNs. */
  name?: string;
  /**
   * The definition was read from storage, where anyone holding the API token can PUT one: set by the API's
   * executions (api/state-machine-runs.ts), startExecution children (loaded by loadStateMachine) and passed on to
   * DISTRIBUTED Map iterations. Its Tasks then bind only to STATE_MACHINE_ACTIVITIES, never the Secret Santa
   * pipeline's own: checked before the run (a definition stored before that wall fails with States.Runtime naming
   * the path) and for each lambda:invoke FunctionName chosen at run time (States.TaskFailed).
   * Left out, the definition was given inline by a Temporal client, which is trusted (it already holds Temporal
   * access): its Tasks bind to any activity of the worker, as examples/state-machines/secret-santa.asl.json does.
   * No input widens the list: it is a constant of the code.
   */
  stored?: boolean;
  /** Set by the run this one continues: where it stood, and the execution's own start and input. */
  resume?: Resume;
  /** A new run (continue-as-new) once the history has this many events: the default, or fewer to test it. */
  continueAfterEvents?: number;
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
  const { definition, input = {}, name = INLINE_MACHINE, stored = false, resume } = args;
  const problems = checkDefinition(definition, stored ? { activities: STATE_MACHINE_ACTIVITIES } : {});
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
  const host = new WorkflowHost(info.workflowType, stored, {
    historyLimit: args.continueAfterEvents ?? CONTINUE_AFTER_EVENTS,
    at: (point) => continueAsNew<typeof stateMachine>({ ...args, resume: { ...point, executionInput, startTime } }),
  });
  try {
    return await runExecution(definition, executionInput, {
      host,
      context: executionContext(name, info.workflowId, executionInput, startTime),
      resume,
    });
  } catch (error) {
    if (error instanceof StatesError) throw failure(error.output);
    throw error;
  }
}

function failure(details: ExecutionFailureDetails): ApplicationFailure {
  return ApplicationFailure.create({ type: details.Error, message: details.Cause ?? '', nonRetryable: true, details: [details] });
}
