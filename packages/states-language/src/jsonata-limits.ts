/**
 * JSONata evaluation bounded in time, depth and size, deterministically (workflow code may not read a clock:
 * time is counted in evaluation steps). Every `{% %}` evaluation of one state visit draws on one QueryBudget:
 *   - steps: each evaluation step is one. Inside a workflow a step costs about 0.2 ms (JSONata makes several
 *     promises a step, and the Temporal sandbox records a stack trace for each one), so the budget is small:
 *     well under the deadlock detector's 2 s. Bulk work done without promises is cheap by comparison and pays
 *     in proportion: each array a step touches 1/1024 step per item, the operands of `=`, `!=` and `in` (deep
 *     comparisons) 1/4096 per byte, regular expressions 1/16384 per VM step;
 *   - depth: nested evaluation (about 3 levels per call of a recursive function);
 *   - size: no string longer than a payload may be, no array with more items than one could hold, no value
 *     that is built (object, array, function result) larger than a payload as UTF-8 JSON (sizes remembered per
 *     object, so a "bomb" of shared halves is caught at 256 KiB, not walked to its 2^40 nodes), and all that is
 *     built together at most MAX_QUERY_ALLOCATION;
 *   - built-ins that allocate or compare in bulk before any step sees their result ($pad, $join, $string,
 *     $distinct, $toMillis with a picture) are replaced by checked ones, and regular expressions run on the
 *     linear-time engine of regex.ts.
 * A bound exceeded throws QueryLimitError, which the caller reports as States.QueryEvaluationError.
 */
import jsonata from 'jsonata';
import { distinctJson } from './canonical';
import { jsonBytes, MAX_DATA_DEPTH, MAX_PAYLOAD_BYTES, stringBytes, TOO_DEEP } from './quotas';
import { BoundedRegExp, cachedRegex, type RegexBudget } from './regex';

/**
 * Evaluation steps of one state visit: about 0.5 s inside a Temporal workflow (well under its deadlock
 * detector's 2 s), a few milliseconds outside. Hundreds of items mapped, filtered or reduced fit.
 */
export const MAX_QUERY_STEPS = 2_500;
/** VM steps of a regular expression worth one evaluation step (a VM step is some nanoseconds, with no promise). */
const VM_STEPS_PER_STEP = 16_384;
/** Nested evaluation: about 160 levels of a recursive function (each call nests about 3 deep). */
export const MAX_QUERY_DEPTH = 500;
/** No string can be longer than a payload. */
export const MAX_QUERY_STRING = MAX_PAYLOAD_BYTES;
/** An array of more items cannot fit a payload (each takes two bytes at least: a digit and a comma). */
export const MAX_QUERY_ITEMS = MAX_PAYLOAD_BYTES / 2;
/** Characters (or JSON bytes) built in all by one state's evaluations: what it can hold at once is at most this. */
export const MAX_QUERY_ALLOCATION = 16 * 1024 * 1024;

export class QueryLimitError extends Error {}

/** What one state visit's JSONata evaluations may spend, all of them together. */
export class QueryBudget {
  steps = 0;
  allocated = 0;

  constructor(
    readonly maxSteps = MAX_QUERY_STEPS,
    readonly maxAllocation = MAX_QUERY_ALLOCATION,
  ) {}

  spend(steps: number): void {
    this.steps += steps;
    if (this.steps > this.maxSteps) throw new QueryLimitError(`the evaluation ran more than ${this.maxSteps} steps (a loop without end?)`);
  }

  allocate(units: number): void {
    this.allocated += units;
    if (this.allocated > this.maxAllocation)
      throw new QueryLimitError(`the evaluation built more than ${this.maxAllocation} characters of values in all`);
  }

  /** Regular expressions pay their VM steps, at VM_STEPS_PER_STEP an evaluation step. */
  readonly regex: RegexBudget = { spend: (steps) => this.spend(steps / VM_STEPS_PER_STEP) };

  /** JSONata's `RegexEngine` for this budget: `new RegexEngine(/…/)` gives the linear-time engine's matcher. */
  readonly RegexEngine = ((budget: QueryBudget) =>
    function BoundedRegexEngine(re: RegExp) {
      return new BoundedRegExp(cachedRegex(re.source, re.flags), budget.regex);
    })(this);
}

// --- The evaluation hooks -------------------------------------------------------------------------------------

/** JSONata environments as the hooks see them. */
interface Environment {
  lookup(name: string | symbol): unknown;
  bind(name: string | symbol, value: unknown): void;
  base: Environment & Record<string | symbol, unknown> & { depth: number; RegexEngine: unknown; guardrails: () => void };
}

interface AstNode {
  type: string;
  value?: unknown;
  group?: unknown;
  [key: symbol]: unknown;
}

/** The binding that carries the budget: a name no expression can write ($ and letters only are names). */
export const BUDGET_BINDING = 'asl budget';
const BUDGET = Symbol('QueryBudget');
/** Marks the operands of `=`, `!=` and `in` (set when compiling): comparing them walks them deep. */
const COMPARED = Symbol('compared');

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');

function budgetOf(env: Environment): QueryBudget {
  return (env.base[BUDGET] as QueryBudget | undefined) ?? start(env);
}

/**
 * The first step of an evaluation: the budget is read from its binding, and JSONata's `guardrails` (a function
 * it calls synchronously at every step, meant for its own timeout) counts the steps and the depth from now on.
 * The entry hook then turns itself off for this evaluation (an undefined binding hides it): JSONata awaits a hook
 * at every step, a promise each, and promises are what make evaluation slow inside a workflow.
 */
function start(env: Environment): QueryBudget {
  const base = env.base;
  const budget = (env.lookup(BUDGET_BINDING) as QueryBudget | undefined) ?? new QueryBudget();
  base[BUDGET] = budget;
  // Read by JSONata for each /…/ it evaluates, after this first step.
  base.RegexEngine = budget.RegexEngine;
  base.guardrails = () => {
    budget.spend(1);
    if (base.depth > MAX_QUERY_DEPTH)
      throw new QueryLimitError(`the evaluation nested deeper than ${MAX_QUERY_DEPTH} levels (a recursion without end?)`);
  };
  base.bind(ENTRY, undefined);
  return budget;
}

/** Node types whose value is new (built by the step), not a part of something that exists. */
const BUILDS = new Set(['unary', 'function', 'partial', 'apply', 'binary', 'transform']);

function isFunctionValue(v: object): boolean {
  const f = v as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return typeof v === 'function' || f._jsonata_lambda === true || f._jsonata_function === true;
}

function onEntry(_expr: AstNode, _input: unknown, env: Environment): void {
  start(env).spend(1);
}

function onExit(expr: AstNode, _input: unknown, env: Environment, result: unknown): void {
  const budget = budgetOf(env);
  const builds = BUILDS.has(expr.type) || expr.group !== undefined;
  if (typeof result === 'string') {
    if (result.length > MAX_QUERY_STRING)
      throw new QueryLimitError(`the evaluation built a string longer than ${MAX_QUERY_STRING} characters`);
    if (builds) budget.allocate(result.length);
    return;
  }
  if (typeof result !== 'object' || result === null || isFunctionValue(result)) return;
  if (Array.isArray(result)) {
    if (result.length > MAX_QUERY_ITEMS) throw new QueryLimitError(`the evaluation built an array of more than ${MAX_QUERY_ITEMS} items`);
    budget.spend(result.length / 1024);
  }
  const compared = expr[COMPARED] === true;
  if (!builds && !compared) return;
  const bytes = jsonBytes(result, MAX_PAYLOAD_BYTES);
  if (bytes === TOO_DEEP) throw new QueryLimitError(`the evaluation built a value nested more than ${MAX_DATA_DEPTH} levels deep`);
  if (bytes > MAX_PAYLOAD_BYTES)
    throw new QueryLimitError(`the evaluation built a value larger than ${MAX_PAYLOAD_BYTES} bytes as UTF-8 JSON`);
  if (builds) budget.allocate(bytes);
  if (compared) budget.spend(bytes / 4096);
}

/** Every object of a syntax tree, once each (the tree may share nodes), without recursion. */
function* treeNodes(ast: unknown): Generator<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    yield node;
    if (node instanceof RegExp) continue;
    for (const v of Array.isArray(node) ? node : Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
}

/** Marks the operands of the deep comparisons in a compiled expression's tree. */
function markComparisons(ast: unknown): void {
  for (const node of treeNodes(ast)) {
    const n = node as AstNode & { lhs?: AstNode; rhs?: AstNode };
    if (n.type === 'binary' && (n.value === '=' || n.value === '!=' || n.value === 'in')) {
      if (n.lhs) n.lhs[COMPARED] = true;
      if (n.rhs) n.rhs[COMPARED] = true;
    }
  }
}

// --- Built-ins replaced by checked ones -------------------------------------------------------------------------

interface JsonataFunction {
  implementation: (...args: unknown[]) => unknown;
}
interface Focus {
  environment: Environment;
  createSequence?: () => unknown[];
}

/** JSONata's own definitions of the built-ins wrapped below (read once: JSONata answers them asynchronously). */
let builtIns: Promise<Record<string, JsonataFunction>> | undefined;
function original(name: string): Promise<JsonataFunction> {
  builtIns ??= Promise.all(WRAPPED.map(async ([n]) => [n, (await jsonata(`$${n}`).evaluate(undefined)) as JsonataFunction] as const)).then(
    Object.fromEntries,
  );
  return builtIns.then((all) => all[name]);
}

const refuse = (what: string): never => {
  throw new QueryLimitError(what);
};

/** A picture-driven $toMillis builds a backtracking regular expression of the picture: inputs kept small. */
const MAX_PICTURE_TIMESTAMP = 64;
const MAX_ADJACENT_MARKERS = 6;

/** [name, signature (JSONata's own), checked implementation] */
const WRAPPED: [string, string, (this: Focus, ...args: never[]) => unknown][] = [
  [
    'pad',
    '<s-ns?:s>',
    async function pad(this: Focus, str: string | undefined, width: number, char?: string) {
      if (Math.abs(Math.trunc(width)) > MAX_QUERY_STRING) refuse(`$pad to ${width} characters: at most ${MAX_QUERY_STRING}`);
      return (await original('pad')).implementation.call(this, str, width, char);
    },
  ],
  [
    'join',
    '<a<s>s?:s>',
    async function join(this: Focus, strings: string[] | undefined, separator?: string) {
      if (Array.isArray(strings)) {
        let length = (separator ?? '').length * Math.max(0, strings.length - 1);
        for (const s of strings) length += typeof s === 'string' ? s.length : 0;
        if (length > MAX_QUERY_STRING) refuse(`$join of ${length} characters: at most ${MAX_QUERY_STRING}`);
      }
      return (await original('join')).implementation.call(this, strings, separator);
    },
  ],
  [
    'string',
    '<x-b?:s>',
    async function string(this: Focus, value: unknown, prettify?: boolean) {
      if (typeof value === 'object' && value !== null) {
        const bytes = prettify ? prettyBytes(value, MAX_QUERY_STRING) : jsonBytes(value, MAX_QUERY_STRING);
        if (bytes === TOO_DEEP || bytes > MAX_QUERY_STRING) refuse(`$string of a value longer than ${MAX_QUERY_STRING} characters`);
        budgetOf(this.environment).spend(bytes / 4096);
      }
      return (await original('string')).implementation.call(this, value, prettify);
    },
  ],
  [
    'distinct',
    '<x:x>',
    // JSONata compares every pair (quadratic); one pass keyed by canonical JSON gives the same answer.
    function distinct(this: Focus, value: unknown) {
      if (!Array.isArray(value) || value.length <= 1) return value;
      const bytes = jsonBytes(value, MAX_PAYLOAD_BYTES);
      if (bytes === TOO_DEEP || bytes > MAX_PAYLOAD_BYTES) refuse(`$distinct of a value larger than ${MAX_PAYLOAD_BYTES} bytes`);
      budgetOf(this.environment).spend(bytes / 4096);
      const unique = distinctJson(value);
      if (!(value as { sequence?: boolean }).sequence || !this.createSequence) return unique;
      const sequence = this.createSequence();
      sequence.push(...unique);
      return sequence;
    },
  ],
  [
    'toMillis',
    '<s-s?:n>',
    async function toMillis(this: Focus, timestamp: string | undefined, picture?: string) {
      if (picture !== undefined && typeof timestamp === 'string') {
        // Each [marker] becomes a group such as ([0-9]+): adjacent ones backtrack polynomially in the timestamp.
        if (timestamp.length > MAX_PICTURE_TIMESTAMP)
          refuse(`$toMillis with a picture takes timestamps of at most ${MAX_PICTURE_TIMESTAMP} characters`);
        const runs = picture.split(/\][^[]+\[/).map((run) => (run.match(/\]\[/g) ?? []).length + 1);
        if (Math.max(...runs) > MAX_ADJACENT_MARKERS) refuse(`$toMillis pictures have at most ${MAX_ADJACENT_MARKERS} markers in a row`);
      }
      return (await original('toMillis')).implementation.call(this, timestamp, picture);
    },
  ],
];

/** The length of JSON.stringify(value, null, 2), roughly (an upper bound), or more than `limit` once past it. */
export function prettyBytes(value: unknown, limit: number): number {
  let total = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > MAX_DATA_DEPTH) return false;
    if (typeof v !== 'object' || v === null || isFunctionValue(v)) {
      total += typeof v === 'object' && v !== null ? 2 : jsonBytes(v, limit);
      return total <= limit;
    }
    const entries: [string | undefined, unknown][] = Array.isArray(v) ? v.map((item) => [undefined, item]) : Object.entries(v);
    total += 2; // brackets
    // Each entry on a line of its own, indented one level deeper, with a comma; the closing bracket on its own line.
    if (entries.length > 0) total += entries.length * (1 + 2 * (depth + 1) + 1) + 1 + 2 * depth;
    for (const [key, item] of entries) {
      if (key !== undefined) total += stringBytes(key) + 2; // "key":␠
      if (total > limit || !walk(item, depth + 1)) return false;
    }
    return total <= limit;
  };
  return walk(value, 0) ? total : limit + 1;
}

// --- Compiling ------------------------------------------------------------------------------------------------

/** Compiles an expression with the bounds on: hooks, checked built-ins, the sequence bound, comparisons marked. */
export function boundedJsonata(source: string): jsonata.Expression {
  const expr = jsonata(source, { sequence: MAX_QUERY_ITEMS });
  markComparisons(expr.ast());
  expr.assign(ENTRY as unknown as string, onEntry);
  expr.assign(EXIT as unknown as string, onExit);
  for (const [name, signature, implementation] of WRAPPED) expr.registerFunction(name, implementation as never, signature);
  return expr;
}

/** Every regular expression literal of a compiled expression, for the checker. */
export function regexLiterals(expr: jsonata.Expression): RegExp[] {
  return [...treeNodes(expr.ast())].filter((node): node is RegExp => node instanceof RegExp);
}
