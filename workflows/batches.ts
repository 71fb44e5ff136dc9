/**
 * How a notification Map is cut into batches (Step Functions' ItemBatcher) and how many run at once:
 * each batch gets at most `perBatch` messages in flight, and the window of batches keeps the whole Map
 * at most `maxConcurrency` in flight.
 */
export interface BatchPlan {
  ranges: Array<[start: number, end: number]>;
  /** Messages in flight within one batch. */
  perBatch: number;
  /** Batches running at once. */
  batchesAtOnce: number;
}

/**
 * Messages one batch keeps in flight at most. Temporal fails a workflow task that comes back after more than
 * 100 events arrived while it ran (the server's buffered-events limit), and the worker then replays the whole
 * history; a batch with fewer messages in flight never gets near it, however busy the worker is. A higher
 * MaxConcurrency runs more batches at once instead (whole batches: MaxConcurrency 30 keeps 20 in flight).
 */
export const MAX_IN_FLIGHT_PER_BATCH = 20;

/** With `perBatchCap` Infinity, the plan of runs started before the cap (their histories replay with it). */
export function planBatches(items: number, batchSize: number, maxConcurrency: number, perBatchCap = MAX_IN_FLIGHT_PER_BATCH): BatchPlan {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)
    throw new RangeError(`MaxConcurrency must be a positive integer, got ${maxConcurrency}`);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < items; start += batchSize) ranges.push([start, Math.min(items, start + batchSize)]);
  const perBatch = Math.min(maxConcurrency, batchSize, perBatchCap);
  return { ranges, perBatch, batchesAtOnce: Math.max(1, Math.floor(maxConcurrency / perBatch)) };
}
