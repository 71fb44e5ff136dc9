/**
 * How a notification Map is cut into batches (Step Functions' ItemBatcher) and how many run at once:
 * each batch gets at most `maxConcurrency` messages in flight, and the window of batches keeps the
 * whole Map at most `maxConcurrency` in flight.
 */
export interface BatchPlan {
  ranges: Array<[start: number, end: number]>;
  /** Messages in flight within one batch. */
  perBatch: number;
  /** Batches running at once. */
  batchesAtOnce: number;
}

export function planBatches(items: number, batchSize: number, maxConcurrency: number): BatchPlan {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError(`MaxConcurrency must be a positive integer, got ${maxConcurrency}`);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < items; start += batchSize) ranges.push([start, Math.min(items, start + batchSize)]);
  const perBatch = Math.min(maxConcurrency, batchSize);
  return { ranges, perBatch, batchesAtOnce: Math.max(1, Math.floor(maxConcurrency / perBatch)) };
}
