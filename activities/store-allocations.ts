import { DrawSeal, newLinkToken } from '../lib/codec/draw-seal';
import type { Config } from '../lib/config';
import type { Pair } from '../lib/types';
import type { SealedDraw } from './allocate';
import { createObjectStore } from '../storage/object-store';
import { allocationKey, type RunData } from '../storage/run-data';

export { allocationKey } from '../storage/run-data';

/**
 * What is stored for one run, sealed under the draw key: the draw, kept so a run's messages can be resent, and each
 * giver's personal link secret (the link to the page that shows them, and only them, whom they give to).
 */
export interface StoredAllocation {
  runId: string;
  pairs: Pair[];
  /** Giver's name → their link's secret (128 random bits). */
  links: Record<string, string>;
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

/** Activity storing a run's draw once, sealed: a retry, or a second call for the same run, keeps the first one. */
export function createStoreAllocations(data: RunData) {
  return async function storeAllocations({ runId, drawKey, participants }: StoreAllocationsInput): Promise<StoredLocation> {
    const { pairs } = await data.readSealed<SealedDraw>(drawKey);
    const key = allocationKey(runId);
    const links = Object.fromEntries(pairs.map(({ giver }) => [giver, newLinkToken()]));
    const record: StoredAllocation = { runId, pairs, links, participants, storedAt: new Date().toISOString() };
    await data.writeSealed(key, record);
    return { key, location: data.store.locate(key) };
  };
}

/** Reads back and opens what `storeAllocations` stored under `key`: for whoever holds the draw key (tests, audits). */
export async function loadAllocation(config: Pick<Config, 'storage' | 'drawKeys'>, key: string): Promise<StoredAllocation> {
  if (!config.drawKeys) throw new Error('SANTA_DRAW_KEY is needed to open a stored draw');
  const store = createObjectStore(config.storage);
  try {
    const body = await store.get(key);
    if (body === undefined) throw new Error(`no stored allocation ${store.locate(key)}`);
    return new DrawSeal(config.drawKeys).open<StoredAllocation>(key, body);
  } finally {
    store.close();
  }
}
