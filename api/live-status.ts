import type { Client } from '@temporalio/client';
import { batchStatusQuery, progressQuery, statusQuery } from '../workflows';
import { type BatchReport, type RunStatus, withRunningBatches } from '../workflows/status';

/**
 * A running run's status with the messages of its batches under way counted too: the run's own query counts a
 * batch only once it ends (500 messages at a time by default). A batch that cannot be read yet (just started,
 * or its worker busy) counts nothing until the next read. Runs from before the progress query answer their status.
 */
export async function readLiveStatus(client: Client, workflowId: string): Promise<RunStatus> {
  const handle = client.workflow.getHandle(workflowId);
  const progress = await handle.query(progressQuery).catch(() => undefined);
  if (!progress) return handle.query(statusQuery);
  const reports = await Promise.all(
    progress.running.map(
      async ({ workflowId: id }) =>
        [
          id,
          await client.workflow
            .getHandle(id)
            .query(batchStatusQuery)
            .catch(() => undefined),
        ] as const,
    ),
  );
  return withRunningBatches(progress, new Map(reports.filter((entry): entry is readonly [string, BatchReport] => entry[1] !== undefined)));
}
