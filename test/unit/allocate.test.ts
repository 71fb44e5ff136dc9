import fc from 'fast-check';
import { allocate } from '../../lib/allocation/allocate';
import { checkAllocation } from '../../lib/allocation/check';
import { NoValidAllocationError } from '../../lib/errors';
import { readParticipants } from '../../lib/participants/validate';
import type { Participant } from '../../lib/types';
import { allowed, failureOf, people, smallCases, someValidDrawExists } from './allocate-cases';

const smallGroup = smallCases(8);
const failure = (participants: Participant[], seed = 1) => failureOf(() => allocate(participants, seed));

describe('allocate', () => {
  it('matches brute force on whether a draw exists, and every draw it makes is valid', () => {
    fc.assert(
      fc.property(smallGroup, ({ participants, seed }) => {
        const possible = someValidDrawExists(participants);
        if (possible) {
          const { pairs } = allocate(participants, seed);
          expect(checkAllocation(participants, pairs)).toEqual([]);
          expect(pairs.map((p) => p.giver)).toEqual(participants.map((p) => p.name));
        } else {
          expect(() => allocate(participants, seed)).toThrow(NoValidAllocationError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('names blockers that really block: people with nobody to pair with, or a set failing Hall', () => {
    fc.assert(
      fc.property(smallGroup, ({ participants: ps, seed }) => {
        fc.pre(ps.length > 0 && !someValidDrawExists(ps));
        const error = failure(ps, seed);
        const blockers = error.blockers.map((name) => ps.findIndex((p) => p.name === name));
        expect(blockers.length).toBeGreaterThan(0);
        expect(blockers).not.toContain(-1);
        const all = ps.map((_, i) => i);
        const recipientsOf = (givers: number[]) => all.filter((j) => givers.some((i) => allowed(ps, i, j)));
        const giversOf = (recipients: number[]) => all.filter((i) => recipients.some((j) => allowed(ps, i, j)));
        const isolated = blockers.every((b) => recipientsOf([b]).length === 0 || giversOf([b]).length === 0);
        const hall = recipientsOf(blockers).length < blockers.length || giversOf(blockers).length < blockers.length;
        expect(isolated || hall).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same draw for the same seed', () => {
    fc.assert(
      fc.property(smallGroup, ({ participants, seed }) => {
        fc.pre(someValidDrawExists(participants));
        expect(allocate(participants, seed)).toEqual(allocate(participants, seed));
      }),
      { numRuns: 300 },
    );
  });

  it('varies with the seed, reaching every possible draw', () => {
    const ps = people({ Ann: {}, Bob: {}, Cy: {}, Di: {} });
    const draws = new Set<string>();
    for (let seed = 0; seed < 500; seed++)
      draws.add(
        allocate(ps, seed)
          .pairs.map((p) => p.recipient)
          .join(),
      );
    expect(draws.size).toBe(9); // the 9 derangements of 4
  });

  it('returns the seed and one pair per giver, in input order', () => {
    const ps = people({ Ann: {}, Bob: {}, Cy: {} });
    const { seed, pairs } = allocate(ps, 77);
    expect(seed).toBe(77);
    expect(pairs.map((p) => p.giver)).toEqual(['Ann', 'Bob', 'Cy']);
  });

  it('finds the one valid draw A→B→C→D→E→A', () => {
    const csv = [
      'A,a@example.com,,C;D;E',
      'B,b@example.com,,A;D;E',
      'C,c@example.com,,A;B;E',
      'D,d@example.com,,A;B;C',
      'E,e@example.com,,B;C;D',
    ].join('\n');
    const participants = readParticipants(csv);
    for (let seed = 0; seed < 20; seed++) {
      expect(allocate(participants, seed).pairs.map((p) => `${p.giver}→${p.recipient}`)).toEqual(['A→B', 'B→C', 'C→D', 'D→E', 'E→A']);
    }
  });

  it('says who cannot give to anyone', () => {
    const error = failure(people({ Ann: { excludes: ['Bob', 'Cy'] }, Bob: {}, Cy: {} }));
    expect(error.message).toBe('No valid draw exists: Ann cannot give to anyone');
    expect(error.blockers).toEqual(['Ann']);
  });

  it('says who nobody may give to', () => {
    const error = failure(people({ Ann: { excludes: ['Zed'] }, Bob: { excludes: ['Zed'] }, Zed: {} }));
    expect(error.message).toBe('No valid draw exists: nobody may give to Zed');
    expect(error.blockers).toEqual(['Zed']);
  });

  it('says when a group of givers has too few people to give to', () => {
    const error = failure(
      people({
        Ann: { excludes: ['Bob', 'Cy'] },
        Bob: { excludes: ['Ann', 'Cy'] },
        Cy: { excludes: ['Ann', 'Bob'] },
        Di: {},
        Ed: {},
      }),
    );
    expect(error.message).toBe('No valid draw exists: Ann, Bob and Cy may only give to Di and Ed: 3 givers for 2 people');
    expect(error.blockers).toEqual(['Ann', 'Bob', 'Cy']);
  });

  it('says when some people have too few possible givers', () => {
    const error = failure(
      people({
        Ann: {},
        Bob: { excludes: ['Yan', 'Zed'] },
        Cy: { excludes: ['Yan', 'Zed'] },
        Yan: { excludes: ['Zed'] },
        Zed: { excludes: ['Yan'] },
      }),
    );
    expect(error.message).toBe('No valid draw exists: only Ann may give to Yan and Zed: 1 giver for 2 people');
    expect(error.blockers).toEqual(['Yan', 'Zed']);
  });

  it('says when one group is more than half of everyone', () => {
    const error = failure(people({ Ann: { group: 'Smith' }, Bob: { group: 'smith' }, Cy: {} }));
    expect(error.message).toBe(
      'No valid draw exists: group "Smith" is more than half of everyone, so Ann and Bob may only give to Cy: 2 givers for 1 person',
    );
    expect(error.blockers).toEqual(['Ann', 'Bob']);
  });

  it('handles the trivial sizes', () => {
    expect(allocate([], 1)).toEqual({ seed: 1, pairs: [] });
    expect(failure(people({ Ann: {} })).message).toBe('No valid draw exists: Ann cannot give to anyone; nobody may give to Ann');
    expect(allocate(people({ Ann: {}, Bob: {} }), 1).pairs).toEqual([
      { giver: 'Ann', recipient: 'Bob' },
      { giver: 'Bob', recipient: 'Ann' },
    ]);
  });

  it('copes with a large group quickly and without deep recursion', () => {
    const n = 20_000;
    const names = Array.from({ length: n }, (_, i) => `Person ${i}`);
    const ps = names.map(
      (name, i): Participant => ({
        line: i + 1,
        name,
        exclusions: [names[(i * 7 + 1) % n], names[(i * 13 + 5) % n]].filter((x) => x !== name),
        ...(i % 3 === 0 ? { group: `family ${i % 1000}` } : {}),
      }),
    );
    const { pairs } = allocate(ps, 123);
    expect(checkAllocation(ps, pairs)).toEqual([]);
  });
});
