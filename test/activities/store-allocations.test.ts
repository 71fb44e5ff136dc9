import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createObjectStore } from '../../storage/object-store';
import { RunData, runKeys } from '../../storage/run-data';
import { createStoreAllocations, loadAllocation } from '../../activities/store-allocations';
import { DrawSeal } from '../../lib/codec/draw-seal';
import { parseEncryptionKeys } from '../../lib/codec/keys';
import { loadConfig, type StorageConfig } from '../../lib/config';
import type { Pair } from '../../lib/types';

const drawKeys = parseEncryptionKeys(randomBytes(32).toString('base64'), 'SANTA_DRAW_KEY');
const pairsOf = (shift: number): Pair[] => {
  const names = ['Alice', 'Bob', 'Carol'];
  return names.map((giver, i) => ({ giver, recipient: names[(i + 1 + (shift % 2)) % 3] }));
};

/** The store activity as the workflow calls it: the checked draw already written (sealed) under its key. */
function storeActivity(storage: StorageConfig) {
  const data = new RunData(createObjectStore(storage), new DrawSeal(drawKeys));
  const storeAllocations = createStoreAllocations(data);
  let attempt = 0;
  return async ({ runId, pairs }: { runId: string; pairs: Pair[] }) => {
    const drawKey = runKeys.draw(runId, attempt++);
    await data.writeSealed(drawKey, { pairs, avoided: false });
    return storeAllocations({ runId, drawKey, participants: 3 });
  };
}

/** The behaviour both backends share. */
function storesOnce(storage: () => StorageConfig, expectedLocation: (storage: StorageConfig, key: string) => string) {
  const open = (key: string) => loadAllocation({ storage: storage(), drawKeys }, key);

  it('stores a draw sealed, with a personal link secret per giver, and opens it with the draw key only', async () => {
    const runId = `run-${randomUUID()}`;
    const stored = await storeActivity(storage())({ runId, pairs: pairsOf(0) });
    expect(stored).toEqual({ key: `allocations/${runId}.json`, location: expectedLocation(storage(), `allocations/${runId}.json`) });
    const opened = await open(stored.key);
    expect(opened).toEqual({
      runId,
      pairs: pairsOf(0),
      links: {
        Alice: expect.stringMatching(/^[\w-]{22}$/),
        Bob: expect.stringMatching(/^[\w-]{22}$/),
        Carol: expect.stringMatching(/^[\w-]{22}$/),
      },
      participants: 3,
      storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(new Set(Object.values(opened.links)).size).toBe(3);

    // What a reader of the bucket or folder sees: ciphertext, no name.
    const store = createObjectStore(storage());
    const body = (await store.get(stored.key))!;
    store.close();
    expect(JSON.parse(body)).toMatchObject({ sealed: 'santa-sealed/aes-256-gcm', keyId: drawKeys.currentKeyId });
    for (const name of ['Alice', 'Bob', 'Carol']) expect(body).not.toContain(name);
    // Another key opens nothing; nor does the payload key's form of a wrong key.
    const other = parseEncryptionKeys(randomBytes(32).toString('base64'), 'SANTA_DRAW_KEY');
    await expect(loadAllocation({ storage: storage(), drawKeys: other }, stored.key)).rejects.toThrow(/SANTA_DRAW_KEY does not hold/);
    await expect(loadAllocation({ storage: storage(), drawKeys: undefined }, stored.key)).rejects.toThrow(/SANTA_DRAW_KEY/);
  });

  it('never overwrites the draw of a run, even under concurrent retries', async () => {
    const runId = `run-${randomUUID()}`;
    const store = storeActivity(storage());
    const first = await store({ runId, pairs: pairsOf(0) });
    const again = await store({ runId, pairs: pairsOf(1) });
    expect(again).toEqual(first);
    expect((await open(first.key)).pairs).toEqual(pairsOf(0));

    const raced = `run-${randomUUID()}`;
    const results = await Promise.all([0, 1, 0, 1].map((shift) => store({ runId: raced, pairs: pairsOf(shift) })));
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    const kept = await open(results[0].key);
    await store({ runId: raced, pairs: pairsOf(1) });
    expect(await open(results[0].key)).toEqual(kept); // one stable winner
  });

  it('keeps odd run ids inside the allocations folder', async () => {
    const stored = await storeActivity(storage())({ runId: '../escape/x', pairs: pairsOf(0) });
    expect(stored.key).toBe('allocations/%2E.%2Fescape%2Fx.json');
    expect((await open(stored.key)).runId).toBe('../escape/x');
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
    await store({ runId: 'run-1', pairs: pairsOf(0) });
    await store({ runId: 'run-1', pairs: pairsOf(1) });
    expect(await readdir(path.join(localDir, 'allocations'))).toEqual(['run-1.json']);
  });

  it('keeps files readable by their owner only (0600, folders 0700)', async () => {
    await storeActivity(storage())({ runId: 'run-2', pairs: pairsOf(0) });
    expect((await stat(path.join(localDir, 'allocations/run-2.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(localDir, 'allocations'))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(localDir, 'runs/run-2/draws/0.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(localDir, 'runs/run-2/draws'))).mode & 0o777).toBe(0o700);
  });
});

describe('storeAllocations in S3 (MinIO)', () => {
  /** The S3 settings exported by the suite's global setup; missing settings fail the tests rather than skip them. */
  const storage = (): StorageConfig => {
    const config = loadConfig(process.env).storage;
    if (!config.endpoint || !config.bucket) {
      throw new Error(
        'S3_ENDPOINT and S3_BUCKET are not set: the S3 tests need the MinIO started by test/support/global-setup.ts (run `npm test`)',
      );
    }
    return config;
  };

  storesOnce(storage, (s, key) => `s3://${s.bucket}/${key}`);
});
