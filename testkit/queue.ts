/** Counting the workflow runs on a test's own task queue: how tests show that a request started nothing. */
import type { Client } from '@temporalio/client';
import { until } from './until';

export async function runsOnQueue(client: Client, taskQueue: string): Promise<number> {
  return (await client.workflow.count(`TaskQueue = "${taskQueue}"`)).count;
}

/**
 * Waits (polling, with a deadline) until visibility shows at least `count` runs on the queue, and
 * returns how many it shows: started runs reach visibility a moment after their start.
 */
export async function waitForRunsOnQueue(client: Client, taskQueue: string, count: number, timeoutMs = 20_000): Promise<number> {
  let seen = 0;
  const enough = async () => {
    seen = await runsOnQueue(client, taskQueue);
    return seen >= count ? seen : undefined;
  };
  // Out of time, it answers what it saw: the test's expect then shows the count.
  return until(`${count} runs on ${taskQueue}`, enough, timeoutMs).catch(() => seen);
}
