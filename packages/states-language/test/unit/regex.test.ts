/**
 * The linear-time regular expression engine (lib/asl/regex.ts) against JavaScript's own: the same matches,
 * groups and positions on generated patterns and inputs, in linear time where JavaScript backtracks without end,
 * and a plain refusal of what needs backtracking.
 */
import fc from 'fast-check';
import { BoundedRegExp, compileRegex, MAX_PROGRAM, RegexSyntaxError } from '../../src/regex';

type Generated = { src: string; empty: boolean };

/**
 * Patterns over a small alphabet, so that inputs over it match often and ambiguously. Each knows whether it can
 * match the empty string: a quantifier is never put on such a group, the one place where a Pike VM and a
 * backtracking engine part (JavaScript rejects an empty iteration and backtracks; the VM keeps the first thread
 * to reach each instruction), as regex.ts says.
 */
const QUANTIFIERS: [string, boolean][] = [
  ['', false],
  ['', false],
  ['*', true],
  ['+', false],
  ['?', true],
  ['{2}', false],
  ['{0,2}', true],
  ['{1,}', false],
];
const pattern = fc
  .letrec((tie) => ({
    atom: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc
        .constantFrom('a', 'b', 'A', '.', '\\d', '\\w', '\\s', '\\W', '[ab]', '[^a]', '[a-c]', '[^]', '\\.', ' ', '1')
        .map((src) => ({ src, empty: false, repeatable: true })),
      fc.constantFrom('^', '$', '\\b', '\\B').map((src) => ({ src, empty: true, repeatable: false })),
      tie('group'),
    ),
    group: fc
      .tuple(fc.constantFrom('(', '(?:', '(?<n>'), tie('alternation'))
      .map(([open, body]) => ({ src: `${open}${(body as Generated).src})`, empty: (body as Generated).empty, repeatable: true })),
    quantified: fc.tuple(tie('atom'), fc.constantFrom(...QUANTIFIERS), fc.boolean()).map(([atom, [q, allowsNone], lazy]) => {
      const a = atom as Generated & { repeatable: boolean };
      if (q === '' || !a.repeatable || a.empty) return { src: a.src, empty: a.empty };
      return { src: `${a.src}${q}${lazy ? '?' : ''}`, empty: allowsNone };
    }),
    sequence: fc.array(tie('quantified'), { minLength: 0, maxLength: 4 }).map((items) => ({
      src: (items as Generated[]).map((i) => i.src).join(''),
      empty: (items as Generated[]).every((i) => i.empty),
    })),
    alternation: fc.array(tie('sequence'), { minLength: 1, maxLength: 3 }).map((options) => ({
      src: (options as Generated[]).map((o) => o.src).join('|'),
      empty: (options as Generated[]).some((o) => o.empty),
    })),
  }))
  .alternation.map((g) => (g as Generated).src);

const input = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', ' ', '.', '\n'), maxLength: 12 });
const flags = fc.constantFrom('', 'i', 'm', 'g', 'gi', 's', 'gm');

/** JavaScript's answer, in comparable form: [match, ...groups] with the index, or null. */
function answer(exec: RegExpExecArray | null): unknown {
  return exec && { groups: [...exec], index: exec.index };
}

describe('matches exactly as JavaScript does', () => {
  it('on generated patterns, inputs and flags (4,000 cases)', () => {
    fc.assert(
      fc.property(pattern, input, flags, (source, text, f) => {
        let native: RegExp;
        try {
          native = new RegExp(source, f);
        } catch {
          return; // not a valid pattern for JavaScript either
        }
        let program;
        try {
          program = compileRegex(source, f);
        } catch (error) {
          expect((error as Error).message).toContain(`more than ${MAX_PROGRAM} instructions`); // nested counted repetitions only
          return;
        }
        const mine = new BoundedRegExp(program);
        // Global: every match in turn, from lastIndex; otherwise the first.
        for (let i = 0; i < (f.includes('g') ? 4 : 1); i++) {
          const expected = answer(native.exec(text));
          expect(answer(mine.exec(text))).toEqual(expected);
          expect(mine.lastIndex).toBe(native.lastIndex);
          if (expected === null) break;
          if (native.lastIndex === (expected as { index: number }).index) break; // an empty match: JSONata stops there too
        }
      }),
      { numRuns: 4000 },
    );
  });

  it.each([
    ['(a|ab)(c|bcd)(d*)', '', 'abcd'],
    ['(a*)*', '', 'b'],
    ['(a*)+', '', 'b'],
    ['x*?y', '', 'xxy'],
    ['^\\w+@\\w+\\.com$', 'i', 'Foo@Bar.COM'],
    ['(?<year>\\d{4})-(\\d\\d)', '', 'on 2024-05-01'],
    ['^b', 'm', 'a\nb'],
    ['a.c', 's', 'a\nc'],
    ['[]a]', '', ']a'],
    ['a{,2}', '', 'a{,2}'],
    ['\\u0041\\x42\\cJ', '', 'AB\n'],
    ['[\\d-x]+', '', '1-x2'],
    ['é', 'i', 'É'],
    ['(a|(b))+', '', 'ba'],
    ['(?:(a)|b)*', '', 'ab'],
  ])('/%s/%s on %j', (source, f, text) => {
    expect(answer(new BoundedRegExp(compileRegex(source, f)).exec(text))).toEqual(answer(new RegExp(source, f).exec(text)));
  });
});

describe('linear time', () => {
  it.each([
    ['(a+)+$', `${'a'.repeat(100_000)}!`],
    ['(a|a)*b', 'a'.repeat(100_000)],
    ['(.*a){20}', 'a'.repeat(10_000)],
    ['^(\\w+\\s?)*$', `${'word '.repeat(20_000)}!`],
  ])('/%s/ over %#', (source, text) => {
    const started = performance.now();
    new BoundedRegExp(compileRegex(source)).exec(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('pays every step to its budget, which stops it', () => {
    let spent = 0;
    const budget = {
      spend(steps: number) {
        spent += steps;
        if (spent > 50_000) throw new Error('spent');
      },
    };
    expect(() => new BoundedRegExp(compileRegex('(a+)+$'), budget).exec('a'.repeat(100_000))).toThrow('spent');
    spent = 0;
    new BoundedRegExp(compileRegex('a'), budget).exec('xxxa');
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(100);
  });
});

describe('refuses what needs backtracking, or too large a program', () => {
  it.each([
    ['(a)\\1', 'back-references'],
    ['(?<x>a)\\k<x>', 'back-references'],
    ['(?=a)a', 'lookahead'],
    ['(?!a)b', 'lookahead'],
    ['(?<=a)b', 'lookahead and lookbehind'],
    ['(a{1000}){1000}', `more than ${MAX_PROGRAM} instructions`],
    ['a{0,99999999}', `more than ${MAX_PROGRAM} instructions`],
    ['a**', 'nothing to repeat'],
    ['+a', 'nothing to repeat'],
    ['(a', 'unterminated group'],
    ['a)', 'unmatched )'],
    ['[a', 'unterminated character class'],
    ['[b-a]', 'out of order'],
  ])('/%s/: %s', (source, message) => {
    expect(() => compileRegex(source)).toThrow(RegexSyntaxError);
    expect(() => compileRegex(source)).toThrow(message);
  });

  it('takes only the flags g, i, m, s and u', () => {
    expect(() => compileRegex('a', 'y')).toThrow('only g, i, m, s and u');
    expect(() => compileRegex('\\p{L}', 'u')).toThrow('Unicode property escapes');
  });
});
