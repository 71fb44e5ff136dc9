/** Example "records": fetch a page of records, process a batch, save the totals. The source is synthetic and deterministic. */
import { ApplicationFailure } from '@temporalio/common';
import type { ObjectStore } from '../../storage/object-store';
import { pathSegment } from '../../storage/keys';

export interface RecordSource {
  /** A name, for where the totals are saved. */
  name: string;
  /** How many records the source holds. */
  total: number;
}

export interface DataRecord {
  id: number;
  value: number;
}

export interface Page {
  records: DataRecord[];
  nextCursor: number;
  hasMore: boolean;
}

/** Record `id` of any source: its value is fixed by its id, so runs can be checked. */
export const recordValue = (id: number) => (id * 37) % 101;

/**
 * The most records one page may hold: every record of a page is built in memory, and a state machine's input
 * (hence a page) is at most 256 KiB anyway; a limit of 1e8 used to take the worker down with out-of-memory.
 */
export const MAX_PAGE_RECORDS = 1000;

export async function fetchRecords({ source, cursor, limit }: { source: RecordSource; cursor: number; limit: number }): Promise<Page> {
  if (!Number.isInteger(source?.total) || source.total < 0)
    throw ApplicationFailure.nonRetryable('source.total must be a whole number', 'InvalidSource');
  if (!Number.isInteger(limit) || limit < 1)
    throw ApplicationFailure.nonRetryable('limit must be a positive whole number', 'InvalidSource');
  if (limit > MAX_PAGE_RECORDS)
    throw ApplicationFailure.nonRetryable(`limit is at most ${MAX_PAGE_RECORDS} records a page, not ${limit}`, 'InvalidSource');
  if (!Number.isInteger(cursor) || cursor < 0)
    throw ApplicationFailure.nonRetryable('cursor must be a non-negative whole number', 'InvalidSource');
  const end = Math.min(source.total, cursor + limit);
  const records = Array.from({ length: Math.max(0, end - cursor) }, (_, i) => ({ id: cursor + i, value: recordValue(cursor + i) }));
  return { records, nextCursor: end, hasMore: end < source.total };
}

export async function processBatch({ records }: { records: DataRecord[] }): Promise<{ count: number; sum: number }> {
  return { count: records.length, sum: records.reduce((sum, r) => sum + r.value, 0) };
}

export const resultsKey = (source: string) => `examples/records/${pathSegment(source)}.json`;

export function createSaveResults(store: ObjectStore) {
  return async function saveResults(input: {
    source: RecordSource;
    processed: number;
    total: number;
  }): Promise<{ key: string; processed: number; total: number }> {
    const key = resultsKey(input.source.name);
    await store.put(key, JSON.stringify({ source: input.source, processed: input.processed, total: input.total }) + '\n');
    return { key, processed: input.processed, total: input.total };
  };
}
