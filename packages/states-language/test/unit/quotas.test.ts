/**
 * The States Language runtime's quotas, piece by piece: payload sizes measured exactly (as UTF-8 JSON) and
 * cheaply, the byte-bounded parse caches, StringMatches in linear time with the old answers, "distinct" in one
 * pass with the old answers, capped retry delays, every failure of an execution a States error.
 */
import fc from 'fast-check';
import { Cancellation } from '../../src/cancellation';
import { canonicalJson, distinctJson } from '../../src/canonical';
import { stringMatches } from '../../src/choice';
import { errorMatches, StatesError, StatesErrors } from '../../src/errors';
import { executionContext } from '../../src/executions';
import { type Definition, type ExecutionHost, runExecution } from '../../src/interpreter';
import { jsonEquals } from '../../src/jsonpath';
import { memoized } from '../../src/memo';
import { checkPayload, jsonBytes, MAX_DATA_DEPTH, MAX_PAYLOAD_BYTES, MAX_RETRY_DELAY_SECONDS, TOO_DEEP } from '../../src/quotas';
import { backoffSeconds } from '../../src/retry';
import { VirtualHost } from '../support/virtual-host';

const utf8Json = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
/** JSON with any strings: astral characters, lone surrogates, controls, quotes and backslashes. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', '\u2028', 'é', '😀', '\ud800', 'a') }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('jsonBytes', () => {
  it('is the UTF-8 length of JSON.stringify, for any JSON (2,000 values)', () => {
    fc.assert(
      fc.property(anyJson, (v) => expect(jsonBytes(v, Infinity)).toBe(utf8Json(v))),
      { numRuns: 2000 },
    );
  });

  it('skips undefined members and functions as JSON.stringify does', () => {
    const v = { a: undefined, b: [undefined, () => 1], c: 1 };
    expect(jsonBytes(v)).toBe(utf8Json(v));
  });

  it('stops past the limit: a huge value costs no more than the limit to measure', () => {
    const huge = Array.from({ length: 2_000_000 }, () => 'xxxxxxxx');
    const started = performance.now();
    expect(jsonBytes(huge, 1000)).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('measures a "bomb" of shared halves in one step a level, sizes remembered per object', () => {
    let bomb: unknown = 'x';
    for (let i = 0; i < 60; i++) bomb = { l: bomb, r: bomb };
    expect(jsonBytes(bomb)).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    let small: unknown = 'x';
    for (let i = 0; i < 10; i++) small = { l: small, r: small };
    expect(jsonBytes(small)).toBe(utf8Json(small));
    expect(jsonBytes({ again: small })).toBe(utf8Json({ again: small })); // remembered, and still right
  });

  it(`answers TOO_DEEP past ${MAX_DATA_DEPTH} levels, remembered sizes included`, () => {
    const nest = (depth: number) => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    };
    expect(jsonBytes(nest(MAX_DATA_DEPTH))).toBe(2 * MAX_DATA_DEPTH + 1);
    expect(jsonBytes(nest(MAX_DATA_DEPTH + 1))).toBe(TOO_DEEP);
    const measured = nest(600);
    jsonBytes(measured);
    expect(jsonBytes([[[[[measured]]]]])).toBe(2 * 605 + 1);
    let deep: unknown = measured;
    for (let i = 0; i < 500; i++) deep = [deep];
    expect(jsonBytes(deep)).toBe(TOO_DEEP);
  });

  it('checkPayload throws States.DataLimitExceeded, which no States.ALL catches', () => {
    expect(checkPayload('x'.repeat(MAX_PAYLOAD_BYTES - 2), 'it')).toBe(MAX_PAYLOAD_BYTES);
    expect(() => checkPayload('x'.repeat(MAX_PAYLOAD_BYTES - 1), 'The output')).toThrow(
      new StatesError(
        StatesErrors.DataLimitExceeded,
        'The output has a size exceeding the maximum number of bytes service limit (262144 bytes as UTF-8 JSON)',
      ),
    );
    expect(errorMatches('States.ALL', StatesErrors.DataLimitExceeded)).toBe(false);
    expect(errorMatches(StatesErrors.DataLimitExceeded, StatesErrors.DataLimitExceeded)).toBe(false);
  });
});

describe('memoized', () => {
  it('keeps at most its bound in characters of text, forgetting the least recently used first', () => {
    let parses = 0;
    const parse = memoized((text: string) => {
      parses++;
      return text.length;
    }, 10);
    parse('aaaa');
    parse('bbbb');
    parse('aaaa'); // used again: now the most recent
    parse('cccc'); // 12 characters: 'bbbb' goes
    expect({ bytes: parse.bytes, size: parse.size }).toEqual({ bytes: 8, size: 2 });
    parses = 0;
    parse('aaaa');
    parse('cccc');
    expect(parses).toBe(0);
    parse('bbbb');
    expect(parses).toBe(1);
  });

  it('parses a text larger than the bound without keeping it', () => {
    const parse = memoized((text: string) => text.length, 10);
    expect(parse('x'.repeat(11))).toBe(11);
    expect({ bytes: parse.bytes, size: parse.size }).toEqual({ bytes: 0, size: 0 });
  });
});

describe('StringMatches', () => {
  /** The old implementation, a backtracking regular expression: the reference on small inputs. */
  function regexMatches(value: string, pattern: string): boolean {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      else if (c === '*') re += '[\\s\\S]*';
      else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp(`^${re}$`).test(value);
  }

  it('answers as the regular expression did (5,000 cases)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '\\'), maxLength: 8 });
    fc.assert(
      fc.property(text, text, (value, pattern) => expect(stringMatches(value, pattern)).toBe(regexMatches(value, pattern))),
      { numRuns: 5000 },
    );
  });

  it('is linear where the regular expression was exponential', () => {
    const started = performance.now();
    expect(stringMatches('a'.repeat(100), '*a*a*a*a*a*a*a*a*a*a*a*a*b')).toBe(false);
    expect(stringMatches('a'.repeat(200_000), `${'a*'.repeat(50_000)}b`)).toBe(false);
    expect(stringMatches(`${'a'.repeat(200_000)}b`, `${'a*'.repeat(50_000)}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('distinct by canonical JSON', () => {
  it('two values share a canonical text exactly when they are equal as JSON (3,000 pairs)', () => {
    const small = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(small, small, (a, b) => expect(canonicalJson(a) === canonicalJson(b)).toBe(jsonEquals(a, b))),
      { numRuns: 3000 },
    );
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });

  it('keeps the first of each, in order, as comparing every pair did', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 20 }), (items) => {
        const pairwise: unknown[] = [];
        for (const v of items) if (!pairwise.some((u) => jsonEquals(u, v))) pairwise.push(v);
        expect(distinctJson(items)).toEqual(pairwise);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('retry delays', () => {
  it(`are capped at ${MAX_RETRY_DELAY_SECONDS} s without MaxDelaySeconds`, () => {
    expect(backoffSeconds({ ErrorEquals: ['X'], BackoffRate: 1e300 }, 3, Math.random)).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(backoffSeconds({ ErrorEquals: ['X'], IntervalSeconds: 2 }, 2, Math.random)).toBe(8);
    expect(backoffSeconds({ ErrorEquals: ['X'], MaxDelaySeconds: 5 }, 10, Math.random)).toBe(5);
  });
});

describe('every failure of an execution is a States error', () => {
  const pass: Definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const run = (definition: Definition, host: ExecutionHost) =>
    runExecution(definition, {}, { host, context: executionContext('m', 'e', {}, 0) });

  it("turns what the interpreter's own code throws into States.Runtime", async () => {
    // A clock answering NaN makes the interpreter's own `new Date(now).toISOString()` throw a RangeError.
    const host = Object.assign(new VirtualHost(), { now: () => NaN });
    await expect(run(pass, host)).rejects.toEqual(
      new StatesError(StatesErrors.Runtime, 'The interpreter failed: RangeError: Invalid time value'),
    );
  });

  it("passes the host's own failures through untouched (Temporal's cancellation, continue-as-new…)", async () => {
    class HostFailure extends Error {}
    const thrown = new HostFailure('cancelled by the host');
    const host = Object.assign(new VirtualHost(), { runActivity: () => Promise.reject(thrown) });
    const task: Definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'echo', End: true } } };
    await expect(run(task, host)).rejects.toBe(thrown);
    const syncThrown = new HostFailure('thrown at once');
    const sleeper = Object.assign(new VirtualHost(), {
      sleep: () => {
        throw syncThrown;
      },
    });
    await expect(run({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }, sleeper)).rejects.toBe(syncThrown);
  });

  it('still cancels with ExecutionCancelled', async () => {
    const cancel = new Cancellation();
    cancel.cancel();
    await expect(runExecution(pass, {}, { host: new VirtualHost(), context: executionContext('m', 'e', {}, 0), cancel })).rejects.toThrow(
      'cancelled',
    );
  });
});
