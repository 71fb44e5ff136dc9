/**
 * The States Language worker's workflows in the asl bench: the product's, plus the floor of the 5,000-page loop,
 * `recordsLoop`: the same activities as examples/state-machines/records.asl.json (fetchRecords, processBatch,
 * then saveResults), with the same activity options as the interpreter's Tasks and the same continue-as-new
 * threshold, written by hand. What it does not do is everything the interpreter adds: the Pass and Choice states,
 * JSONPath and intrinsics, the 256 KiB checks, the carried state, the breaths.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DataRecord, Page, RecordSource } from '../activities/examples/records';
import { CONTINUE_AFTER_EVENTS } from 'states-language-temporal/workflow';

export * from '../workflows';

// As workflows/asl/host.ts proxies a Task without TimeoutSeconds: Step Functions' default timeout, one attempt.
const { fetchRecords, processBatch, saveResults } = proxyActivities<{
  fetchRecords(input: { source: RecordSource; cursor: number; limit: number }): Promise<Page>;
  processBatch(input: { records: DataRecord[] }): Promise<{ count: number; sum: number }>;
  saveResults(input: {
    source: RecordSource;
    processed: number;
    total: number;
  }): Promise<{ key: string; processed: number; total: number }>;
}>({ startToCloseTimeout: '99999999 seconds', retry: { maximumAttempts: 1 } });

export interface RecordsLoopInput {
  source: RecordSource;
  pageSize: number;
  cursor?: number;
  processed?: number;
  total?: number;
}

/** Fetch a page, process it, add up, while there is more; a new run before CONTINUE_AFTER_EVENTS events, as the interpreter does. */
export async function recordsLoop(input: RecordsLoopInput): Promise<{ key: string; processed: number; total: number }> {
  const { source, pageSize } = input;
  let { cursor = 0, processed = 0, total = 0 } = input;
  for (;;) {
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (historyLength >= CONTINUE_AFTER_EVENTS || continueAsNewSuggested)
      await continueAsNew<typeof recordsLoop>({ source, pageSize, cursor, processed, total });
    const page = await fetchRecords({ source, cursor, limit: pageSize });
    const batch = await processBatch({ records: page.records });
    processed += batch.count;
    total += batch.sum;
    cursor = page.nextCursor;
    if (!page.hasMore) return saveResults({ source, processed, total });
  }
}
