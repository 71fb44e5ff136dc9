/**
 * Settings every Temporal dev server of the project starts with (npm start, the tests, the bench):
 * activities scheduled by a workflow task go straight back to the worker that completed it, skipping a
 * round trip through the task queue (off by default in the server).
 */
export const DEV_SERVER_ARGS = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];
