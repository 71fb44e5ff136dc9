/**
 * The JSONPath dialect of Step Functions (Jayway's): `$` the input, `$$` the context object, `$name` a variable;
 * `.name`, `['name']`, `[n]` (negative from the end), `[*]`, `.*`, `[a:b:c]`, `[i,j]`, `..name`,
 * `[?(filter)]` and `.length()`. A definite path (no wildcard, slice, list, filter or deep scan) names one
 * node and fails when it is missing; an indefinite one gives the list of what it finds, `[]` over missing data.
 */
import { runtimeError } from './errors';
import { memoized } from './memo';
import { BoundedRegExp, compileRegex, type Program, type RegexBudget, RegexSyntaxError } from './regex';

export type Root = { kind: 'input' } | { kind: 'context' } | { kind: 'variable'; name: string };

export type Segment =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'union'; keys: (string | number)[] }
  | { kind: 'filter'; expr: FilterExpr; source: string }
  | { kind: 'deep'; then: Segment }
  | { kind: 'length' };

export interface JsonPath {
  source: string;
  root: Root;
  segments: Segment[];
  definite: boolean;
}

export type FilterExpr =
  | { kind: 'or' | 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'compare'; op: string; left: FilterOperand; right: FilterOperand }
  | { kind: 'exists'; operand: FilterOperand };

export type FilterOperand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'regex'; regex: PathRegex }
  | { kind: 'path'; path: JsonPath; current: boolean };

export class PathSyntaxError extends Error {}

/**
 * A filter's /regular expression/, compiled for the linear-time engine (regex.ts): `=~ /(a+)+$/` backtracked
 * without end on JavaScript's. A class of its own, so no JSON value can pass for one.
 */
export class PathRegex {
  constructor(readonly program: Program) {}
}

/** VM steps of regular expressions one path evaluation may take, all its filters together: a few tenths of a second. */
export const MAX_PATH_REGEX_STEPS = 20_000_000;

class PathBudget implements RegexBudget {
  private left = MAX_PATH_REGEX_STEPS;
  spend(steps: number): void {
    if ((this.left -= steps) < 0) throw runtimeError(`the regular expressions of one path ran more than ${MAX_PATH_REGEX_STEPS} steps`);
  }
}

/** The budget of the path being read: reading is synchronous, so one at a time. */
let pathBudget: PathBudget | undefined;

function withBudget<T>(read: () => T): T {
  if (pathBudget) return read();
  pathBudget = new PathBudget();
  try {
    return read();
  } finally {
    pathBudget = undefined;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Parses a path; throws PathSyntaxError saying where it goes wrong. */
export function parsePath(source: string): JsonPath {
  const parser = new PathParser(source, 0);
  const path = parser.path(false);
  if (parser.pos !== source.length) parser.fail('unexpected text');
  return path;
}

/** parsePath, remembered. */
export const compilePath = memoized(parsePath);

/** Parses the path that starts at `pos` of `src` and stops before ',', ')' or a space (for intrinsic arguments). */
export function parsePathAt(src: string, pos: number): { path: JsonPath; end: number } {
  const parser = new PathParser(src, pos);
  const path = parser.path(true);
  return { path, end: parser.pos };
}

class PathParser {
  constructor(
    readonly src: string,
    public pos: number,
  ) {}

  fail(what: string): never {
    throw new PathSyntaxError(`${what} at position ${this.pos} of '${this.src}'`);
  }

  private peek(n = 0): string {
    return this.src[this.pos + n] ?? '';
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }

  /** A path from its root; inside a filter `@` is also a root, and parsing stops at the filter's own syntax. */
  path(inFilter: boolean): JsonPath {
    const start = this.pos;
    let root: Root;
    let current = false;
    if (this.src.startsWith('$$', this.pos)) {
      root = { kind: 'context' };
      this.pos += 2;
    } else if (this.peek() === '$') {
      this.pos++;
      const ident = IDENT.exec(this.src.slice(this.pos));
      if (ident) {
        root = { kind: 'variable', name: ident[0] };
        this.pos += ident[0].length;
      } else root = { kind: 'input' };
    } else if (inFilter && this.peek() === '@') {
      this.pos++;
      root = { kind: 'input' };
      current = true;
    } else this.fail("a path starts with '$'");
    const segments: Segment[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '.' && this.peek(1) === '.') {
        this.pos += 2;
        if (this.peek() === '[') segments.push({ kind: 'deep', then: this.bracket() });
        else if (this.peek() === '*') {
          this.pos++;
          segments.push({ kind: 'deep', then: { kind: 'wildcard' } });
        } else segments.push({ kind: 'deep', then: { kind: 'name', name: this.dotName(inFilter) } });
      } else if (c === '.') {
        this.pos++;
        if (this.peek() === '*') {
          this.pos++;
          segments.push({ kind: 'wildcard' });
        } else if (this.src.startsWith('length()', this.pos)) {
          this.pos += 'length()'.length;
          segments.push({ kind: 'length' });
        } else segments.push({ kind: 'name', name: this.dotName(inFilter) });
      } else if (c === '[') segments.push(this.bracket());
      else break;
    }
    const definite = segments.every((s) => s.kind === 'name' || s.kind === 'index' || s.kind === 'length');
    void current;
    return { source: this.src.slice(start, this.pos), root, segments, definite };
  }

  private dotName(inFilter: boolean): string {
    const start = this.pos;
    const stop = inFilter ? /[.[\s)!=<>&|,\]]/ : /[.[]/;
    while (this.pos < this.src.length && !stop.test(this.peek())) this.pos++;
    if (this.pos === start) this.fail('a field name is missing');
    return this.src.slice(start, this.pos);
  }

  private bracket(): Segment {
    this.pos++; // [
    this.skipSpaces();
    let segment: Segment;
    if (this.peek() === '*') {
      this.pos++;
      segment = { kind: 'wildcard' };
    } else if (this.peek() === '?') {
      this.pos++;
      this.skipSpaces();
      if (this.peek() !== '(') this.fail('a filter is written [?(...)]');
      const from = this.pos;
      this.pos++;
      const expr = this.orExpr();
      this.skipSpaces();
      if (this.peek() !== ')') this.fail("')' expected to close the filter");
      this.pos++;
      segment = { kind: 'filter', expr, source: this.src.slice(from, this.pos) };
    } else {
      const keys: (string | number)[] = [];
      let slice: (number | undefined)[] | undefined;
      do {
        this.skipSpaces();
        if (this.peek() === ',') this.pos++;
        this.skipSpaces();
        const q = this.peek();
        if (q === "'" || q === '"') keys.push(this.quoted());
        else {
          const parts: (number | undefined)[] = [this.integer(true)];
          while (this.peek() === ':') {
            this.pos++;
            parts.push(this.integer(true));
          }
          if (parts.length > 1) {
            if (parts.length > 3 || keys.length > 0) this.fail('bad slice');
            slice = parts;
          } else if (parts[0] === undefined) this.fail('an index, a quoted name, * or a filter is expected');
          else keys.push(parts[0]);
        }
        this.skipSpaces();
      } while (this.peek() === ',' && !slice);
      if (slice) {
        const [start, end, step] = slice;
        if (step === 0) this.fail('a slice step cannot be 0');
        segment = { kind: 'slice', start, end, step };
      } else if (keys.length === 1) {
        segment = typeof keys[0] === 'number' ? { kind: 'index', index: keys[0] } : { kind: 'name', name: keys[0] };
      } else segment = { kind: 'union', keys };
    }
    this.skipSpaces();
    if (this.peek() !== ']') this.fail("']' expected");
    this.pos++;
    return segment;
  }

  private integer(optional: boolean): number | undefined {
    const m = /^-?\d+/.exec(this.src.slice(this.pos));
    if (!m) {
      if (optional) return undefined;
      this.fail('a number is expected');
    }
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private quoted(): string {
    const quote = this.peek();
    this.pos++;
    let out = '';
    while (this.pos < this.src.length && this.peek() !== quote) {
      if (this.peek() === '\\') this.pos++;
      out += this.peek();
      this.pos++;
    }
    if (this.peek() !== quote) this.fail('unterminated string');
    this.pos++;
    return out;
  }

  private orExpr(): FilterExpr {
    let left = this.andExpr();
    for (;;) {
      this.skipSpaces();
      if (!this.src.startsWith('||', this.pos)) return left;
      this.pos += 2;
      left = { kind: 'or', left, right: this.andExpr() };
    }
  }

  private andExpr(): FilterExpr {
    let left = this.unary();
    for (;;) {
      this.skipSpaces();
      if (!this.src.startsWith('&&', this.pos)) return left;
      this.pos += 2;
      left = { kind: 'and', left, right: this.unary() };
    }
  }

  private unary(): FilterExpr {
    this.skipSpaces();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      return { kind: 'not', expr: this.unary() };
    }
    if (this.peek() === '(') {
      this.pos++;
      const expr = this.orExpr();
      this.skipSpaces();
      if (this.peek() !== ')') this.fail("')' expected");
      this.pos++;
      return expr;
    }
    const left = this.operand();
    this.skipSpaces();
    const op = /^(==|!=|<=|>=|<|>|=~|nin\b|in\b|contains\b|size\b|empty\b)/.exec(this.src.slice(this.pos));
    if (!op) {
      if (left.kind !== 'path') this.fail('a comparison is expected');
      return { kind: 'exists', operand: left };
    }
    this.pos += op[0].length;
    return { kind: 'compare', op: op[0], left, right: this.operand() };
  }

  private operand(): FilterOperand {
    this.skipSpaces();
    const c = this.peek();
    if (c === '@' || c === '$') return { kind: 'path', path: this.path(true), current: c === '@' };
    if (c === "'" || c === '"') return { kind: 'literal', value: this.quoted() };
    if (c === '/') {
      const m = /^\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(this.src.slice(this.pos));
      if (!m) this.fail('bad regular expression');
      try {
        const regex = new PathRegex(compileRegex(m[1], m[2]));
        this.pos += m[0].length;
        return { kind: 'regex', regex };
      } catch (error) {
        if (error instanceof RegexSyntaxError) this.fail(`regular expression /${m[1]}/: ${error.message}`);
        throw error;
      }
    }
    if (c === '[') {
      this.pos++;
      const values: unknown[] = [];
      for (;;) {
        this.skipSpaces();
        if (this.peek() === ']') break;
        const item = this.operand();
        if (item.kind !== 'literal') this.fail('only literals in a list');
        values.push(item.value);
        this.skipSpaces();
        if (this.peek() === ',') this.pos++;
      }
      this.pos++;
      return { kind: 'literal', value: values };
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(this.src.slice(this.pos));
    if (!m) this.fail('a value is expected');
    this.pos += m[0].length;
    return { kind: 'literal', value: JSON.parse(m[0]) };
  }
}

/** The roots a path is read against. Variables are looked up by name; an unknown one is an error. */
export interface PathScope {
  input: unknown;
  context: unknown;
  variable?: (name: string) => unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function rootValue(path: JsonPath, scope: PathScope): unknown {
  switch (path.root.kind) {
    case 'input':
      return scope.input;
    case 'context':
      return scope.context;
    case 'variable': {
      if (!scope.variable) throw runtimeError(`The variable '$${path.root.name}' is not defined`);
      return scope.variable(path.root.name);
    }
  }
}

/** Nodes selected by one segment from one node. `missing` is set when a definite step finds nothing. */
function step(node: unknown, segment: Segment, scope: PathScope, out: unknown[]): boolean {
  switch (segment.kind) {
    case 'name':
      if (isObject(node) && has(node, segment.name)) {
        out.push(node[segment.name]);
        return true;
      }
      return false;
    case 'index': {
      if (!Array.isArray(node)) return false;
      const i = segment.index < 0 ? node.length + segment.index : segment.index;
      if (i < 0 || i >= node.length) return false;
      out.push(node[i]);
      return true;
    }
    case 'wildcard':
      // One at a time: push(...items) passes every item as an argument, past the stack for 128K of them.
      if (Array.isArray(node)) for (const item of node) out.push(item);
      else if (isObject(node)) for (const item of Object.values(node)) out.push(item);
      return true;
    case 'union':
      for (const key of segment.keys)
        step(node, typeof key === 'number' ? { kind: 'index', index: key } : { kind: 'name', name: key }, scope, out);
      return true;
    case 'slice': {
      if (!Array.isArray(node)) return true;
      const n = node.length;
      const stepBy = segment.step ?? 1;
      const clamp = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? Math.max(0, n + v) : Math.min(n, v));
      if (stepBy > 0) {
        for (let i = clamp(segment.start, 0); i < clamp(segment.end, n); i += stepBy) out.push(node[i]);
      } else {
        const start = segment.start === undefined ? n - 1 : Math.min(n - 1, segment.start < 0 ? n + segment.start : segment.start);
        const end = segment.end === undefined ? -1 : segment.end < 0 ? n + segment.end : segment.end;
        for (let i = start; i > end; i += stepBy) out.push(node[i]);
      }
      return true;
    }
    case 'filter': {
      const candidates = Array.isArray(node) ? node : isObject(node) ? [node] : [];
      for (const item of candidates) if (testFilter(segment.expr, item, scope)) out.push(item);
      return true;
    }
    case 'deep': {
      const visit = (n: unknown) => {
        step(n, segment.then, scope, out);
        if (Array.isArray(n)) n.forEach(visit);
        else if (isObject(n)) Object.values(n).forEach(visit);
      };
      visit(node);
      return true;
    }
    case 'length':
      if (Array.isArray(node)) out.push(node.length);
      else if (typeof node === 'string') out.push(node.length);
      else if (isObject(node)) out.push(Object.keys(node).length);
      else return false;
      return true;
  }
}

/** Every node the path selects. For a definite path, `found` tells whether it exists. */
function select(path: JsonPath, scope: PathScope): { nodes: unknown[]; found: boolean } {
  let nodes = [rootValue(path, scope)];
  for (const segment of path.segments) {
    const next: unknown[] = [];
    for (const node of nodes) {
      const ok = step(node, segment, scope, next);
      if (!ok && path.definite) return { nodes: [], found: false };
    }
    nodes = next;
  }
  return { nodes, found: true };
}

/** Jayway's rendering of a path in its error messages: `$['a']['b'][0]`. */
function canonical(path: JsonPath): string {
  const root = path.root.kind === 'context' ? '$$' : path.root.kind === 'variable' ? `$${path.root.name}` : '$';
  return (
    root +
    path.segments
      .map((s) => (s.kind === 'name' ? `['${s.name}']` : s.kind === 'index' ? `[${s.index}]` : s.kind === 'length' ? '.length()' : ''))
      .join('')
  );
}

/** The value a path names: one value for a definite path (missing ⇒ States.Runtime), a list otherwise. */
export function readPath(source: string | JsonPath, scope: PathScope): unknown {
  return withBudget(() => read(source, scope));
}

function read(source: string | JsonPath, scope: PathScope): unknown {
  const path = typeof source === 'string' ? compilePath(source) : source;
  if (path.segments.length === 0) return rootValue(path, scope);
  const { nodes, found } = select(path, scope);
  if (!path.definite) return nodes;
  if (!found) throw runtimeError(`Invalid path '${path.source}' : No results for path: ${canonical(path)}`);
  return nodes[0];
}

/** Whether a path finds anything (IsPresent): a definite path exists, an indefinite one... always does, as in AWS. */
export function pathExists(source: string, scope: PathScope): boolean {
  const path = compilePath(source);
  if (!path.definite) return true;
  try {
    return withBudget(() => select(path, scope).found);
  } catch {
    return false;
  }
}

/** A reference path: a definite path of names and indexes (ResultPath, Choice Variable...). */
export function isReferencePath(path: JsonPath): boolean {
  return path.segments.every((s) => s.kind === 'name' || s.kind === 'index');
}

/**
 * `target` with `value` placed at the reference path, copying only the objects along the way (so the input is
 * never changed). Missing objects on the way are created; a non-object in the way is States.Runtime.
 */
export function writePath(target: unknown, source: string, value: unknown): unknown {
  const path = compilePath(source);
  const put = (node: unknown, i: number): unknown => {
    if (i === path.segments.length) return value;
    const segment = path.segments[i];
    if (segment.kind === 'name') {
      const base = node === undefined ? {} : node;
      if (!isObject(base))
        throw runtimeError(`Unable to apply ResultPath '${source}': '${segment.name}' cannot be set on ${withArticle(typeName(node))}`);
      return { ...base, [segment.name]: put(base[segment.name], i + 1) };
    }
    if (segment.kind === 'index') {
      if (!Array.isArray(node))
        throw runtimeError(`Unable to apply ResultPath '${source}': [${segment.index}] needs an array, not ${withArticle(typeName(node))}`);
      const at = segment.index < 0 ? node.length + segment.index : segment.index;
      if (at < 0 || at >= node.length)
        throw runtimeError(`Unable to apply ResultPath '${source}': index ${segment.index} is out of bounds`);
      const copy = node.slice();
      copy[at] = put(node[at], i + 1);
      return copy;
    }
    throw runtimeError(`ResultPath '${source}' must be a reference path`);
  };
  return put(target, 0);
}

const withArticle = (word: string) => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function operandValues(operand: FilterOperand, item: unknown, scope: PathScope): { values: unknown[]; exists: boolean } {
  if (operand.kind === 'literal') return { values: [operand.value], exists: true };
  if (operand.kind === 'regex') return { values: [operand.regex], exists: true };
  const inner: PathScope = operand.current ? { ...scope, input: item } : scope;
  const { nodes, found } = select(operand.path, inner);
  if (operand.path.definite) return { values: found ? nodes : [], exists: found };
  return { values: [nodes], exists: true };
}

function testFilter(expr: FilterExpr, item: unknown, scope: PathScope): boolean {
  switch (expr.kind) {
    case 'or':
      return testFilter(expr.left, item, scope) || testFilter(expr.right, item, scope);
    case 'and':
      return testFilter(expr.left, item, scope) && testFilter(expr.right, item, scope);
    case 'not':
      return !testFilter(expr.expr, item, scope);
    case 'exists':
      return operandValues(expr.operand, item, scope).exists;
    case 'compare': {
      const left = operandValues(expr.left, item, scope);
      const right = operandValues(expr.right, item, scope);
      if (!left.exists || !right.exists) return expr.op === '!=' && left.exists !== right.exists;
      return compare(expr.op, left.values[0], right.values[0]);
    }
  }
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return jsonEquals(a, b);
    case '!=':
      return !jsonEquals(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const ok = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
      if (!ok) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
    case '=~':
      return typeof a === 'string' && b instanceof PathRegex && new BoundedRegExp(b.program, pathBudget).test(a);
    case 'in':
      return Array.isArray(b) && b.some((v) => jsonEquals(a, v));
    case 'nin':
      return Array.isArray(b) && !b.some((v) => jsonEquals(a, v));
    case 'contains':
      return (Array.isArray(a) && a.some((v) => jsonEquals(v, b))) || (typeof a === 'string' && typeof b === 'string' && a.includes(b));
    case 'size':
      return (Array.isArray(a) || typeof a === 'string') && a.length === b;
    case 'empty':
      return (Array.isArray(a) || typeof a === 'string') && (a.length === 0) === b;
    default:
      return false;
  }
}

/** Structural equality of JSON values. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEquals(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => has(bo, k) && jsonEquals(ao[k], bo[k]));
}
