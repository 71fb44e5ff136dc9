/**
 * Intrinsic functions of JSONPath states: `States.Format('{} {}', $.a, 'b')`, nested calls, string, number,
 * boolean and null literals, and paths (`$`, `$$`, `$var`) as arguments. Failures are States.IntrinsicFailure,
 * and so is a value larger than a payload may be (256 KiB as UTF-8 JSON): no intrinsic builds one, so a
 * doubling States.Format in a loop fails there instead of growing until the string cannot (a RangeError).
 */
import { partition, range } from './arrays';
import { distinctJson } from './canonical';
import { base64Decode, base64Encode, HASH_ALGORITHMS, type HashAlgorithm, hashText, utf8Decode, utf8Encode } from './encoding';
import { StatesError, StatesErrors } from './errors';
import { seededUnit } from './seeded';
import { type JsonPath, jsonEquals, parsePathAt, type PathScope, readPath, typeName } from './jsonpath';
import { memoized } from './memo';
import { jsonBytes, MAX_PAYLOAD_BYTES, TOO_DEEP } from './quotas';

export type IntrinsicArg =
  | { kind: 'literal'; value: unknown; raw?: string }
  | { kind: 'path'; path: JsonPath }
  | { kind: 'call'; call: IntrinsicCall };

export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
}

export class IntrinsicSyntaxError extends Error {}

const ARITY: Record<string, [number, number]> = {
  Format: [1, Infinity],
  StringToJson: [1, 1],
  JsonToString: [1, 1],
  Array: [0, Infinity],
  ArrayPartition: [2, 2],
  ArrayContains: [2, 2],
  ArrayRange: [3, 3],
  ArrayGetItem: [2, 2],
  ArrayLength: [1, 1],
  ArrayUnique: [1, 1],
  Base64Encode: [1, 1],
  Base64Decode: [1, 1],
  Hash: [2, 2],
  JsonMerge: [3, 3],
  MathRandom: [2, 3],
  MathAdd: [2, 2],
  StringSplit: [2, 2],
  UUID: [0, 0],
};

/** Whether a `.$` value is an intrinsic call rather than a path. */
export const isIntrinsic = (text: string) => text.startsWith('States.');

/** Parses a whole intrinsic expression, checking names and argument counts. */
export function parseIntrinsic(src: string): IntrinsicCall {
  let pos = 0;
  const fail = (what: string): never => {
    throw new IntrinsicSyntaxError(`${what} at position ${pos} of '${src}'`);
  };
  const spaces = () => {
    while (src[pos] === ' ') pos++;
  };
  const call = (depth: number): IntrinsicCall => {
    if (depth > 10) fail('intrinsic functions nest at most 10 deep');
    const m = /^States\.([A-Za-z0-9]+)\(/.exec(src.slice(pos));
    if (!m) fail('an intrinsic function States.Name( is expected');
    const name = m![1];
    if (!(name in ARITY)) fail(`unknown intrinsic function States.${name}`);
    pos += m![0].length;
    const args: IntrinsicArg[] = [];
    spaces();
    if (src[pos] === ')') pos++;
    else {
      for (;;) {
        spaces();
        args.push(arg(depth));
        spaces();
        if (src[pos] === ',') pos++;
        else if (src[pos] === ')') {
          pos++;
          break;
        } else fail("',' or ')' expected");
      }
    }
    const [min, max] = ARITY[name];
    if (args.length < min || args.length > max) {
      fail(
        `States.${name} takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s), ` +
          `not ${args.length}`,
      );
    }
    return { name, args };
  };
  const arg = (depth: number): IntrinsicArg => {
    const c = src[pos];
    if (c === "'") {
      pos++;
      let raw = '';
      let value = '';
      while (pos < src.length && src[pos] !== "'") {
        if (src[pos] === '\\') {
          raw += src[pos] + (src[pos + 1] ?? '');
          value += src[pos + 1] ?? '';
          pos += 2;
        } else {
          raw += src[pos];
          value += src[pos];
          pos++;
        }
      }
      if (src[pos] !== "'") fail('unterminated string');
      pos++;
      return { kind: 'literal', value, raw };
    }
    if (c === '$') {
      try {
        const { path, end } = parsePathAt(src, pos);
        pos = end;
        return { kind: 'path', path };
      } catch (error) {
        fail(`bad path argument (${(error as Error).message})`);
      }
    }
    if (src.startsWith('States.', pos)) return { kind: 'call', call: call(depth + 1) };
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(src.slice(pos));
    if (!m) fail('an argument is expected');
    pos += m![0].length;
    return { kind: 'literal', value: JSON.parse(m![0]) };
  };
  const result = call(0);
  spaces();
  if (pos !== src.length) fail('unexpected text after the call');
  return result;
}

/** parseIntrinsic, remembered. */
export const compileIntrinsic = memoized(parseIntrinsic);

/** Where intrinsics get their randomness: the workflow's deterministic source, or a real one. */
export interface IntrinsicHost {
  random(): number;
  uuid(): string;
  /** States.Format's objects and arrays as JSON, as before issue 14 (executions begun before it replay so). */
  formatAsJson?: boolean;
}

const failure = (name: string, cause: string) => new StatesError(StatesErrors.IntrinsicFailure, `States.${name}: ${cause}`);

/** Evaluates an intrinsic expression against the paths' roots. */
export function evaluateIntrinsic(src: string, scope: PathScope, host: IntrinsicHost): unknown {
  return evalCall(compileIntrinsic(src), scope, host);
}

function evalCall(call: IntrinsicCall, scope: PathScope, host: IntrinsicHost): unknown {
  const values = call.args.map((a) =>
    a.kind === 'literal' ? a.value : a.kind === 'path' ? readPath(a.path, scope) : evalCall(a.call, scope, host),
  );
  let result: unknown;
  try {
    result = apply(call, values, host);
  } catch (error) {
    if (error instanceof StatesError) throw error;
    // Whatever JavaScript throws on the way (a RangeError above all) is the intrinsic's failure, never the interpreter's.
    throw failure(call.name, error instanceof Error ? error.message : String(error));
  }
  const bytes = jsonBytes(result, MAX_PAYLOAD_BYTES);
  if (bytes === TOO_DEEP || bytes > MAX_PAYLOAD_BYTES)
    throw failure(call.name, `the result would be larger than ${MAX_PAYLOAD_BYTES} bytes as UTF-8 JSON`);
  return result;
}

function apply(call: IntrinsicCall, values: unknown[], host: IntrinsicHost): unknown {
  const fail = (cause: string): never => {
    throw failure(call.name, cause);
  };
  const want = <T>(i: number, check: (v: unknown) => v is T, what: string): T => {
    const v = values[i];
    if (!check(v)) fail(`argument ${i + 1} must be ${what}, not ${typeName(v)} ${JSON.stringify(v)}`);
    return v as T;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const arrayHelper = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof RangeError) fail(error.message);
      throw error;
    }
  };
  const limit = (text: string, what: string) => {
    if (text.length > 10_000) fail(`${what} is longer than 10000 characters`);
  };

  switch (call.name) {
    case 'Format': {
      const template = call.args[0];
      if (template.kind !== 'literal' || typeof template.raw !== 'string') {
        return fail('the first argument must be a string literal');
      }
      let out = '';
      let next = 1;
      const raw = template.raw;
      for (let i = 0; i < raw.length; i++) {
        if (raw[i] === '\\') out += raw[++i] ?? '';
        else if (raw[i] === '{' && raw[i + 1] === '}') {
          if (next >= values.length) fail('more {} placeholders than arguments');
          const v = values[next++];
          out += host.formatAsJson && typeof v !== 'string' ? JSON.stringify(v) : formatArgument(v);
          // Checked as it grows: the string is never more than one argument past the bound.
          if (out.length > MAX_PAYLOAD_BYTES) fail(`the result would be larger than ${MAX_PAYLOAD_BYTES} bytes as UTF-8 JSON`);
          i++;
        } else out += raw[i];
      }
      if (next !== values.length) fail('more arguments than {} placeholders');
      return out;
    }
    case 'StringToJson': {
      const text = want(0, isString, 'a string');
      if (text.trim() === '') return null;
      try {
        return JSON.parse(text);
      } catch {
        return fail(`not valid JSON: ${text}`);
      }
    }
    case 'JsonToString':
      return JSON.stringify(values[0]);
    case 'Array':
      return values;
    case 'ArrayPartition':
      return arrayHelper(() => partition(want(0, isArray, 'an array'), want(1, isNumber, 'a number')));
    case 'ArrayContains':
      return want(0, isArray, 'an array').some((v) => jsonEquals(v, values[1]));
    case 'ArrayRange': {
      const [start, end, step] = [0, 1, 2].map((i) => Math.round(want(i, isNumber, 'a number')));
      return arrayHelper(() => range(start, end, step));
    }
    case 'ArrayGetItem': {
      const array = want(0, isArray, 'an array');
      const index = want(1, isNumber, 'a number');
      if (!Number.isInteger(index) || index < 0 || index >= array.length)
        fail(`index ${index} is out of bounds for an array of ${array.length}`);
      return array[index];
    }
    case 'ArrayLength':
      return want(0, isArray, 'an array').length;
    case 'ArrayUnique':
      // One pass with each value's canonical JSON as its key: comparing every pair was quadratic.
      return distinctJson(want(0, isArray, 'an array'));
    case 'Base64Encode': {
      const text = want(0, isString, 'a string');
      limit(text, 'the input');
      return base64Encode(utf8Encode(text));
    }
    case 'Base64Decode': {
      const text = want(0, isString, 'a string');
      limit(text, 'the input');
      try {
        return utf8Decode(base64Decode(text));
      } catch {
        return fail('not valid Base64');
      }
    }
    case 'Hash': {
      const data = values[0];
      if (data === null || data === undefined) fail('the data cannot be null');
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      limit(text, 'the data');
      const algorithm = want(1, isString, 'a string');
      if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm))
        fail(`the algorithm must be one of ${HASH_ALGORITHMS.join(', ')}, not ${algorithm}`);
      return hashText(text, algorithm as HashAlgorithm);
    }
    case 'JsonMerge': {
      const a = want(0, isObject, 'an object');
      const b = want(1, isObject, 'an object');
      if (values[2] !== false) fail('only shallow merging is supported: the third argument must be false');
      return { ...a, ...b };
    }
    case 'MathRandom': {
      const start = Math.trunc(want(0, isNumber, 'a number'));
      const end = Math.trunc(want(1, isNumber, 'a number'));
      if (end < start) fail('the end must not be below the start');
      const r = values.length === 3 ? seededUnit(Math.trunc(want(2, isNumber, 'a number'))) : host.random();
      return start + Math.floor(r * (end - start + 1));
    }
    case 'MathAdd':
      // Non-integers are rounded as Java's Math.round does (half up): the same as JavaScript's.
      return Math.round(want(0, isNumber, 'a number')) + Math.round(want(1, isNumber, 'a number'));
    case 'StringSplit': {
      const text = want(0, isString, 'a string');
      const delimiters = want(1, isString, 'a string');
      // Every character of the second argument splits, and empty pieces are dropped (Java's StringTokenizer).
      // A set, not delimiters.includes: 100,000 delimiters over 100,000 characters were 10^10 comparisons.
      const splitters = new Set(delimiters);
      const out: string[] = [];
      let piece = '';
      for (const ch of text) {
        if (splitters.has(ch)) {
          if (piece !== '') out.push(piece);
          piece = '';
        } else piece += ch;
      }
      if (piece !== '') out.push(piece);
      return out;
    }
    case 'UUID':
      return host.uuid();
    default:
      return fail('unknown function');
  }
}

/**
 * An argument of States.Format as Step Functions renders it: a string as it is, an object as `{Arg1=1, Arg2=[]}` and
 * an array as `[1, b]` (Java's Map and List text: members' strings unquoted, `, ` between them), null as `null`.
 */
function formatArgument(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatArgument).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${formatArgument(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}
