/**
 * The workflow side: what a worker bundles (`workflowsPath: require.resolve('states-language-temporal/workflow')`,
 * or re-exported from the worker's own workflows file). Deterministic code only.
 */
export { CONTINUE_AFTER_EVENTS, INLINE_MACHINE, type Resume, type StateMachineInput, stateMachine } from './temporal/state-machine';
