import fc from 'fast-check';
import { checkAllocation } from '../../lib/allocation/check';
import type { Pair, Participant } from '../../lib/types';

const ps: Participant[] = [
  { line: 1, name: 'Alice', exclusions: ['Bob'], group: 'Smith' },
  { line: 2, name: 'Bob', exclusions: [] },
  { line: 3, name: 'Carol', exclusions: [], group: 'smith' },
  { line: 4, name: 'Dave', exclusions: [] },
];
const pairs = (...list: string[]): Pair[] =>
  list.map((s) => {
    const [giver, recipient] = s.split('>');
    return { giver, recipient };
  });

/** No violation may reveal a pair: a recipient's name never appears in the message about its giver. */
function expectNoPairRevealed(violations: string[], draw: Pair[]) {
  for (const v of violations) {
    for (const { giver, recipient } of draw) {
      if (giver !== recipient) expect(v.includes(giver) && v.includes(recipient)).toBe(false);
    }
  }
}

describe('checkAllocation', () => {
  it('accepts a valid draw', () => {
    expect(checkAllocation(ps, pairs('Alice>Dave', 'Bob>Alice', 'Carol>Bob', 'Dave>Carol'))).toEqual([]);
  });

  it('matches names ignoring case and spacing', () => {
    expect(checkAllocation(ps, pairs('alice>DAVE', 'Bob >Alice', 'Carol>bob', ' Dave>Carol'))).toEqual([]);
  });

  it('detects a self-draw without naming the giver', () => {
    expect(checkAllocation(ps, pairs('Alice>Dave', 'Dave>Alice', 'Bob>Bob', 'Carol>Carol'))).toEqual(['2 givers drew themselves']);
    const three = ps.slice(1, 4);
    expect(checkAllocation(three, pairs('Bob>Bob', 'Carol>Dave', 'Dave>Carol'))).toEqual(['1 giver drew themselves']);
  });

  it('detects an excluded recipient, naming only the giver', () => {
    const draw = pairs('Alice>Bob', 'Bob>Carol', 'Carol>Dave', 'Dave>Alice');
    const violations = checkAllocation(ps, draw);
    expect(violations).toEqual(['a giver drew someone they exclude (giver Alice)']);
    expectNoPairRevealed(violations, draw);
  });

  it('detects a draw inside a group, naming only the giver', () => {
    const draw = pairs('Alice>Carol', 'Bob>Alice', 'Carol>Dave', 'Dave>Bob');
    const violations = checkAllocation(ps, draw);
    expect(violations).toEqual(['a giver drew someone of their own group (giver Alice)']);
    expectNoPairRevealed(violations, draw);
  });

  it('detects people drawn twice, never drawn, giving twice or not at all', () => {
    const draw = pairs('Alice>Dave', 'Bob>Dave', 'Bob>Alice', 'Carol>Bob');
    const violations = checkAllocation(ps, draw);
    expect(violations).toEqual(['Bob gives 2 times', 'nobody drew Carol', 'Dave gives to nobody', 'Dave was drawn by 2 givers']);
    expectNoPairRevealed(violations, draw);
  });

  it('detects unknown names, without revealing the name drawn', () => {
    const draw = pairs('Alice>Dave', 'Bob>Alicia', 'Carol>Bob', 'Dave>Carol', 'Zed>Alice');
    const violations = checkAllocation(ps, draw);
    expect(violations).toEqual(['a giver drew a name that is not a participant (giver Bob)', 'a giver is not a participant ("Zed")']);
    expect(violations.join()).not.toContain('Alicia');
  });

  it('counts repeats of a draw to avoid, naming nobody', () => {
    const draw = pairs('Alice>Dave', 'Bob>Alice', 'Carol>Bob', 'Dave>Carol');
    expect(checkAllocation(ps, draw, { avoid: pairs('Alice>Bob', 'Bob>Carol') })).toEqual([]);
    const violations = checkAllocation(ps, draw, { avoid: pairs('alice>DAVE', 'Bob>Alice', 'Zed>Alice') });
    expect(violations).toEqual(['2 givers drew the same people as in the draw to avoid']);
    expectNoPairRevealed(violations, draw);
  });

  it('counts the loops of a draw that must be one loop', () => {
    const oneLoop = pairs('Alice>Dave', 'Bob>Alice', 'Carol>Bob', 'Dave>Carol');
    expect(checkAllocation(ps, oneLoop, { singleCycle: true })).toEqual([]);
    const three = ps.filter((p) => p.name !== 'Alice');
    expect(checkAllocation(three, pairs('Bob>Carol', 'Carol>Dave', 'Dave>Bob'), { singleCycle: true })).toEqual([]);
    const four: Participant[] = ['A', 'B', 'C', 'D'].map((name, i) => ({ line: i + 1, name, exclusions: [] }));
    expect(checkAllocation(four, pairs('A>B', 'B>A', 'C>D', 'D>C'), { singleCycle: true })).toEqual([
      'the draw is 2 separate loops, not one loop through everyone',
    ]);
    expect(checkAllocation(four, pairs('A>B', 'B>A', 'C>D', 'D>C'))).toEqual([]);
  });

  it('detects duplicate participants', () => {
    const twice = [...ps, { line: 5, name: 'ALICE', exclusions: [] }];
    expect(checkAllocation(twice, pairs('Alice>Dave', 'Bob>Alice', 'Carol>Bob', 'Dave>Carol'))).toEqual([
      'ALICE is listed twice among the participants',
    ]);
  });
});

describe('checkAllocation, properties', () => {
  it('finds no violation exactly when every giver may give to their recipient', () => {
    const scenario = fc.integer({ min: 1, max: 6 }).chain((n) =>
      fc.record({
        excluded: fc.array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
        groups: fc.array(fc.constantFrom(undefined, 'a', 'b'), { minLength: n, maxLength: n }),
        order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ excluded, groups, order }) => {
        const names = order.map((_, i) => `P${i}`);
        const people: Participant[] = names.map((name, i) => ({
          line: i + 1,
          name,
          exclusions: names.filter((_, j) => excluded[i][j] && j !== i),
          ...(groups[i] ? { group: groups[i] } : {}),
        }));
        const ok = order.every((j, i) => i !== j && !(excluded[i][j] && i !== j) && !(groups[i] && groups[i] === groups[j]));
        const draw = order.map((j, i) => ({ giver: names[i], recipient: names[j] }));
        expect(checkAllocation(people, draw).length === 0).toBe(ok);
      }),
      { numRuns: 500 },
    );
  });
});
