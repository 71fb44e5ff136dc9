import type { DrawSeal } from '../lib/codec/draw-seal';
import type { ObjectStore } from './object-store';
import { pathSegment } from './keys';

/** Keys of the objects a run keeps while it goes: each step reads its input and writes its output by key. */
export const runKeys = {
  upload: (runId: string) => `runs/${pathSegment(runId)}/participants.csv`,
  parsed: (runId: string) => `runs/${pathSegment(runId)}/parsed.json`,
  participants: (runId: string) => `runs/${pathSegment(runId)}/participants.json`,
  draw: (runId: string, attempt: number) => `runs/${pathSegment(runId)}/draws/${attempt}.json`,
  /** The organiser's seed, when given: it travels to the worker here, never through Temporal. */
  seed: (runId: string) => `runs/${pathSegment(runId)}/seed.json`,
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

  /** Without a seal this reads and writes open objects only (the API: it never holds the draw key). */
  constructor(
    readonly store: ObjectStore,
    private readonly seal?: DrawSeal,
  ) {}

  /** The worker's draw key: draws, and whatever else holds who gives to whom, are stored sealed under it. */
  get drawSeal(): DrawSeal {
    if (!this.seal) throw new Error('SANTA_DRAW_KEY is not set: the worker needs the draw key to seal and open draws');
    return this.seal;
  }

  /** Writes the object sealed under the draw key, unless the key exists. */
  async writeSealed(key: string, value: unknown): Promise<void> {
    await this.store.putOnce(key, this.drawSeal.seal(key, value));
  }

  /** Reads and opens a sealed object (cached like the others, in this process only). */
  readSealed<T>(key: string): Promise<T> {
    return this.cached(`sealed:${key}`, async () => this.drawSeal.open<T>(key, await this.body(key)));
  }

  /** Writes the object unless the key exists (a retried step keeps the first result). */
  async write(key: string, value: unknown): Promise<void> {
    await this.store.putOnce(key, JSON.stringify(value));
  }

  read<T>(key: string): Promise<T> {
    return this.cached(key, async () => JSON.parse(await this.body(key)) as T);
  }

  private async body(key: string): Promise<string> {
    const body = await this.store.get(key);
    if (body === undefined) throw new Error(`no stored object ${this.store.locate(key)}`);
    return body;
  }

  private cached<T>(cacheKey: string, load: () => Promise<T>): Promise<T> {
    let value = this.cache.get(cacheKey);
    if (!value) {
      value = load();
      this.cache.set(cacheKey, value);
      value.catch(() => this.cache.delete(cacheKey));
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

/** Keeps the organiser's seed for its run; the worker mixes it with the draw key before it draws. */
export async function keepSeed(store: ObjectStore, runId: string, seed: number): Promise<string> {
  const key = runKeys.seed(runId);
  await store.putOnce(key, JSON.stringify({ seed }));
  return key;
}
