/**
 * The worker container's health check: exit 0 when a worker of this host (`…@hostname`, the SDK's default
 * identity) has polled the task queue lately, 1 otherwise. Run by the Dockerfile's HEALTHCHECK.
 */
import { hostname } from 'node:os';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';

const RECENT_MS = 60_000;
const DEADLINE_MS = 5000;

/** `queue`: the pipeline's (default) or, for `healthcheck state-machines`, the States Language worker's. */
export async function workerIsPolling(host = hostname(), stateMachines = process.argv[2] === 'state-machines'): Promise<boolean> {
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    const { pollers } = await client.connection.withDeadline(Date.now() + DEADLINE_MS, () =>
      client.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: stateMachines ? config.temporal.aslTaskQueue : config.temporal.taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    return pollers.some((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return (poller.identity ?? '').endsWith(`@${host}`) && Date.now() - seconds * 1000 < RECENT_MS;
    });
  } finally {
    await client.connection.close();
  }
}

if (require.main === module) {
  workerIsPolling().then(
    (polling) => {
      if (!polling) console.error('no worker of this host polls the task queue');
      process.exit(polling ? 0 : 1);
    },
    (error: unknown) => {
      console.error(`health check failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
