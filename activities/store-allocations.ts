import type { StorageConfig } from '../lib/config';
import type { Allocation, Pair } from '../lib/types';
import { createObjectStore } from './object-store';
import { allocationKey, type RunData } from './run-data';

export { allocationKey } from './run-data';

/** What is stored for one run: the draw is kept so a run can be audited or its messages resent. */
export interface StoredAllocation {
  runId: string;
  seed: number;
  pairs: Pair[];
  participants: number;
  storedAt: string;
}

export interface StoreAllocationsInput {
  runId: string;
  /** The checked draw. */
  drawKey: string;
  participants: number;
}

export interface StoredLocation {
  /** `allocations/<runId>.json`, the same in a bucket and in the local folder. */
  key: string;
  /** `s3://bucket/key` or the absolute file path. */
  location: string;
}

/** Activity storing a run's draw once: a retry, or a second call for the same run, keeps the first one. */
export function createStoreAllocations(data: RunData) {
  return async function storeAllocations({ runId, drawKey, participants }: StoreAllocationsInput): Promise<StoredLocation> {
    const { seed, pairs } = await data.read<Allocation>(drawKey);
    const key = allocationKey(runId);
    const record: StoredAllocation = { runId, seed, pairs, participants, storedAt: new Date().toISOString() };
    await data.write(key, record);
    return { key, location: data.store.locate(key) };
  };
}

/** Reads back what `storeAllocations` stored under `key`. */
export async function loadAllocation(storage: StorageConfig, key: string): Promise<StoredAllocation> {
  const store = createObjectStore(storage);
  try {
    const body = await store.get(key);
    if (body === undefined) throw new Error(`no stored allocation ${store.locate(key)}`);
    return JSON.parse(body) as StoredAllocation;
  } finally {
    store.close();
  }
}
