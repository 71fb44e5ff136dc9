/** The table of names' first rows (lib/participants/first-rows.ts) answers as a Map would, even for keys made to collide. */
import fc from 'fast-check';
import { FirstRows } from '../../lib/participants/first-rows';

/** The first row of each key and the answer to each lookup, through a Map: what FirstRows must agree with. */
function expected(keys: string[], lookups: string[]) {
  const first = new Map<string, number>();
  const added = keys.map((key, row) => {
    if (!first.has(key)) first.set(key, row);
    return first.get(key)!;
  });
  return { added, found: lookups.map((key) => first.get(key) ?? -1) };
}

function answers(table: FirstRows, keys: string[], lookups: string[]) {
  return { added: keys.map((_, row) => table.add(row)), found: lookups.map((key) => table.get(key)) };
}

/** Every key hashes alike: what a file crafted against the hash would make of it. */
class Colliding extends FirstRows {
  protected override hash(): number {
    return 0;
  }
}

describe('FirstRows', () => {
  it('finds the first row of every key, as a Map does', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', 'Z'), maxLength: 4 });
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), fc.array(key, { maxLength: 20 }), (keys, lookups) => {
        expect(answers(new FirstRows(keys), keys, lookups)).toEqual(expected(keys, lookups));
      }),
      { numRuns: 1000 },
    );
  });

  it('keys made to collide cost a bounded number of probes each, and answer the same', () => {
    const keys = Array.from({ length: 4_000 }, (_, i) => `person ${i % 3_000}`);
    const lookups = ['person 7', 'person 2999', 'nobody'];
    // Without the bound, every key probes past all the keys before it: a quadratic file.
    const unbounded = new Colliding(keys, Number.POSITIVE_INFINITY);
    expect(answers(unbounded, keys, lookups)).toEqual(expected(keys, lookups));
    expect(unbounded.probes).toBeGreaterThan(keys.length * 1_000);
    const bounded = new Colliding(keys);
    expect(answers(bounded, keys, lookups)).toEqual(expected(keys, lookups));
    expect(bounded.probes).toBeLessThanOrEqual(64 * keys.length);
  });
});
