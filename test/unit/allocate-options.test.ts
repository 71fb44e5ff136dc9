import fc from 'fast-check';
import { allocate } from '../../lib/allocation/allocate';
import { checkAllocation } from '../../lib/allocation/check';
import { DrawGraph } from '../../lib/allocation/graph';
import { adjacency, searchLoop } from '../../lib/allocation/loop-search';
import { InvalidPreviousDrawError, previousPairs } from '../../lib/allocation/previous';
import { joinIntoOneLoop } from '../../lib/allocation/single-cycle';
import { NoValidAllocationError } from '../../lib/errors';
import { readParticipants } from '../../lib/participants/validate';
import { createRng } from '../../lib/random';
import type { Pair, Participant } from '../../lib/types';
import { failureOf, people, smallCases, someSingleLoopExists, someValidDrawExists } from './allocate-cases';

const cases = smallCases(8);
const oneLoop = { singleCycle: true };

/** Loops of a draw, as lists of names, each starting from its first giver in input order. */
function loops(pairs: Pair[]): string[][] {
  const next = new Map(pairs.map((p) => [p.giver, p.recipient]));
  const seen = new Set<string>();
  const result: string[][] = [];
  for (const { giver } of pairs) {
    if (seen.has(giver)) continue;
    const loop: string[] = [];
    for (let p = giver; !seen.has(p); p = next.get(p)!) {
      seen.add(p);
      loop.push(p);
    }
    result.push(loop);
  }
  return result;
}

/** Everyone may give only inside their own circle: several loops, never one. */
function circles(...sizes: number[]): Participant[] {
  const names = sizes.flatMap((size, c) => Array.from({ length: size }, (_, i) => `C${c}P${i}`));
  const circleOf = (name: string) => name.split('P')[0];
  return names.map((name, i) => ({ line: i + 1, name, exclusions: names.filter((other) => circleOf(other) !== circleOf(name)) }));
}

/** Two triangles joined only through A: A may give to D and D to A, and no one else crosses. */
const bridged = people({
  A: { excludes: ['E', 'F'] },
  B: { excludes: ['D', 'E', 'F'] },
  C: { excludes: ['D', 'E', 'F'] },
  D: { excludes: ['B', 'C'] },
  E: { excludes: ['A', 'B', 'C'] },
  F: { excludes: ['A', 'B', 'C'] },
});

describe('allocate with singleCycle', () => {
  it('matches brute force on whether one loop through everyone exists, and always proves it at this size', () => {
    fc.assert(
      fc.property(cases, ({ participants, seed }) => {
        if (someSingleLoopExists(participants)) {
          const { pairs } = allocate(participants, seed, oneLoop);
          expect(checkAllocation(participants, pairs, oneLoop)).toEqual([]);
          expect(loops(pairs)).toHaveLength(participants.length > 0 ? 1 : 0);
        } else {
          const error = failureOf(() => allocate(participants, seed, oneLoop));
          expect(error.proved).toBe(true);
          // A draw with several loops is told apart from no draw at all.
          const anyDraw = someValidDrawExists(participants);
          expect(error.message.startsWith(anyDraw ? 'No single loop through everyone exists: ' : 'No valid draw exists: ')).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same loop for the same seed', () => {
    fc.assert(
      fc.property(cases, ({ participants, seed }) => {
        fc.pre(someSingleLoopExists(participants));
        expect(allocate(participants, seed, oneLoop)).toEqual(allocate(participants, seed, oneLoop));
      }),
      { numRuns: 200 },
    );
  });

  it('reaches every possible loop across seeds', () => {
    const ps = people({ A: {}, B: {}, C: {}, D: {}, E: {} });
    const seen = new Set<string>();
    for (let seed = 0; seed < 1000; seed++) seen.add(loops(allocate(ps, seed, oneLoop).pairs)[0].join());
    expect(seen.size).toBe(24); // (5 - 1)! loops through 5 people
  });

  it('finds the one loop A→B→C→D→E→A', () => {
    const csv = [
      'A,a@example.com,,C;D;E',
      'B,b@example.com,,A;D;E',
      'C,c@example.com,,A;B;E',
      'D,d@example.com,,A;B;C',
      'E,e@example.com,,B;C;D',
    ];
    const { pairs } = allocate(readParticipants(csv.join('\n')), 9, oneLoop);
    expect(pairs.map((p) => `${p.giver}→${p.recipient}`)).toEqual(['A→B', 'B→C', 'C→D', 'D→E', 'E→A']);
  });

  it('joins the loops of a large draw into one, quickly', () => {
    const n = 20_000;
    const names = Array.from({ length: n }, (_, i) => `Person ${i}`);
    const ps = names.map(
      (name, i): Participant => ({
        line: i + 1,
        name,
        exclusions: i % 20 === 0 ? [names[(i + 1) % n], names[(i + 7) % n]] : [],
        ...(i % 3 === 0 ? { group: `family ${i % 500}` } : {}),
      }),
    );
    const { pairs } = allocate(ps, 4, oneLoop);
    expect(checkAllocation(ps, pairs, oneLoop)).toEqual([]);
  });

  it('names a circle nobody in it may give out of', () => {
    const error = failureOf(() => allocate(circles(2, 4), 1, oneLoop));
    expect(error.message).toBe(
      'No single loop through everyone exists: C0P0 and C0P1 may only give to each other, so a loop through them cannot reach anyone else',
    );
    expect(error.blockers).toEqual(['C0P0', 'C0P1']);
    expect(allocate(circles(2, 4), 1).pairs).toHaveLength(6); // several loops are fine without the option
  });

  it('names the people nobody else may give to', () => {
    const others = { excludes: ['Bob', 'Cy'] };
    const ps = people({ Ann: others, Bob: {}, Cy: {}, Di: others, Ed: others, Fay: others });
    const error = failureOf(() => allocate(ps, 1, oneLoop));
    expect(error.message).toBe(
      'No single loop through everyone exists: nobody else may give to Bob or Cy, so a loop through everyone cannot reach them',
    );
    expect(error.blockers).toEqual(['Bob', 'Cy']);
  });

  it('names the one person every way to a part of the group passes through', () => {
    const error = failureOf(() => allocate(bridged, 1, oneLoop));
    expect(error.message).toBe(
      'No single loop through everyone exists: every way to or from B and C passes through A, so a loop through everyone would ' +
        'have to pass A twice',
    );
    expect(error.blockers).toEqual(['A']);
  });

  // Cy may only give to Di, who must then give to Ann, who must give to Bob: Bob may not give to Cy.
  const noLoop = people({
    Ann: {},
    Bob: { excludes: ['Cy'], group: 'Lee' },
    Cy: { excludes: ['Ann'], group: 'lee' },
    Di: { excludes: ['Bob'] },
  });

  it('says when every loop was tried and none fits', () => {
    const error = failureOf(() => allocate(noLoop, 1, oneLoop));
    expect(error.message).toBe(
      'No single loop through everyone exists: every possible loop breaks an exclusion or a group (all were tried); draws made ' +
        'of several smaller loops do exist',
    );
    expect(error.proved).toBe(true);
  });

  it('says plainly when the search stopped at its limit, unproven', () => {
    const graph = new DrawGraph(noLoop);
    const twoPairs = Int32Array.from([1, 0, 3, 2]);
    const error = failureOf(() => joinIntoOneLoop(graph, twoPairs, createRng(1), 0));
    expect(error.proved).toBe(false);
    expect(error.message).toMatch(
      /^No single loop through everyone was found: the search stopped after \d+ steps without finding one, so one may still exist/,
    );
    expect(searchLoop(graph, adjacency(graph, createRng(1)), createRng(1), 1_000).outcome).toBe('none');
  });
});

describe('allocate with avoid', () => {
  it('never repeats a pair to avoid, and matches brute force on whether a draw exists', () => {
    fc.assert(
      fc.property(cases, ({ participants, avoid, seed }) => {
        if (someValidDrawExists(participants, avoid)) {
          const { pairs } = allocate(participants, seed, { avoid });
          expect(checkAllocation(participants, pairs, { avoid })).toEqual([]);
        } else {
          const error = failureOf(() => allocate(participants, seed, { avoid }));
          // Last year's pairs are blamed exactly when the draw would exist without them.
          expect(error.message.includes("without repeating last year's pairs")).toBe(someValidDrawExists(participants));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('combines with singleCycle', () => {
    fc.assert(
      fc.property(cases, ({ participants, avoid, seed }) => {
        const options = { avoid, singleCycle: true };
        if (someSingleLoopExists(participants, avoid)) {
          expect(checkAllocation(participants, allocate(participants, seed, options).pairs, options)).toEqual([]);
        } else {
          expect(() => allocate(participants, seed, options)).toThrow(NoValidAllocationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("blames last year's pairs when they are what blocks the draw", () => {
    const ps = people({ Ann: {}, Bob: {}, Cy: {} });
    const lastYear = [
      { giver: 'Ann', recipient: 'Bob' },
      { giver: 'Ann', recipient: 'Cy' },
    ];
    const error = failureOf(() => allocate(ps, 1, { avoid: lastYear }));
    expect(error.message).toBe("No valid draw exists without repeating last year's pairs: Ann cannot give to anyone");
  });

  it('gives the reason that holds anyway when the draw is impossible even without avoiding', () => {
    const ps = people({ Ann: { excludes: ['Bob', 'Cy'] }, Bob: {}, Cy: {} });
    const error = failureOf(() => allocate(ps, 1, { avoid: [{ giver: 'Bob', recipient: 'Cy' }] }));
    expect(error.message).toBe('No valid draw exists: Ann cannot give to anyone');
  });

  it('matches names loosely and skips people who are not taking part', () => {
    const ps = people({ Ann: {}, Bob: {}, Cy: {} });
    const avoid = [
      { giver: ' ann ', recipient: 'BOB' },
      { giver: 'Zed', recipient: 'Ann' },
    ];
    for (let seed = 0; seed < 20; seed++) {
      expect(allocate(ps, seed, { avoid }).pairs).toEqual([
        { giver: 'Ann', recipient: 'Cy' },
        { giver: 'Bob', recipient: 'Ann' },
        { giver: 'Cy', recipient: 'Bob' },
      ]);
    }
  });

  it('leaves the draw as it was when there is nothing to avoid', () => {
    const ps = people({ Ann: {}, Bob: {}, Cy: {}, Di: {}, Ed: {} });
    expect(allocate(ps, 5, { avoid: [] })).toEqual(allocate(ps, 5));
    expect(allocate(ps, 5, {})).toEqual(allocate(ps, 5));
  });
});

describe('previousPairs', () => {
  const pairs = [{ giver: 'Ann', recipient: 'Bob' }];

  it('reads a stored draw and the output of santa allocate --json', () => {
    const stored = { runId: 'r1', seed: 3, pairs, participants: 2, storedAt: '2025-12-01T00:00:00.000Z' };
    expect(previousPairs(JSON.stringify(stored))).toEqual(pairs);
    expect(previousPairs({ seed: 3, pairs })).toEqual(pairs);
  });

  it.each([
    ['not json', /it is not JSON/],
    ['{"seed": 1}', /no "pairs" list/],
    ['[]', /no "pairs" list/],
    ['{"pairs": [{"giver": "Ann"}]}', /pairs\[0\] needs a "giver" and a "recipient"/],
  ])('says what is wrong with %s', (text, message) => {
    expect(() => previousPairs(text)).toThrow(InvalidPreviousDrawError);
    expect(() => previousPairs(text)).toThrow(message);
  });
});

describe('reproducible on any machine', () => {
  // Only 32-bit integer arithmetic decides a draw. These must never change, or old seeds stop
  // reproducing old draws.
  const ps = people({
    Ann: { excludes: ['Bob'] },
    Bob: {},
    Cy: { group: 'Lee' },
    Di: { group: 'lee' },
    Ed: {},
    Fay: { excludes: ['Ann', 'Gus'] },
    Gus: {},
    Hal: {},
  });
  const recipients = (options = {}) => allocate(ps, 2028, options).pairs.map((p) => p.recipient);

  it('is pinned', () => {
    expect(recipients()).toEqual(['Cy', 'Ed', 'Fay', 'Gus', 'Hal', 'Di', 'Ann', 'Bob']);
    expect(recipients(oneLoop)).toEqual(['Cy', 'Ed', 'Fay', 'Bob', 'Hal', 'Di', 'Ann', 'Gus']);
    const avoid = [
      { giver: 'Bob', recipient: 'Ann' },
      { giver: 'Ann', recipient: 'Cy' },
    ];
    expect(recipients({ avoid })).toEqual(['Gus', 'Cy', 'Ed', 'Bob', 'Hal', 'Di', 'Ann', 'Fay']);
  });
});
