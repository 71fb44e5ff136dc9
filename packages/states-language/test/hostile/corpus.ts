/**
 * Hostile (or careless) definitions, each with what must happen to it: refused by the checker at the paths
 * named, or run to a failure with the named error, or to the given output, always within a bounded time and
 * memory. Before the quotas (src/quotas.ts) all but two (States.ArrayRange, bounded already, and the 900 KB
 * expression, refused already: kept to stay so) were accepted and misbehaved: hung the thread, took hundreds
 * of megabytes or the whole heap, answered past the payload quota, or threw out of the interpreter (on the
 * server: an execution RUNNING for ever on failing workflow tasks). `test/hostile-definitions.test.ts` runs them
 * all on the virtual clock; `tsx test/hostile/run-isolated.ts` runs each in a process of its own. A worker that
 * hosts the runtime runs the ones marked `temporal` through its real server too (the Secret Santa app does, in its
 * test/asl/hostile-temporal.test.ts).
 */
import type { Definition } from '../../src/interpreter';
import { MAX_DEFINITION_DEPTH } from '../../src/quotas';

export type HostileExpectation =
  /** Refused by the checker, with (at least) these problem paths. */
  | { problems: string[] }
  /** Fails with this error (and a cause containing the text). */
  | { error: string; causeContains?: string }
  /** Completes with this output. */
  | { output: unknown };

export interface HostileCase {
  name: string;
  /** What it attacks, and the defence that stops it. */
  why: string;
  definition: Definition;
  input?: unknown;
  expect: HostileExpectation;
  /** Also run through the stateMachine workflow on the real Temporal server. */
  temporal?: boolean;
  /** The most virtual time the run may take (timers and backoffs). */
  maxVirtualSeconds?: number;
}

const KiB = 1024;
const jsonata = (states: Definition['States'], startAt = Object.keys(states)[0]): Definition => ({
  QueryLanguage: 'JSONata',
  StartAt: startAt,
  States: states,
});
const jsonpath = (states: Definition['States'], startAt = Object.keys(states)[0]): Definition => ({ StartAt: startAt, States: states });
/** One Pass state whose Output is `expression` (JSONata). */
const output = (expression: string): Definition => jsonata({ Eval: { Type: 'Pass', Output: { value: `{% ${expression} %}` }, End: true } });

/** {a: {a: … {a: leaf}}}, `depth` objects deep, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const DEEP_TEMPLATE_LEVELS = 50_000;

export const HOSTILE_CASES: HostileCase[] = [
  // --- Choice StringMatches: linear matching ---------------------------------------------------------------
  {
    name: 'StringMatches with 12 wildcards over 100 characters',
    why:
      'translated to a backtracking regular expression, "*a*a…*b" over "aaa…" is exponential (11 s in the issue, more than 20 s ' +
      'here); matched segment by segment it is linear',
    definition: jsonpath({
      Match: { Type: 'Choice', Choices: [{ Variable: '$.s', StringMatches: '*a*a*a*a*a*a*a*a*a*a*a*a*b', Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'matched', End: true },
      No: { Type: 'Pass', Result: 'no match', End: true },
    }),
    input: { s: 'a'.repeat(100) },
    expect: { output: 'no match' },
    temporal: true,
  },
  {
    name: 'StringMatches of a 100 KiB pattern over a 100 KiB string',
    why:
      'as a regular expression, 50,000 wildcards were too large to compile (a SyntaxError thrown out of the interpreter); the ' +
      'segment matcher is linear in the pattern and the value together',
    definition: jsonpath({
      Match: { Type: 'Choice', Choices: [{ Variable: '$.s', StringMatches: `${'a*'.repeat(50_000)}b`, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'matched', End: true },
      No: { Type: 'Pass', Result: 'no match', End: true },
    }),
    input: { s: 'a'.repeat(100 * KiB) },
    expect: { output: 'no match' },
  },

  // --- JSONata: time, depth and size ---------------------------------------------------------------------
  {
    name: 'JSONata $pad to a hundred million characters',
    why:
      '$pad("x", 1e8) built a 100 M-character output (1 GB in the issue; on the server a payload too large for gRPC, the execution ' +
      'RUNNING for ever); $pad is refused past 256 Ki characters before it allocates',
    definition: output('$pad("x", 100000000)'),
    expect: { error: 'States.QueryEvaluationError', causeContains: '$pad' },
    temporal: true,
  },
  {
    name: 'JSONata recursion without a base case',
    why: 'ran until the heap ran out; JSONata evaluation is bounded in depth',
    definition: output('($f := function($n) { 1 + $f($n + 1) }; $f(0))'),
    expect: { error: 'States.QueryEvaluationError', causeContains: 'deep' },
    temporal: true,
  },
  {
    name: 'JSONata tail call looping for ever',
    why: 'a tail call runs in constant depth (JSONata trampolines it): only the step budget stops it',
    definition: output('($f := function($n) { $f($n + 1) }; $f(0))'),
    expect: { error: 'States.QueryEvaluationError', causeContains: 'steps' },
    temporal: true,
  },
  {
    name: 'Map over [1..1000000]',
    why:
      'took 2.3 GB in the issue, and the whole of a 1 GB heap here; JSONata refuses to build a sequence longer than a 256 KiB ' +
      'payload can hold, before it allocates it',
    definition: jsonata({
      Loop: {
        Type: 'Map',
        Items: '{% [1..1000000] %}',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    }),
    expect: { error: 'States.QueryEvaluationError', causeContains: '131072' },
    temporal: true,
  },
  {
    name: 'Map over [1..100000]: fewer items, still more than 256 KiB',
    why:
      'ran 100,000 iterations (2.3 s, 230 MB) to a 590 KB output; within the sequence bound, but every value JSONata builds is ' +
      'measured: larger than a payload can be, refused',
    definition: jsonata({
      Loop: {
        Type: 'Map',
        Items: '{% [1..100000] %}',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    }),
    expect: { error: 'States.QueryEvaluationError', causeContains: '262144' },
  },
  {
    name: 'JSONata object doubling 40 times',
    why:
      '{"l": $a, "r": $a} shares its halves: tiny in memory, 2^40 nodes as JSON; sizes are remembered per object, so the bomb is ' +
      'refused at about 256 KiB',
    definition: output('$reduce([1..40], function($a, $i) { {"l": $a, "r": $a} }, "x")'),
    expect: { error: 'States.QueryEvaluationError', causeContains: '262144' },
  },
  {
    name: 'JSONata string doubling, then flattened',
    why: 'concatenations are ropes until $uppercase flattens 256 M characters; every string is bounded at 256 Ki characters',
    definition: output('$uppercase($reduce([1..28], function($a, $i) { $a & $a }, "x"))'),
    expect: { error: 'States.QueryEvaluationError', causeContains: '262144' },
  },
  {
    name: 'JSONata pretty-printed deep array',
    why:
      '$string(value, true) indents every line by its depth: 20,000 numbers 900 levels deep are 36 M characters; the length is ' +
      'computed before printing',
    definition: output('$string($reduce([1..900], function($a, $i) { [[$a]] }, [1..20000]), true)'),
    expect: { error: 'States.QueryEvaluationError', causeContains: '$string' },
  },
  {
    name: 'JSONata catastrophic regular expression',
    why: '/(a+)+$/ over "aaa…!" backtracks exponentially in JavaScript; JSONata regular expressions run on a linear-time engine',
    definition: output('$contains($states.input.s, /(a+)+$/)'),
    input: { s: `${'a'.repeat(40)}!` },
    expect: { output: { value: false } },
    temporal: true,
  },
  {
    name: 'JSONata $distinct of 30,000 values',
    why: 'JSONata compares every pair (450 M deep comparisons); $distinct is replaced by a linear one',
    definition: output('$count($distinct($states.input.a))'),
    input: { a: Array.from({ length: 30_000 }, (_, i) => i) },
    expect: { output: { value: 30_000 } },
  },
  {
    name: 'JSONata membership test inside a filter over 30,000 values',
    why: '`in` scans the array for each item (900 M comparisons); every step pays for the arrays it touches, out of a budget',
    definition: output('$count($states.input.a[$ in $states.input.a])'),
    input: { a: Array.from({ length: 30_000 }, (_, i) => i) },
    expect: { error: 'States.QueryEvaluationError', causeContains: 'steps' },
  },
  {
    name: 'JSONata back-reference',
    why: 'back-references need backtracking: refused by the checker, with the path of the expression',
    definition: output('$contains($states.input.s, /(a)\\1/)'),
    expect: { problems: ['$.States.Eval.Output.value'] },
  },
  {
    name: 'JSONata regular expression compiling to a million instructions',
    why: 'counted repetitions multiply: /(a{1000}){1000}/ is refused by the checker',
    definition: output('$contains($states.input.s, /(a{1000}){1000}/)'),
    expect: { problems: ['$.States.Eval.Output.value'] },
  },
  {
    name: 'JSONata expression of 900 KB that does not compile',
    why: 'a rejected definition leaves nothing in the compiled-expression cache (the test checks it)',
    definition: output(`"${'x'.repeat(900 * KiB)}" +`),
    expect: { problems: ['$.States.Eval.Output.value'] },
  },

  // --- Intrinsics: bounded in what they build --------------------------------------------------------------
  {
    name: 'States.ArrayRange of a million numbers',
    why: 'refused past 1000 items, as in AWS',
    definition: jsonpath({ Range: { Type: 'Pass', Parameters: { 'r.$': 'States.ArrayRange(1, 1000000, 1)' }, End: true } }),
    expect: { error: 'States.IntrinsicFailure', causeContains: '1000' },
  },
  {
    name: 'States.Format doubling a string in a loop',
    why:
      'threw a RangeError ("Invalid string length") out of the interpreter: a workflow-task failure, the execution RUNNING for ' +
      'ever; now the intrinsic refuses to build more than 256 KiB',
    definition: jsonpath({
      Double: { Type: 'Pass', Parameters: { 's.$': "States.Format('{}{}', $.s, $.s)" }, Next: 'Double' },
    }),
    input: { s: 'x' },
    expect: { error: 'States.IntrinsicFailure', causeContains: '262144' },
    temporal: true,
  },
  {
    name: 'States.StringSplit with 30,000 delimiters',
    why:
      'each character was looked up in the delimiter string (30,000 × 60,000 steps: astral characters defeat the fast search); now ' +
      'in a set',
    definition: jsonpath({ Split: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength(States.StringSplit($.s, $.d))' }, End: true } }),
    input: { s: '😀'.repeat(30_000), d: '😁'.repeat(30_000) },
    expect: { output: { n: 1 } },
  },
  {
    name: 'States.ArrayUnique of 30,000 values',
    why: 'compared every pair; now one pass with the values as keys',
    definition: jsonpath({ Unique: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength(States.ArrayUnique($.a))' }, End: true } }),
    input: { a: Array.from({ length: 30_000 }, (_, i) => i) },
    expect: { output: { n: 30_000 } },
  },

  // --- 256 KiB per state's input, output and result (States.DataLimitExceeded, not caught by States.ALL) ----
  {
    name: 'execution input over 256 KiB',
    why: 'the quota applies to the execution input too',
    definition: jsonpath({ P: { Type: 'Pass', End: true } }),
    input: { s: 'x'.repeat(300 * KiB) },
    expect: { error: 'States.DataLimitExceeded', causeContains: 'input' },
  },
  {
    name: 'Pass state output over 256 KiB',
    why: 'three copies of a 100 KiB string in Parameters',
    definition: jsonpath({ Triple: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s', 'c.$': '$.s' }, End: true } }),
    input: { s: 'x'.repeat(100 * KiB) },
    expect: { error: 'States.DataLimitExceeded', causeContains: 'Triple' },
  },
  {
    name: 'Task result over 256 KiB, with a Catch of States.ALL',
    why: 'the result is refused; DataLimitExceeded is terminal: States.ALL does not catch it',
    definition: jsonpath({
      Grow: {
        Type: 'Task',
        Resource: 'grow',
        Parameters: { chars: 300 * KiB },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', Result: 'caught', End: true },
    }),
    expect: { error: 'States.DataLimitExceeded', causeContains: 'Grow' },
    temporal: true,
  },
  {
    name: 'Task input over 256 KiB',
    why: 'the input of a task is checked when it is scheduled, after Parameters',
    definition: jsonpath({ Echo: { Type: 'Task', Resource: 'echo', Parameters: { 'a.$': '$.s', 'b.$': '$.s', 'c.$': '$.s' }, End: true } }),
    input: { s: 'x'.repeat(100 * KiB) },
    expect: { error: 'States.DataLimitExceeded', causeContains: 'Echo' },
  },
  {
    name: 'Assign of more than 256 KiB',
    why: 'variables have the same quota',
    definition: jsonpath({ Keep: { Type: 'Pass', Assign: { 'a.$': '$.s', 'b.$': '$.s', 'c.$': '$.s' }, End: true } }),
    input: { s: 'x'.repeat(100 * KiB) },
    expect: { error: 'States.DataLimitExceeded', causeContains: 'Assign' },
  },
  {
    name: 'deep scan over deeply nested input',
    why: '$..* answers every node with all of its descendants: quadratic as JSON, linear in memory; measured once per node',
    definition: jsonpath({ Scan: { Type: 'Pass', Parameters: { 'all.$': '$..*' }, End: true } }),
    input: nested(900, 'leaf'),
    expect: { error: 'States.DataLimitExceeded', causeContains: 'Scan' },
  },
  {
    name: 'input nested 5,000 levels deep',
    why: 'deeper than any walker of JSON may recurse (JSON.stringify in the payload converter included)',
    definition: jsonpath({ P: { Type: 'Pass', End: true } }),
    input: nested(5000, 1),
    expect: { error: 'States.DataLimitExceeded', causeContains: 'deep' },
  },
  {
    name: 'JSONPath filter with a catastrophic regular expression',
    why: '=~ /(a+)+$/ backtracked exponentially; filters run on the linear-time engine',
    definition: jsonpath({ Filter: { Type: 'Pass', Parameters: { 'hits.$': '$.items[?(@ =~ /(a+)+$/)]' }, End: true } }),
    input: { items: [`${'a'.repeat(40)}!`] },
    expect: { output: { hits: [] } },
    temporal: true,
  },
  {
    name: 'JSONPath filter with a lookahead',
    why: 'lookarounds need backtracking: refused by the checker, with the path of the field',
    definition: jsonpath({ Filter: { Type: 'Pass', Parameters: { 'hits.$': '$.items[?(@ =~ /(?=a)a/)]' }, End: true } }),
    expect: { problems: ["$.States.Filter.Parameters['hits.$']"] },
  },
  {
    name: `Parameters nested ${DEEP_TEMPLATE_LEVELS.toLocaleString('en')} levels deep`,
    why: 'the checker recursed until the stack overflowed (an exception out of checkDefinition); definitions are refused past 256 levels',
    definition: jsonpath({
      Deep: { Type: 'Pass', Parameters: nested(DEEP_TEMPLATE_LEVELS, { 'x.$': '$' }) as Record<string, unknown>, End: true },
    }),
    // The first object past the bound: $ is depth 0, States 1, Deep 2, Parameters 3, then one per `a`.
    expect: { problems: [`$.States.Deep.Parameters${'.a'.repeat(MAX_DEFINITION_DEPTH - 2)}`] },
  },

  // --- Time values a Temporal timer cannot take ---------------------------------------------------------
  {
    name: 'Wait SecondsPath of 1e300',
    why: "past Step Functions' 99,999,999 seconds: States.Runtime rather than a timer Temporal cannot schedule",
    definition: jsonpath({ Wait: { Type: 'Wait', SecondsPath: '$.s', End: true } }),
    input: { s: 1e300 },
    expect: { error: 'States.Runtime', causeContains: '99999999' },
  },
  {
    name: 'Wait until the year 9999',
    why:
      'waited nearly 8,000 years (RUNNING, a timer the server took); held to the longest Seconds Step Functions takes, 99,999,999 ' +
      's, as Seconds is',
    definition: jsonpath({ Wait: { Type: 'Wait', Timestamp: '9999-12-31T23:59:59Z', End: true } }),
    expect: { error: 'States.Runtime', causeContains: '99999999 seconds ahead' },
    temporal: true,
  },
  {
    name: 'Retry with a BackoffRate of 1e300',
    why: "the backoff grew to 1e300 s; retry delays are capped at MaxDelaySeconds' own maximum (31,622,400 s)",
    definition: jsonpath({
      Flaky: {
        Type: 'Task',
        Resource: 'fail',
        Parameters: { error: 'Boom' },
        Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2, BackoffRate: 1e300 }],
        End: true,
      },
    }),
    expect: { error: 'Boom' },
    maxVirtualSeconds: 2 * 31_622_400,
  },
];
