/** Counting the workflow runs on a test's own task queue: how tests show that a request started nothing. */
import type { Client } from '@temporalio/client';

export async function runsOnQueue(client: Client, taskQueue: string): Promise<number> {
  return (await client.workflow.count(`TaskQueue = "${taskQueue}"`)).count;
}

/**
 * Waits (polling, with a deadline) until visibility shows at least `count` runs on the queue, and
 * returns how many it shows: started runs reach visibility a moment after their start.
 */
export async function waitForRunsOnQueue(client: Client, taskQueue: string, count: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await runsOnQueue(client, taskQueue);
    if (seen >= count || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
