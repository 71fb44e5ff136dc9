/**
 * For a worker that hosts the runtime: the path of the workflow module to bundle (Worker.create's `workflowsPath`).
 * Register `loadStateMachine` (./activities) beside the activities your definitions' Tasks call.
 */
export const workflowsPath = require.resolve('./workflow');
