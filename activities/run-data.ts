import type { ObjectStore } from './object-store';
import { pathSegment } from './outbox';

/** Keys of the objects a run keeps while it goes: each step reads its input and writes its output by key. */
export const runKeys = {
  upload: (runId: string) => `runs/${pathSegment(runId)}/participants.csv`,
  parsed: (runId: string) => `runs/${pathSegment(runId)}/parsed.json`,
  participants: (runId: string) => `runs/${pathSegment(runId)}/participants.json`,
  draw: (runId: string, attempt: number) => `runs/${pathSegment(runId)}/draws/${attempt}.json`,
};

/** The stored draw of a run: its claim check, the one object that holds who gives to whom. */
export function allocationKey(runId: string): string {
  return `allocations/${pathSegment(runId)}.json`;
}

const CACHED_OBJECTS = 8;

/**
 * JSON objects of runs. Every object is written once and never changed, so reads are cached:
 * a worker serving many batches of one big run parses its draw once, not once per batch.
 */
export class RunData {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly store: ObjectStore) {}

  /** Writes the object unless the key exists (a retried step keeps the first result). */
  async write(key: string, value: unknown): Promise<void> {
    await this.store.putOnce(key, JSON.stringify(value));
  }

  async read<T>(key: string): Promise<T> {
    let value = this.cache.get(key);
    if (!value) {
      value = this.store.get(key).then((body) => {
        if (body === undefined) throw new Error(`no stored object ${this.store.locate(key)}`);
        return JSON.parse(body) as unknown;
      });
      this.cache.set(key, value);
      value.catch(() => this.cache.delete(key));
      if (this.cache.size > CACHED_OBJECTS) this.cache.delete(this.cache.keys().next().value!);
    }
    return value as Promise<T>;
  }
}

/** Keeps an organiser's file for its run; the run reads it by key. A second upload for the same run keeps the first. */
export async function uploadParticipants(store: ObjectStore, runId: string, csv: string): Promise<string> {
  const key = runKeys.upload(runId);
  await store.putOnce(key, csv);
  return key;
}
