/**
 * Step Functions' quotas, enforced, and the bounds this runtime adds where AWS writes none down, so that no
 * definition (nor its input) can hold a worker's thread or memory: every number a hostile definition could
 * push is bounded here. README.md's "States Language" section has them as a table.
 */
import { StatesError, StatesErrors } from './errors';

/**
 * "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string"
 * (AWS quotas): a state's input and output, a task's input and result, an execution's input. Past it,
 * States.DataLimitExceeded, a terminal error that no Retry or Catch handles.
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** AWS: a single Assign at most 256 KiB, and all the variables an execution holds at most 10 MiB. */
export const MAX_ASSIGN_BYTES = 256 * 1024;
export const MAX_VARIABLES_BYTES = 10 * 1024 * 1024;
/**
 * Ours: JSON nested deeper than this is refused (States.DataLimitExceeded) before anything recursive walks it,
 * Temporal's payload converter (JSON.stringify) included: deep enough for any real document, shallow enough
 * for every recursive walker's stack.
 */
export const MAX_DATA_DEPTH = 1000;
/** Ours: a definition nested deeper than this is refused by the checker, whose walk is recursive. */
export const MAX_DEFINITION_DEPTH = 256;
/** AWS's largest Seconds, TimeoutSeconds, HeartbeatSeconds and IntervalSeconds. */
export const MAX_SECONDS = 99_999_999;
/** AWS's largest MaxDelaySeconds (366 days): also the cap of a retrier without one, so a timer stays schedulable. */
export const MAX_RETRY_DELAY_SECONDS = 31_622_400;

/** Returned by jsonBytes for a value nested deeper than MAX_DATA_DEPTH. */
export const TOO_DEEP = -1;

interface Measured {
  bytes: number;
  /** Levels of objects and arrays below and including this one. */
  height: number;
}

/**
 * Sizes of objects and arrays measured whole. Values are never changed once built (the interpreter copies
 * what it writes: writePath, applyTemplate, JSONata's results), so a size stays true; remembering it makes
 * measuring every state's output cheap when most of it is shared with its input, and makes a "bomb" of
 * shared halves ({l: x, r: x} doubled 40 times) cost one step per level instead of 2^40.
 */
const measured = new WeakMap<object, Measured>();

/** Printable ASCII but for " and \\: one byte each, nothing to escape. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 bytes of JSON.stringify(s). */
export function stringBytes(s: string): number {
  if (PLAIN_ASCII.test(s)) return s.length + 2;
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff)
      bytes += 6; // a lone surrogate: JSON.stringify writes \udxxx
    else bytes += 3;
  }
  return bytes;
}

class Walk {
  constructor(public left: number) {}
  deep = false;

  /** The size of `value` at `depth`, or undefined once past the limit or too deep (then the walk stops). */
  size(value: unknown, depth: number): Measured | undefined {
    if (value === null || typeof value !== 'object') return this.leaf(primitiveBytes(value));
    if (isFunction(value)) return this.leaf(4);
    const known = measured.get(value);
    if (known) {
      if (depth + known.height > MAX_DATA_DEPTH) {
        this.deep = true;
        return undefined;
      }
      return this.leaf(known.bytes, known.height);
    }
    if (depth >= MAX_DATA_DEPTH) {
      this.deep = true;
      return undefined;
    }
    let bytes = 2;
    let height = 1;
    if (Array.isArray(value)) {
      bytes += Math.max(0, value.length - 1); // commas
      if ((this.left -= bytes) < 0) return undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const m = this.size(item === undefined || isFunction(item) ? null : item, depth + 1);
        if (!m) return undefined;
        bytes += m.bytes;
        height = Math.max(height, m.height + 1);
      }
    } else {
      if ((this.left -= bytes) < 0) return undefined;
      let members = 0;
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined || isFunction(v) || typeof v === 'symbol') continue;
        const own = stringBytes(key) + 1 + (members++ > 0 ? 1 : 0); // "key": and a comma
        bytes += own;
        if ((this.left -= own) < 0) return undefined;
        const m = this.size(v, depth + 1);
        if (!m) return undefined;
        bytes += m.bytes;
        height = Math.max(height, m.height + 1);
      }
    }
    const whole = { bytes, height };
    measured.set(value, whole);
    return whole;
  }

  private leaf(bytes: number, height = 0): Measured | undefined {
    return (this.left -= bytes) < 0 ? undefined : { bytes, height };
  }
}

/** A function, or a JSONata function value (a lambda or a built-in, objects holding their environment). */
function isFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return f._jsonata_lambda === true || f._jsonata_function === true;
}

function primitiveBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    default:
      return 4; // null; undefined and functions stand for null in arrays
  }
}

/**
 * The UTF-8 length of JSON.stringify(value), without building it: exact up to `limit`; past it, some number
 * above `limit` (the walk stops there, so measuring a huge value costs no more than the limit); TOO_DEEP when
 * it nests deeper than MAX_DATA_DEPTH. Recursion is bounded by that depth.
 */
export function jsonBytes(value: unknown, limit = MAX_PAYLOAD_BYTES): number {
  const walk = new Walk(limit);
  const m = walk.size(value, 0);
  if (walk.deep) return TOO_DEEP;
  return m ? m.bytes : limit + 1;
}

/**
 * Throws States.DataLimitExceeded when `value` is larger than `limit` as UTF-8 JSON, or nested deeper than
 * MAX_DATA_DEPTH. `what` names it in the cause, e.g. "The output of state 'X'".
 */
export function checkPayload(value: unknown, what: string, limit = MAX_PAYLOAD_BYTES): number {
  const bytes = jsonBytes(value, limit);
  if (bytes === TOO_DEEP)
    throw new StatesError(StatesErrors.DataLimitExceeded, `${what} is nested more than ${MAX_DATA_DEPTH} levels deep`);
  if (bytes > limit) {
    throw new StatesError(
      StatesErrors.DataLimitExceeded,
      `${what} has a size exceeding the maximum number of bytes service limit (${limit} bytes as UTF-8 JSON)`,
    );
  }
  return bytes;
}
