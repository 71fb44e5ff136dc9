/**
 * Callback Tasks (a Resource ending in `.waitForTaskToken`, whatever the integration): the Task gets a token in
 * `$$.Task.Token`, hands it on (to a Lambda, a queue, …), and waits, durably, until someone answers it with
 * SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat. Pure: names and shapes shared by the workflow, the
 * activity that issues tokens (task-tokens.ts) and the clients that answer them.
 */

/** The suffix that makes any service integration's Task a callback Task. */
export const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';

/** The workflow update that carries a token's answer to the waiting execution (validated there: spent keys refused). */
export const TASK_OUTCOME_UPDATE = 'stepFunctionsTaskOutcome';

/**
 * The signal that carries the same answer: the server stores a signal at once, so an answer sent while no worker
 * runs waits in the history for the next one (an update needs a worker to accept it). Unknown or spent keys are
 * dropped by the workflow, as nobody waits for a reply to a signal.
 */
export const TASK_OUTCOME_SIGNAL = 'stepFunctionsTaskOutcomeSignal';

/**
 * The query that says, before an answer is sent, whether the running execution would refuse it: a TaskRefusal, or
 * null when a callback Task waits for the key. Asked with a short deadline: with no worker to answer, the signal goes
 * anyway (nothing lost), and a refusal is then not known to the caller.
 */
export const TASK_REFUSAL_QUERY = 'stepFunctionsTaskRefusal';

/** The local activity a worker registers (createTaskTokenActivities) to issue a callback Task's token. */
export const ISSUE_TASK_TOKEN_ACTIVITY = 'issueStepFunctionsTaskToken';

/** AWS's bound on a task token (the service model: 1 to 2048 characters). */
export const MAX_TASK_TOKEN_CHARS = 2048;

export type TaskOutcome =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error?: string; cause?: string }
  | { kind: 'heartbeat' };

/** The update's argument: which wait (the token's random key, never the token itself) and its answer. */
export interface TaskOutcomeUpdate {
  key: string;
  outcome: TaskOutcome;
}

/** What the issuing activity answers: the token for `$$.Task.Token` and the key the workflow files the wait under. */
export interface IssuedTaskToken {
  token: string;
  key: string;
}

/** Why an answer was refused, as the Step Functions API names it: never issued here, or no longer waited for. */
export type TaskRefusal = 'TaskDoesNotExist' | 'TaskTimedOut';
