/**
 * The hostile-definition corpus (test/asl/hostile/corpus.ts) on the interpreter alone, with the virtual clock:
 * each case is refused by the checker at its paths, or ends as expected (the right States error, or its output),
 * within 2 s of wall time, without growing the heap or the process's peak memory by much. Before the quotas,
 * most of them hung, took gigabytes, or threw out of the interpreter (`tsx test/asl/hostile/run-isolated.ts`
 * shows what each does, every case in a process of its own).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkDefinition } from '../src/checker';
import { compileExpression } from '../src/jsonata';
import { HOSTILE_CASES, type HostileCase } from './hostile/corpus';
import { runCase } from './hostile/run-case';

const MAX_WALL_MS = 2000;
/** Heap kept after the case, once collected: nothing it built may stay (a cache without bounds would). */
const MAX_RETAINED_BYTES = 32 * 2 ** 20;
/** The process's peak resident memory may grow this much at most while a case runs. */
const MAX_PEAK_GROWTH_BYTES = 256 * 2 ** 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

it('has a corpus of at least 20 hostile definitions, each named once', () => {
  expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(20);
  expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
});

describe.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c: HostileCase) => {
  it('ends as expected, in bounded time and memory', async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const peakBefore = peakRss();
    const started = performance.now();
    const result = await runCase(c);
    const wallMs = performance.now() - started;

    if ('problems' in c.expect) {
      expect('problems' in result && result.problems).toEqual(expect.arrayContaining(c.expect.problems));
    } else if ('error' in c.expect) {
      expect(result).toMatchObject({ status: 'FAILED', error: c.expect.error });
      if (c.expect.causeContains) expect((result as { cause?: string }).cause).toContain(c.expect.causeContains);
    } else {
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: c.expect.output });
    }
    if (c.maxVirtualSeconds !== undefined)
      expect((result as { elapsedMs: number }).elapsedMs).toBeLessThanOrEqual(c.maxVirtualSeconds * 1000);

    expect(wallMs).toBeLessThan(MAX_WALL_MS);
    expect(peakRss() - peakBefore).toBeLessThan(MAX_PEAK_GROWTH_BYTES);
    gc();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(MAX_RETAINED_BYTES);
  });
});

it('leaves nothing in the compiled-expression cache when the checker refuses a definition', () => {
  const before = { bytes: compileExpression.bytes, size: compileExpression.size };
  for (const c of HOSTILE_CASES.filter((h) => 'problems' in h.expect)) expect(checkDefinition(c.definition).length).toBeGreaterThan(0);
  // A valid 900 KB expression, checked (as at PUT) inside a definition refused for another reason.
  const big = `{% "${'x'.repeat(900 * 1024)}" %}`;
  expect(
    checkDefinition({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: big, Next: 'Nowhere' } } }),
  ).toEqual([{ path: '$.States.A.Next', message: "names no state in this scope: 'Nowhere'" }]);
  expect({ bytes: compileExpression.bytes, size: compileExpression.size }).toEqual(before);
});
