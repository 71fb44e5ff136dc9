/** Choice rules of JSONPath states: comparisons, type tests, And / Or / Not. */
import { runtimeError } from './errors';
import { jsonEquals, pathExists, type PathScope, readPath } from './jsonpath';

export type ChoiceRule = Record<string, unknown>;

export const COMPARATORS = [
  'StringEquals',
  'StringLessThan',
  'StringGreaterThan',
  'StringLessThanEquals',
  'StringGreaterThanEquals',
  'StringMatches',
  'NumericEquals',
  'NumericLessThan',
  'NumericGreaterThan',
  'NumericLessThanEquals',
  'NumericGreaterThanEquals',
  'BooleanEquals',
  'TimestampEquals',
  'TimestampLessThan',
  'TimestampGreaterThan',
  'TimestampLessThanEquals',
  'TimestampGreaterThanEquals',
] as const;

export const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

/** Every operator a rule may use, with the `...Path` forms of the comparisons. */
export const OPERATORS: readonly string[] = [
  ...COMPARATORS,
  ...COMPARATORS.filter((c) => c !== 'StringMatches').map((c) => `${c}Path`),
  ...TYPE_TESTS,
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds of an RFC 3339 timestamp (as Step Functions needs it: with a T and a zone), or undefined. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `*` matches any run of characters; `\*` is a literal star and `\\` a backslash. Linear in the pattern and the
 * value together, whatever the pattern (a backtracking regular expression of "*a*a*a…*b" is exponential):
 * the pattern is cut at its wildcards, the first piece must start the value and the last end it, and each
 * piece between is found leftmost after the one before. Taking the leftmost is safe with nothing but `*`:
 * any later occurrence leaves less room for the pieces that follow.
 */
export function stringMatches(value: string, pattern: string): boolean {
  const pieces = wildcardPieces(pattern);
  if (pieces.length === 1) return value === pieces[0];
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const at = value.indexOf(pieces[i], from);
    if (at < 0 || at + pieces[i].length > end) return false;
    from = at + pieces[i].length;
  }
  return true;
}

/** The literal pieces between the unescaped `*` of a pattern (one piece when it has none). */
function wildcardPieces(pattern: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) piece += pattern[++i];
    else if (c === '*') {
      pieces.push(piece);
      piece = '';
    } else piece += c;
  }
  pieces.push(piece);
  return pieces;
}

export function operatorOf(rule: ChoiceRule): string | undefined {
  return Object.keys(rule).find((k) => OPERATORS.includes(k));
}

/** Whether a rule holds for the state's effective input. */
export function evaluateRule(rule: ChoiceRule, scope: PathScope): boolean {
  if (Array.isArray(rule.And)) return (rule.And as ChoiceRule[]).every((r) => evaluateRule(r, scope));
  if (Array.isArray(rule.Or)) return (rule.Or as ChoiceRule[]).some((r) => evaluateRule(r, scope));
  if (rule.Not && typeof rule.Not === 'object') return !evaluateRule(rule.Not as ChoiceRule, scope);
  const variable = rule.Variable as string;
  const op = operatorOf(rule);
  if (!op) throw runtimeError(`A Choice rule has no comparison operator: ${JSON.stringify(rule)}`);
  const expected = rule[op];
  if (op === 'IsPresent') return pathExists(variable, scope) === expected;
  const value = readPath(variable, scope);
  switch (op) {
    case 'IsNull':
      return (value === null) === expected;
    case 'IsNumeric':
      return (typeof value === 'number') === expected;
    case 'IsString':
      return (typeof value === 'string') === expected;
    case 'IsBoolean':
      return (typeof value === 'boolean') === expected;
    case 'IsTimestamp':
      return (parseTimestamp(value) !== undefined) === expected;
  }
  const isPath = op.endsWith('Path');
  const base = isPath ? op.slice(0, -4) : op;
  const other = isPath ? readPath(expected as string, scope) : expected;
  return compare(base, value, other);
}

function compare(op: string, value: unknown, other: unknown): boolean {
  if (op.startsWith('String')) {
    if (typeof value !== 'string' || typeof other !== 'string') return false;
    if (op === 'StringMatches') return stringMatches(value, other);
    return ordered(op.slice('String'.length), value < other ? -1 : value > other ? 1 : 0);
  }
  if (op.startsWith('Numeric')) {
    if (typeof value !== 'number' || typeof other !== 'number') return false;
    return ordered(op.slice('Numeric'.length), value < other ? -1 : value > other ? 1 : 0);
  }
  if (op === 'BooleanEquals') return typeof value === 'boolean' && jsonEquals(value, other);
  if (op.startsWith('Timestamp')) {
    const a = parseTimestamp(value);
    const b = parseTimestamp(other);
    if (a === undefined || b === undefined) return false;
    return ordered(op.slice('Timestamp'.length), a < b ? -1 : a > b ? 1 : 0);
  }
  return false;
}

function ordered(relation: string, sign: number): boolean {
  switch (relation) {
    case 'Equals':
      return sign === 0;
    case 'LessThan':
      return sign < 0;
    case 'GreaterThan':
      return sign > 0;
    case 'LessThanEquals':
      return sign <= 0;
    case 'GreaterThanEquals':
      return sign >= 0;
    default:
      return false;
  }
}
