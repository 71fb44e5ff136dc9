/** Step Functions' error names and the `{Error, Cause}` failure every state reports. */

export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ParameterPathFailure: 'States.ParameterPathFailure',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  BranchFailed: 'States.BranchFailed',
  ItemReaderFailed: 'States.ItemReaderFailed',
  Permissions: 'States.Permissions',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/** A failure as Step Functions reports it. A Fail state may leave both out. */
export interface ErrorOutput {
  Error?: string;
  Cause?: string;
}

/** Thrown inside the interpreter: a named error that Retry and Catch can match. */
export class StatesError extends Error {
  constructor(
    readonly error: string | undefined,
    override readonly cause: string | undefined,
  ) {
    super(cause ?? error ?? 'failed');
    this.name = 'StatesError';
  }

  get output(): ErrorOutput {
    const out: ErrorOutput = {};
    if (this.error !== undefined) out.Error = this.error;
    if (this.cause !== undefined) out.Cause = this.cause;
    return out;
  }
}

export const runtimeError = (cause: string) => new StatesError(StatesErrors.Runtime, cause);

/** Errors that no Retry or Catch may handle: they always fail the execution (as in AWS). */
const UNCATCHABLE = new Set<string>([StatesErrors.Runtime, StatesErrors.DataLimitExceeded]);

/**
 * Whether an `ErrorEquals` entry matches an error name: States.ALL matches any catchable error,
 * States.TaskFailed any but a timeout, States.Timeout also a heartbeat timeout.
 */
export function errorMatches(pattern: string, error: string | undefined): boolean {
  if (error !== undefined && UNCATCHABLE.has(error)) return false;
  if (pattern === StatesErrors.ALL) return true;
  if (pattern === error) return true;
  if (pattern === StatesErrors.TaskFailed) return error !== StatesErrors.Timeout && error !== StatesErrors.HeartbeatTimeout;
  if (pattern === StatesErrors.Timeout) return error === StatesErrors.HeartbeatTimeout;
  return false;
}

/** The cause text of anything thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error of a task that ran past TimeoutSeconds or HeartbeatSeconds, the same from every host. */
export function taskTimeout(kind: 'timeout' | 'heartbeat', seconds: number): StatesError {
  return kind === 'timeout'
    ? new StatesError(StatesErrors.Timeout, `Task timed out after ${seconds} seconds`)
    : new StatesError(StatesErrors.HeartbeatTimeout, `Task missed its heartbeat: none for ${seconds} seconds`);
}
