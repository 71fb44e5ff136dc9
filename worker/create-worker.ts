import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createStateMachineActivities } from '../activities';
import { createDataConverter } from '../lib/codec/data-converter';
import type { Config } from '../lib/config';
import { workflowsPath as stateMachineWorkflowsPath } from 'states-language-temporal/worker';
import { bundlerOptions } from './workflow-bundle';

export const workflowsPath = require.resolve('../workflows');

/** The pipeline's worker: its task queue, the Secret Santa workflows and their activities. */
export function createWorker(config: Config, connection: NativeConnection, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath,
    bundlerOptions,
    activities: createActivities(config),
    dataConverter: createDataConverter(config.encryption),
    // With eager execution on in the server, up to this many of a task's new activities start here at once.
    maxEagerActivityReservationsPerWorkflowTask: 20,
    ...overrides,
  });
}

/**
 * The States Language worker: a queue of its own (TEMPORAL_ASL_TASK_QUEUE), the `stateMachine` workflow and only the
 * activities registered for state machines, in a process of its own, so a runaway definition slows state machines,
 * never the draws.
 */
export function createStateMachineWorker(
  config: Config,
  connection: NativeConnection,
  overrides: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.aslTaskQueue,
    // The runtime's workflow alone: this worker runs no Secret Santa workflow.
    workflowsPath: stateMachineWorkflowsPath,
    bundlerOptions,
    activities: createStateMachineActivities(config),
    dataConverter: createDataConverter(config.encryption),
    ...overrides,
  });
}
