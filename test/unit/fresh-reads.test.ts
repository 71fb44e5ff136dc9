import { FreshReads } from '../../storage/fresh-reads';

/** A store whose reads are counted and answered when the test says. */
function countedStore() {
  const reads: string[] = [];
  const pending: Array<{ key: string; answer: (value: string) => void; fail: (error: Error) => void }> = [];
  const read = (key: string) =>
    new Promise<string>((answer, fail) => {
      reads.push(key);
      pending.push({ key, answer, fail });
    });
  return { reads, pending, read };
}

it('shares one read between callers while it is fresh, then reads again', async () => {
  let now = 0;
  const store = countedStore();
  const reads = new FreshReads(store.read, { freshForMs: 1000, maxEntries: 10, now: () => now });
  const a = reads.get('m');
  const b = reads.get('m');
  expect(store.reads).toEqual(['m']);
  store.pending[0].answer('v1');
  expect(await a).toBe('v1');
  expect(await b).toBe('v1');
  now = 999;
  expect(await reads.get('m')).toBe('v1');
  expect(store.reads).toEqual(['m']);
  now = 1000;
  const c = reads.get('m');
  expect(store.reads).toEqual(['m', 'm']);
  store.pending[1].answer('v2');
  expect(await c).toBe('v2');
});

it('reads again at once after forget (this process wrote the key)', async () => {
  const store = countedStore();
  const reads = new FreshReads(store.read, { freshForMs: 60_000, maxEntries: 10 });
  const first = reads.get('m');
  store.pending[0].answer('old');
  await first;
  reads.forget('m');
  const second = reads.get('m');
  store.pending[1].answer('new');
  expect(await second).toBe('new');
});

it('keeps no failed read', async () => {
  const store = countedStore();
  const reads = new FreshReads(store.read, { freshForMs: 60_000, maxEntries: 10 });
  const failed = reads.get('m');
  store.pending[0].fail(new Error('store down'));
  await expect(failed).rejects.toThrow('store down');
  const again = reads.get('m');
  expect(store.reads).toEqual(['m', 'm']);
  store.pending[1].answer('v');
  expect(await again).toBe('v');
});

it('keeps at most maxEntries, and nothing past its time', async () => {
  let now = 0;
  const store = countedStore();
  const reads = new FreshReads(store.read, { freshForMs: 1000, maxEntries: 3, now: () => now });
  for (const key of ['a', 'b', 'c', 'd']) reads.get(key);
  expect(reads.size).toBe(3);
  reads.get('a'); // The oldest was forgotten: read again.
  expect(store.reads).toEqual(['a', 'b', 'c', 'd', 'a']);
  now = 5000;
  reads.get('e');
  expect(reads.size).toBe(1);
});

it('with freshForMs 0, reads every time', async () => {
  const store = countedStore();
  const reads = new FreshReads(store.read, { freshForMs: 0, maxEntries: 0 });
  reads.get('m');
  reads.get('m');
  expect(store.reads).toEqual(['m', 'm']);
});
