import type { Client, WorkflowHandle } from '@temporalio/client';
import { AllocationRuns, newRunId, type StartOptions } from '../api/allocation-runs';
import type { Config } from '../lib/config';
import { createObjectStore } from '../storage/object-store';
import type { secretSanta } from '../workflows';

export type RunRequest = Omit<StartOptions, 'idempotencyKey'> & {
  csv: string;
  /** Skips the API's checks of the file and the draw, so that a file the API refuses reaches the workflow's own checks. */
  unchecked?: boolean;
};

/**
 * Starts a run the API's way (AllocationRuns: its checks, then the file and seed uploaded, then the workflow),
 * without HTTP, under `workflowId` when given (the recorders name their runs).
 */
export async function startRun(
  client: Client,
  config: Config,
  { csv, unchecked, ...options }: RunRequest,
  workflowId = newRunId(),
): Promise<WorkflowHandle<typeof secretSanta>> {
  const store = createObjectStore(config.storage);
  try {
    const runs = new AllocationRuns(client, config.temporal, store);
    if (!unchecked) await runs.check(csv, options);
    const { id } = await runs.launch(workflowId, csv, options);
    return client.workflow.getHandle<typeof secretSanta>(id);
  } finally {
    store.close();
  }
}
