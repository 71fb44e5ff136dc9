/**
 * states-language-temporal: Amazon States Language definitions, run unchanged on Temporal.
 * This entry point is the pure part (no Temporal): the checker, the interpreter with its host interface, the States
 * errors and the quotas. The Temporal binding is in `./workflow` (the workflow), `./activities` (loadStateMachine)
 * and `./client` (start, read and stop executions).
 */
export { type CheckOptions, checkDefinition, type Problem } from './checker';
export { describeError, type ErrorOutput, errorMatches, StatesError, StatesErrors } from './errors';
export { executionArn, executionContext, stateMachineArn } from './executions';
export {
  type Branch,
  type BranchOutcomes,
  type ChildExecutionRequest,
  type ChildMachineRequest,
  type Definition,
  type ExecutionContext,
  type ExecutionHost,
  type KeptBranches,
  type QueryLanguage,
  type ResumePoint,
  type RunOptions,
  runExecution,
  type StateDefinition,
  type TaskOptions,
} from './interpreter';
export { Cancellation, ExecutionCancelled } from './cancellation';
export { backoffSeconds, firstMatch, type Retrier } from './retry';
export { INTEGRATION_ACTIVITIES } from './integrations/catalog';
export {
  MAX_ASSIGN_BYTES,
  MAX_DATA_DEPTH,
  MAX_DEFINITION_DEPTH,
  MAX_PAYLOAD_BYTES,
  MAX_RETRY_DELAY_SECONDS,
  MAX_SECONDS,
  MAX_VARIABLES_BYTES,
} from './quotas';
