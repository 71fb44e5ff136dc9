/**
 * JSONata states: strings written `{% expression %}` are evaluated with `$states` (input, result, errorOutput,
 * context) and the workflow variables bound. Time and randomness come from the host (the workflow's own, so
 * replays see the same values); Step Functions' extra functions ($partition, $range, $hash, $random, $uuid,
 * $parse) are provided. Every failure is States.QueryEvaluationError.
 */
import jsonata from 'jsonata';
import { partition, range } from './arrays';
import { HASH_ALGORITHMS, type HashAlgorithm, hashText } from './encoding';
import { StatesError, StatesErrors } from './errors';
import { memoized } from './memo';
import { seededUnit } from './seeded';

export interface JsonataHost {
  now(): number;
  random(): number;
  uuid(): string;
}

export interface StatesBinding {
  input: unknown;
  context: unknown;
  result?: unknown;
  errorOutput?: unknown;
}

const OPEN = '{%';
const CLOSE = '%}';

export const isExpression = (v: unknown): v is string => typeof v === 'string' && v.startsWith(OPEN) && v.endsWith(CLOSE) && v.length >= 4;

const body = (text: string) => text.slice(OPEN.length, -CLOSE.length).trim();

/** Compiles an expression (remembered); throws with jsonata's own message on a syntax error. */
export const compileExpression = memoized((text: string): jsonata.Expression => jsonata(body(text)));

const queryError = (cause: string) => new StatesError(StatesErrors.QueryEvaluationError, cause);

function awsFunctions(host: JsonataHost) {
  return {
    now: () => new Date(host.now()).toISOString(),
    millis: () => host.now(),
    random: (seed?: number) => (seed === undefined ? host.random() : seededUnit(seed)),
    uuid: () => host.uuid(),
    partition: (array: unknown[], size: number) => {
      if (!Array.isArray(array)) throw new Error('$partition needs an array');
      return partition(array, size);
    },
    range: (start: number, end: number, step: number) => {
      if (![start, end, step].every(Number.isFinite)) throw new Error('$range needs numbers');
      return range(start, end, step);
    },
    hash: (value: unknown, algorithm: string) => {
      if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) throw new Error(`$hash algorithm must be one of ${HASH_ALGORITHMS.join(', ')}`);
      return hashText(typeof value === 'string' ? value : JSON.stringify(value), algorithm as HashAlgorithm);
    },
    parse: (text: string) => JSON.parse(text),
  };
}


/** Evaluates one `{% %}` string. `field` names it in error messages. An undefined answer is an error. */
export async function evaluateExpression(
  text: string,
  states: StatesBinding,
  variables: Record<string, unknown>,
  host: JsonataHost,
  field: string,
): Promise<unknown> {
  let expr: jsonata.Expression;
  try {
    expr = compileExpression(text);
  } catch (error) {
    throw queryError(`The JSONata expression '${body(text)}' specified for the field '${field}' is invalid: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = await expr.evaluate(undefined, { ...variables, ...awsFunctions(host), states });
  } catch (error) {
    throw queryError(`An error occurred while evaluating the JSONata expression '${body(text)}' for the field '${field}': ${(error as Error).message}`);
  }
  if (value === undefined) throw queryError(`The JSONata expression '${body(text)}' specified for the field '${field}' returned nothing (undefined).`);
  return toJson(value);
}

/** JSONata answers arrays with extra flags (sequence, keepSingleton) and functions; keep plain JSON only. */
function toJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'function') throw queryError('a JSONata expression returned a function, which is not JSON');
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return value;
}

/** Evaluates every `{% %}` string inside a value (objects and arrays recursively); other values stay. */
export async function evaluateTemplate(
  template: unknown,
  states: StatesBinding,
  variables: Record<string, unknown>,
  host: JsonataHost,
  field: string,
): Promise<unknown> {
  if (isExpression(template)) return evaluateExpression(template, states, variables, host, field);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++) out.push(await evaluateTemplate(template[i], states, variables, host, `${field}[${i}]`));
    return out;
  }
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = await evaluateTemplate(v, states, variables, host, `${field}/${k}`);
    return out;
  }
  return template;
}
