import { createObjectStore } from '../../activities/object-store';
import type { StoredAllocation } from '../../activities/store-allocations';
import { DrawSeal, isSealed } from '../../lib/codec/draw-seal';
import type { Config } from '../../lib/config';

/** A run's stored draw as the worker's key opens it: the truth tests check the service against. */
export async function openStoredDraw(config: Pick<Config, 'storage' | 'drawKeys'>, key: string): Promise<StoredAllocation> {
  const store = createObjectStore(config.storage);
  try {
    const body = await store.get(key);
    if (body === undefined) throw new Error(`no stored draw ${store.locate(key)}`);
    const parsed = JSON.parse(body) as unknown;
    return isSealed(parsed) ? new DrawSeal(config.drawKeys!).open<StoredAllocation>(key, body) : (parsed as StoredAllocation);
  } finally {
    store.close();
  }
}
