import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createObjectStore } from '../../activities/object-store';
import { RunData, runKeys } from '../../activities/run-data';
import { createStoreAllocations, loadAllocation } from '../../activities/store-allocations';
import { loadConfig, type StorageConfig } from '../../lib/config';
import type { Allocation } from '../../lib/types';

const draw = (seed: number): Allocation => ({
  seed,
  pairs: [
    { giver: 'Alice', recipient: 'Bob' },
    { giver: 'Bob', recipient: 'Carol' },
    { giver: 'Carol', recipient: 'Alice' },
  ],
});

/** The store activity as the workflow calls it: the checked draw already written under its key. */
function storeActivity(storage: StorageConfig) {
  const data = new RunData(createObjectStore(storage));
  const storeAllocations = createStoreAllocations(data);
  return async ({ runId, allocation }: { runId: string; allocation: Allocation }) => {
    const drawKey = runKeys.draw(runId, allocation.seed);
    await data.write(drawKey, allocation);
    return storeAllocations({ runId, drawKey, participants: 3 });
  };
}

/** The behaviour both backends share. */
function storesOnce(storage: () => StorageConfig, expectedLocation: (storage: StorageConfig, key: string) => string) {
  it('stores a draw and reads it back', async () => {
    const runId = `run-${randomUUID()}`;
    const stored = await storeActivity(storage())({ runId, allocation: draw(42) });
    expect(stored).toEqual({ key: `allocations/${runId}.json`, location: expectedLocation(storage(), `allocations/${runId}.json`) });
    expect(await loadAllocation(storage(), stored.key)).toEqual({
      runId,
      seed: 42,
      pairs: draw(42).pairs,
      participants: 3,
      storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('never overwrites the draw of a run, even under concurrent retries', async () => {
    const runId = `run-${randomUUID()}`;
    const store = storeActivity(storage());
    const first = await store({ runId, allocation: draw(1) });
    const again = await store({ runId, allocation: draw(2) });
    expect(again).toEqual(first);
    expect((await loadAllocation(storage(), first.key)).seed).toBe(1);

    const raced = `run-${randomUUID()}`;
    const results = await Promise.all([10, 11, 12, 13, 14].map((seed) => store({ runId: raced, allocation: draw(seed) })));
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    const kept = await loadAllocation(storage(), results[0].key);
    expect([10, 11, 12, 13, 14]).toContain(kept.seed);
    await store({ runId: raced, allocation: draw(99) });
    expect(await loadAllocation(storage(), results[0].key)).toEqual(kept); // one stable winner
  });

  it('keeps odd run ids inside the allocations folder', async () => {
    const stored = await storeActivity(storage())({ runId: '../escape/x', allocation: draw(3) });
    expect(stored.key).toBe('allocations/%2E.%2Fescape%2Fx.json');
    expect((await loadAllocation(storage(), stored.key)).runId).toBe('../escape/x');
  });
}

describe('storeAllocations in a local folder', () => {
  let localDir = '';
  const storage = (): StorageConfig => ({ forcePathStyle: false, region: 'us-east-1', localDir });
  beforeEach(async () => {
    localDir = await mkdtemp(path.join(tmpdir(), 'santa-store-'));
  });
  afterEach(() => rm(localDir, { recursive: true, force: true }));

  storesOnce(storage, (s, key) => path.join(s.localDir, key));

  it('leaves no temporary files behind', async () => {
    const store = storeActivity(storage());
    await store({ runId: 'run-1', allocation: draw(1) });
    await store({ runId: 'run-1', allocation: draw(2) });
    expect(await readdir(path.join(localDir, 'allocations'))).toEqual(['run-1.json']);
  });
});

describe('storeAllocations in S3 (MinIO)', () => {
  /** The S3 settings exported by the suite's global setup; missing settings fail the tests rather than skip them. */
  const storage = (): StorageConfig => {
    const config = loadConfig(process.env).storage;
    if (!config.endpoint || !config.bucket) {
      throw new Error('S3_ENDPOINT and S3_BUCKET are not set: the S3 tests need the MinIO started by test/support/global-setup.ts (run `npm test`)');
    }
    return config;
  };

  storesOnce(storage, (s, key) => `s3://${s.bucket}/${key}`);
});
