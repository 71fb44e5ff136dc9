import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/**
 * Starts a workflow under its id unless one already runs or ran under it: true when this call started it. Idempotency
 * keys race here (two requests with one key): the first start wins, and the others find its run by the same id.
 */
export async function startOnce<W extends Workflow>(
  client: Client,
  workflow: W,
  options: Pick<WorkflowStartOptions<W>, 'workflowId' | 'taskQueue' | 'args'>,
): Promise<boolean> {
  try {
    await client.workflow.start(workflow, {
      ...options,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    } as WorkflowStartOptions<W>);
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
