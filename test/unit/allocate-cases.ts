/** Small random cases and plain brute force, shared by the allocate tests. */
import fc from 'fast-check';
import { NoDrawError } from '../../lib/allocation/explain';
import type { Pair, Participant } from '../../lib/types';

/** The NoDrawError `attempt` throws; fails the test when it throws nothing. */
export function failureOf(attempt: () => unknown): NoDrawError {
  try {
    attempt();
  } catch (error) {
    if (error instanceof NoDrawError) return error;
    throw error;
  }
  throw new Error('expected a NoDrawError');
}

export function people(spec: Record<string, { excludes?: string[]; group?: string }>): Participant[] {
  return Object.entries(spec).map(([name, { excludes = [], group }], i) => ({
    line: i + 1,
    name,
    email: `${name.toLowerCase()}@example.com`,
    exclusions: excludes,
    ...(group ? { group } : {}),
  }));
}

/** May i give to j? Written out plainly, for the brute force. */
export function allowed(ps: Participant[], i: number, j: number, avoid: Pair[] = []): boolean {
  const g = (p: Participant) => p.group?.toLowerCase();
  return (
    i !== j &&
    !ps[i].exclusions.includes(ps[j].name) &&
    !(g(ps[i]) && g(ps[i]) === g(ps[j])) &&
    !avoid.some((p) => p.giver === ps[i].name && p.recipient === ps[j].name)
  );
}

/** Tries every assignment of recipients. */
export function someValidDrawExists(ps: Participant[], avoid: Pair[] = []): boolean {
  const used = new Array<boolean>(ps.length).fill(false);
  const place = (i: number): boolean => {
    if (i === ps.length) return true;
    for (let j = 0; j < ps.length; j++) {
      if (used[j] || !allowed(ps, i, j, avoid)) continue;
      used[j] = true;
      if (place(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return place(0);
}

/** Tries every order of everyone after the first. */
export function someSingleLoopExists(ps: Participant[], avoid: Pair[] = []): boolean {
  const n = ps.length;
  if (n < 2) return n === 0; // nobody: the empty draw will do
  const used = new Array<boolean>(n).fill(false);
  used[0] = true;
  const walk = (from: number, placed: number): boolean => {
    if (placed === n) return allowed(ps, from, 0, avoid);
    for (let j = 1; j < n; j++) {
      if (used[j] || !allowed(ps, from, j, avoid)) continue;
      used[j] = true;
      if (walk(j, placed + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return walk(0, 1);
}

/**
 * Random small groups, up to `max` people, some in groups: each pair excluded with a random
 * density, another one across the circles people fall into (so draws of several loops, but no
 * single loop, come up often too), plus a random draw of last year to avoid.
 */
export function smallCases(max: number) {
  return fc
    .integer({ min: 0, max })
    .chain((n) =>
      fc.record({
        density: fc.integer({ min: 0, max: 8 }),
        crossDensity: fc.integer({ min: 0, max: 20 }),
        circles: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
        rolls: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
        groups: fc.array(fc.constantFrom(undefined, undefined, 'red', 'Blue', 'blue'), { minLength: n, maxLength: n }),
        // Last year's recipient of each person, when they had one (an index, maybe themselves: then none).
        lastYear: fc.array(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { minLength: n, maxLength: n }),
        seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      }),
    )
    .map(({ density, crossDensity, circles, rolls, groups, lastYear, seed }) => {
      const names = rolls.map((_, i) => `P${i}`);
      const participants = names.map(
        (name, i): Participant => ({
          line: i + 1,
          name,
          exclusions: names.filter((_, j) => j !== i && rolls[i][j] < (circles[i] === circles[j] ? density : crossDensity) / 2),
          ...(groups[i] ? { group: groups[i] } : {}),
        }),
      );
      const avoid = lastYear.flatMap((j, i) => (j === i ? [] : [{ giver: names[i], recipient: names[j] }]));
      return { participants, avoid, seed };
    });
}
