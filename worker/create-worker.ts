import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDataConverter } from '../lib/codec/data-converter';
import type { Config } from '../lib/config';

export const workflowsPath = require.resolve('../workflows');

/** The worker's composition: one task queue, the Secret Santa workflow and its activities. */
export function createWorker(config: Config, connection: NativeConnection, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath,
    activities: createActivities(config),
    dataConverter: createDataConverter(config.encryption),
    // With eager execution on in the server, up to this many of a task's new activities start here at once.
    maxEagerActivityReservationsPerWorkflowTask: 20,
    ...overrides,
  });
}
