/**
 * JSONata evaluation bounded in time, depth and size (lib/asl/jsonata-limits.ts): the checked built-ins answer
 * as JSONata's own do, every bound fails as States.QueryEvaluationError saying which, one budget serves all the
 * expressions of a state, and the compiled-expression cache stays within its bytes.
 */
import fc from 'fast-check';
import jsonata from 'jsonata';
import { StatesErrors } from '../../src/errors';
import { compileExpression, evaluateExpression, evaluateTemplate, expressionProblem } from '../../src/jsonata';
import {
  BUDGET_BINDING,
  boundedJsonata,
  MAX_QUERY_DEPTH,
  MAX_QUERY_ITEMS,
  MAX_QUERY_STEPS,
  MAX_QUERY_STRING,
  prettyBytes,
  QueryBudget,
} from '../../src/jsonata-limits';

const host = { now: () => Date.parse('2024-01-01T00:00:00Z'), random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000001' };
const evaluate = (expression: string, input: unknown = {}) =>
  evaluateExpression(`{% ${expression} %}`, { input, context: {} }, {}, host, 'Output');

describe('the checked built-ins answer as JSONata does', () => {
  it.each([
    '$pad("abc", 8)',
    '$pad("abc", -8, "#")',
    '$pad("abc", 8, "xy")',
    '$pad("😀", 4, "é")',
    '$join(["a", "b", "c"], ", ")',
    '$join(["a"])',
    '$join([])',
    '$string({"a": [1, 2.5, "x"], "b": {"c": null}})',
    '$string({"a": [1, {"b": true}]}, true)',
    '$string(1/3)',
    '$string("text")',
    '$distinct([1, 2, 1, "1", {"a": 1, "b": 2}, {"b": 2, "a": 1}, [1], [1]])',
    '$distinct(a)',
    '$distinct(a.b)',
    '$toMillis("2024-03-05", "[Y0001]-[M01]-[D01]")',
    '$toMillis("20240305", "[Y0001][M01][D01]")',
    '$toMillis("2024-03-05T10:20:30Z")',
    '$pad(undefined, 5)',
  ])('%s', async (expression) => {
    const input = { a: [{ b: 1 }, { b: 1 }, { b: 2 }] };
    const json = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
    const expected = json(await jsonata(expression).evaluate(input));
    const budget = new QueryBudget();
    expect(json(await boundedJsonata(expression).evaluate(input, { [BUDGET_BINDING]: budget }))).toEqual(expected);
    expect(budget.steps).toBeGreaterThan(0);
  });

  it('prettyBytes is at least the length of the pretty-printed JSON (1,000 values)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        expect(prettyBytes(v, Infinity)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(v, null, 2) ?? ''));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('every bound fails as States.QueryEvaluationError, saying which', () => {
  const fails = (expression: string, message: string | RegExp, input?: unknown) =>
    expect(evaluate(expression, input)).rejects.toMatchObject({
      error: StatesErrors.QueryEvaluationError,
      cause: expect.stringMatching(message),
    });

  it('steps', () => fails('($f := function($n) { $f($n + 1) }; $f(0))', `more than ${MAX_QUERY_STEPS} steps`));
  it('depth', () => fails('($f := function($n) { 1 + $f($n + 1) }; $f(0))', `deeper than ${MAX_QUERY_DEPTH} levels`));
  it('a string built too long', () =>
    fails('$reduce([1..30], function($a, $i) { $a & $a }, "x")', `longer than ${MAX_QUERY_STRING} characters`));
  it('$pad, before it allocates', () => fails('$pad("x", 1e9)', `\\$pad to 1000000000 characters`));
  it('$join, before it allocates', () =>
    fails('$join($states.input.halves)', '\\$join of 400000 characters', { halves: ['x'.repeat(200_000), 'y'.repeat(200_000)] }));
  it('a sequence too long', () => fails('[1..1000000]', `sequence of more than ${MAX_QUERY_ITEMS} items`));
  it('an array built too long', () => fails('$split($pad("", 200000, "a"), "")', `array of more than ${MAX_QUERY_ITEMS} items`));
  it('a value built too large', () => fails('$reduce([1..30], function($a, $i) { {"l": $a, "r": $a} }, "x")', 'larger than 262144 bytes'));
  it('a value returned too large', () => {
    // Every node with all of its descendants: quadratic as JSON, though nothing new is built.
    let deep: unknown = 'leaf';
    for (let i = 0; i < 900; i++) deep = { a: deep };
    return fails('$states.input.**', 'returned a value larger than 262144 bytes', deep);
  });
  it('all that is built, together', () => fails('$count([1..100].$pad("", 200000))', 'more than 16777216 characters'));
  it('$toMillis pictures that would backtrack', () =>
    fails('$toMillis("1234567890", "[Y][M][D][H][m][s][f]")', 'at most 6 markers in a row'));

  it('runs regular expressions in linear time', async () => {
    const started = performance.now();
    await expect(evaluate('$contains($states.input.s, /(a+)+$/)', { s: `${'a'.repeat(5000)}!` })).resolves.toBe(false);
    await expect(evaluate('$match("2024-05-01", /(\\d+)-(\\d+)/).groups')).resolves.toEqual(['2024', '05']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

it('gives one budget to all the expressions of a state', async () => {
  const states = { input: {}, context: {} };
  const loop = '{% $count($map([1..100], function($v) { $v })) %}';
  const one = new QueryBudget();
  await evaluateTemplate({ a: loop }, states, {}, host, 'Output', one);
  // As many of them as fit one budget, and one more: each fits alone, together they do not.
  const fields = Object.fromEntries(Array.from({ length: Math.floor(MAX_QUERY_STEPS / one.steps) + 1 }, (_, i) => [`f${i}`, loop]));
  await expect(evaluateTemplate(fields, states, {}, host, 'Output')).rejects.toMatchObject({ cause: expect.stringContaining('steps') });
});

describe('the compiled-expression cache', () => {
  it('stays within its bytes, however many large expressions pass', () => {
    for (let i = 0; i < 30; i++) compileExpression(`{% "${'x'.repeat(100_000)}${i}" %}`);
    expect(compileExpression.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(compileExpression.size).toBeLessThan(30);
  });

  it('is not where the checker compiles', () => {
    const before = compileExpression.size;
    expect(expressionProblem(`{% "${'y'.repeat(100_000)}" %}`)).toBeUndefined();
    expect(expressionProblem('{% $contains("a", /(a)\\1/) %}')).toContain('back-references are not supported');
    expect(expressionProblem('{% 1 + %}')).toBeDefined();
    expect(compileExpression.size).toBe(before);
  });
});
