/**
 * JSONata states: strings written `{% expression %}` are evaluated with `$states` (input, result, errorOutput,
 * context) and the workflow variables bound. Time and randomness come from the host (the workflow's own, so
 * replays see the same values); Step Functions' extra functions ($partition, $range, $hash, $random, $uuid,
 * $parse) are provided. Evaluation is bounded in time, depth and size (jsonata-limits.ts). Every failure is
 * States.QueryEvaluationError.
 */
import type jsonata from 'jsonata';
import { partition, range } from './arrays';
import { HASH_ALGORITHMS, type HashAlgorithm, hashText } from './encoding';
import { StatesError, StatesErrors } from './errors';
import { BUDGET_BINDING, boundedJsonata, MAX_QUERY_ITEMS, QueryBudget, regexLiterals } from './jsonata-limits';
import { memoized } from './memo';
import { jsonBytes, MAX_PAYLOAD_BYTES, TOO_DEEP } from './quotas';
import { compileRegex } from './regex';
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

/**
 * Compiles an expression (remembered, the cache bounded by the characters of the texts it keeps, least
 * recently used forgotten first); throws with jsonata's own message on a syntax error.
 */
export const compileExpression = memoized((text: string): jsonata.Expression => boundedJsonata(body(text)), 2 * 1024 * 1024);

/**
 * What is wrong with an expression, for the checker: it does not compile, or a regular expression in it is one
 * the linear-time engine does not take. Compiled aside, not through the cache: a definition refused at PUT
 * leaves nothing behind (20 refused 0.9 MB definitions used to keep 600 MB).
 */
export function expressionProblem(text: string): string | undefined {
  let expr: jsonata.Expression;
  try {
    expr = boundedJsonata(body(text));
  } catch (error) {
    return (error as Error).message;
  }
  for (const re of regexLiterals(expr)) {
    try {
      compileRegex(re.source, re.flags);
    } catch (error) {
      return `regular expression /${re.source}/: ${(error as Error).message}`;
    }
  }
  return undefined;
}

const queryError = (cause: string) => new StatesError(StatesErrors.QueryEvaluationError, cause);

/** An expression as causes quote it: a 900 KB one is not repeated whole in every error. */
const excerpt = (text: string) => {
  const b = body(text);
  return b.length > 1000 ? `${b.slice(0, 1000)}…` : b;
};

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
      if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm))
        throw new Error(`$hash algorithm must be one of ${HASH_ALGORITHMS.join(', ')}`);
      const bytes = jsonBytes(value, MAX_PAYLOAD_BYTES);
      if (bytes === TOO_DEEP || bytes > MAX_PAYLOAD_BYTES) throw new Error(`$hash of a value larger than ${MAX_PAYLOAD_BYTES} bytes`);
      return hashText(typeof value === 'string' ? value : JSON.stringify(value), algorithm as HashAlgorithm);
    },
    parse: (text: string) => JSON.parse(text),
  };
}

/**
 * Evaluates one `{% %}` string. `field` names it in error messages. An undefined answer is an error.
 * `budget` is shared by every evaluation of one state visit (jsonata-limits.ts).
 */
export async function evaluateExpression(
  text: string,
  states: StatesBinding,
  variables: Record<string, unknown>,
  host: JsonataHost,
  field: string,
  budget: QueryBudget = new QueryBudget(),
): Promise<unknown> {
  let expr: jsonata.Expression;
  try {
    expr = compileExpression(text);
  } catch (error) {
    throw queryError(
      `The JSONata expression '${excerpt(text)}' specified for the field '${field}' is invalid: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = await expr.evaluate(undefined, { ...variables, ...awsFunctions(host), states, [BUDGET_BINDING]: budget });
  } catch (error) {
    throw queryError(
      `An error occurred while evaluating the JSONata expression '${excerpt(text)}' for the field '${field}': ${evaluationMessage(error)}`,
    );
  }
  if (value === undefined)
    throw queryError(`The JSONata expression '${excerpt(text)}' specified for the field '${field}' returned nothing (undefined).`);
  // What it answers may be parts of the input put together (`$states.input.**`): measured before it is copied.
  const bytes = jsonBytes(value, MAX_PAYLOAD_BYTES);
  if (bytes === TOO_DEEP || bytes > MAX_PAYLOAD_BYTES) {
    throw queryError(
      `The JSONata expression '${excerpt(text)}' specified for the field '${field}' returned a value ` +
        `larger than ${MAX_PAYLOAD_BYTES} bytes as UTF-8 JSON (or nested too deep)`,
    );
  }
  return toJson(value);
}

/** JSONata's message, but for its sequence bound, whose message gives the length attempted as if it were the bound. */
function evaluationMessage(error: unknown): string {
  if ((error as { code?: string }).code === 'D2015') return `the evaluation built a sequence of more than ${MAX_QUERY_ITEMS} items`;
  return (error as Error).message;
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
  budget: QueryBudget = new QueryBudget(),
): Promise<unknown> {
  if (isExpression(template)) return evaluateExpression(template, states, variables, host, field, budget);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++)
      out.push(await evaluateTemplate(template[i], states, variables, host, `${field}[${i}]`, budget));
    return out;
  }
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = await evaluateTemplate(v, states, variables, host, `${field}/${k}`, budget);
    return out;
  }
  return template;
}
