/**
 * The client side: start an execution of a definition on a worker that hosts the runtime, read how it stands or
 * ended in Step Functions' terms, stop it. Takes the caller's Temporal Client; no state of its own.
 */
import { type Client, WorkflowFailedError, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { type CheckOptions, checkDefinition, type Problem } from './checker';
import type { Definition } from './interpreter';
import type { stateMachine } from './temporal/state-machine';

export { MAX_TRACE_DATA_CHARS, MAX_TRACE_EVENTS, RESUME_POINT_QUERY, TRACE_QUERY, type TracedEvent, type TraceView } from './trace';

/** State machine (and execution) names as Step Functions takes them: 1 to 80 letters, digits, '-' and '_'. */
export const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** The workflow type every execution runs as. */
export const STATE_MACHINE_WORKFLOW = 'stateMachine';

/** How an execution ended. */
export type ExecutionOutcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED'; error?: string; cause?: string }
  | { status: 'TIMED_OUT' };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type ExecutionDescription = { id: string; status: ExecutionStatus } & Partial<Omit<ExecutionOutcome, 'status'>>;

/** A definition the checker refused: every problem, with its JSON path. */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';
  constructor(readonly problems: Problem[]) {
    const listed = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the definition: ${listed}`);
  }
}

/** Throws InvalidDefinitionError unless the definition can run (with `activities`: binding only to those). */
export function assertValidDefinition(definition: unknown, options: CheckOptions = {}): asserts definition is Definition {
  const problems = checkDefinition(definition, options);
  if (problems.length > 0) throw new InvalidDefinitionError(problems);
}

export interface StartOptions {
  /** The execution's id: it keeps it across the runs it continues through. */
  workflowId: string;
  /** The queue of the worker that hosts the runtime. */
  taskQueue: string;
  definition: Definition;
  input?: unknown;
  /** The machine's name, for `$$.StateMachine` and ARNs. */
  name?: string;
  /** The only activities its Tasks may bind to (StateMachineInput.activities); left out, any of the worker's. */
  activities?: readonly string[];
  /** `$$.Execution.Name` when it is not the workflow id. */
  executionName?: string;
  /** Kept with the workflow for whoever lists executions (the Step Functions API's machine type, input digest). */
  memo?: Record<string, unknown>;
  /** Serve activity ARNs as Step Functions activities on task queues named with this prefix (StateMachineInput). */
  activityTaskQueuePrefix?: string;
}

/**
 * Temporal's own execution timeout for a definition's TimeoutSeconds, so that an execution running past it ends
 * TIMED_OUT as in Step Functions (the workflow then sets no timer of its own, see state-machine.ts). It spans the runs
 * the execution continues through; a redrive starts anew, so there it counts from the redrive, as AWS's does.
 */
export function executionTimeout(definition: Definition): { workflowExecutionTimeout?: number } {
  const seconds: unknown = definition.TimeoutSeconds;
  // Anything else is refused by the checker (the workflow fails at once with States.Runtime).
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? { workflowExecutionTimeout: seconds * 1000 } : {};
}

/**
 * Starts an execution; an id already used is refused. The workflow checks the definition (against `activities` when
 * given) and fails with States.Runtime naming each problem's path: call assertValidDefinition first to refuse it here.
 */
export async function startStateMachine(client: Client, options: StartOptions): Promise<WorkflowHandle<typeof stateMachine>> {
  const { workflowId, taskQueue, definition, input = {}, name, activities, executionName, memo, activityTaskQueuePrefix } = options;
  return client.workflow.start<typeof stateMachine>(STATE_MACHINE_WORKFLOW, {
    workflowId,
    taskQueue,
    args: [
      {
        definition,
        input,
        ...(name !== undefined ? { name } : {}),
        ...(activities ? { activities: [...activities] } : {}),
        ...(executionName !== undefined ? { executionName } : {}),
        ...(activityTaskQueuePrefix !== undefined ? { activityTaskQueuePrefix } : {}),
      },
    ],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    ...executionTimeout(definition),
    ...(memo ? { memo } : {}),
  });
}

/** Waits for the end of a `stateMachine` workflow and reads it as Step Functions reports an execution. */
export async function executionOutcome(result: Promise<unknown>): Promise<ExecutionOutcome> {
  try {
    return { status: 'SUCCEEDED', output: (await result) ?? null };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const failure = error.cause;
    // Past Temporal's execution timeout (executionTimeout above): Step Functions' TIMED_OUT.
    if (failure instanceof TimeoutFailure) return { status: 'TIMED_OUT' };
    if (failure instanceof ApplicationFailure && Array.isArray(failure.details) && failure.details.length > 0) {
      const { Error: err, Cause: cause } = failure.details[0] as { Error?: string; Cause?: string };
      return { status: 'FAILED', ...(err !== undefined ? { error: err } : {}), ...(cause !== undefined ? { cause } : {}) };
    }
    // Not failed by the interpreter: terminated, cancelled.
    return { status: 'FAILED', error: failure?.name ?? 'States.Runtime', cause: failure?.message ?? error.message };
  }
}

/** The execution's handle and description; undefined for an unknown id or a workflow that is not a state machine. */
async function findExecution(client: Client, id: string) {
  const handle = client.workflow.getHandle(id);
  try {
    const description = await handle.describe();
    return description.type === STATE_MACHINE_WORKFLOW ? { handle, description } : undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** How the execution stands, with its output or error once ended; undefined for an unknown id. */
export async function describeExecution(client: Client, id: string): Promise<ExecutionDescription | undefined> {
  const found = await findExecution(client, id);
  if (!found) return undefined;
  const { handle, description } = found;
  switch (description.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return { id, status: 'RUNNING' };
    case 'COMPLETED':
    case 'FAILED': {
      const { status, ...rest } = await executionOutcome(handle.result());
      return { id, status, ...rest };
    }
    case 'TIMED_OUT':
      return { id, status: 'TIMED_OUT' };
    default:
      return { id, status: 'ABORTED' };
  }
}

/**
 * Stops an execution, as Step Functions' StopExecution does: nothing more of it runs (its child executions end with
 * it), and it reads as ABORTED. Undefined for an unknown id; false when it had already ended.
 */
export async function stopExecution(client: Client, id: string, reason: string): Promise<boolean | undefined> {
  const found = await findExecution(client, id);
  if (!found) return undefined;
  if (found.description.status.name !== 'RUNNING') return false;
  await found.handle.terminate(reason);
  return true;
}

// Answering callback Tasks: open the token (the secret the worker's createTaskTokenActivities seals with), then
// send the signal (or the update) to the execution it names.
export {
  MAX_TASK_TOKEN_CHARS,
  TASK_OUTCOME_SIGNAL,
  TASK_OUTCOME_UPDATE,
  TASK_REFUSAL_QUERY,
  type TaskOutcome,
  type TaskOutcomeUpdate,
  type TaskRefusal,
  WAIT_FOR_TASK_TOKEN,
} from './callbacks';
export { type OpenedTaskToken, TaskTokens } from './task-tokens';
export { activityTaskQueue, SFN_ACTIVITY_TYPE } from './sfn-activities';
