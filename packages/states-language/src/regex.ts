/**
 * Regular expressions in linear time, for the ones a definition writes (JSONata's /…/ literals and $eval,
 * JSONPath's `=~` filters): JavaScript's engine backtracks, so /(a+)+$/ over forty a's and a "!" never ends,
 * holding the workflow thread. This is a Pike VM (Thompson's construction, threads run in lock-step with
 * priorities): at most one thread per instruction per character, so time is characters × program size, and
 * every step is paid from a budget. Matches are JavaScript's (leftmost, greedy or lazy as written, groups
 * cleared at each iteration of a quantifier) for the syntax it takes: literals, escapes, classes, `.`,
 * `^ $ \b \B`, groups (named too), alternation and every quantifier, flags g i m s u; but for a quantifier on
 * a group that can match nothing, like (a*)*, where JavaScript backtracks out of an empty iteration and the VM
 * keeps the first thread to reach each instruction (test/unit/asl-regex.test.ts compares both on the rest).
 * Back-references and lookarounds need backtracking: refused (RegexSyntaxError).
 */
import { memoized } from './memo';

export class RegexSyntaxError extends Error {}

/** Thrown when a match runs past its budget. */
export class RegexBudgetError extends Error {}

/** How many VM steps a caller allows, across all the matches it runs. */
export interface RegexBudget {
  /** Takes `steps` from the budget; throws when it is spent. */
  spend(steps: number): void;
}

/** Instructions a program may have: a counted repetition is written out, so /(a{1000}){1000}/ is refused. */
export const MAX_PROGRAM = 10_000;

type Test = (c: number) => boolean;
type Node =
  | { t: 'char'; test: Test }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'group'; index?: number; body: Node }
  /** `captures`: the capture slots of the groups inside the body, which JavaScript clears at each iteration. */
  | { t: 'repeat'; body: Node; min: number; max: number; greedy: boolean; captures?: [number, number] }
  | { t: 'assert'; kind: Assertion };
type Assertion = 'start' | 'end' | 'word' | 'notWord';

const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isDigit: Test = (c) => c >= 48 && c <= 57;
const isWordChar: Test = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: Test = (c) =>
  (c >= 9 && c <= 13) ||
  c === 32 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
const not =
  (t: Test): Test =>
  (c) =>
    !t(c);

/** The other cases of a character, as JavaScript's /i compares them (simple one-character mappings). */
function caseVariants(c: number): number[] {
  const s = String.fromCharCode(c);
  const out = [c];
  for (const v of [s.toLowerCase(), s.toUpperCase()]) if (v.length === 1 && v.charCodeAt(0) !== c) out.push(v.charCodeAt(0));
  return out;
}

class Parser {
  pos = 0;
  groups = 0;
  constructor(
    readonly src: string,
    readonly flags: { i: boolean; m: boolean; s: boolean; u: boolean },
  ) {}

  fail(what: string): never {
    throw new RegexSyntaxError(`${what} at position ${this.pos} of /${this.src}/`);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) this.fail(this.src[this.pos] === ')' ? 'unmatched )' : 'unexpected character');
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') items.push(this.quantified());
    return { t: 'seq', items };
  }

  private quantified(): Node {
    const groupsBefore = this.groups;
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.t === 'assert') this.fail('nothing to repeat');
    if (this.quantifier(true)) this.fail('nothing to repeat');
    const captures: [number, number] | undefined = this.groups > groupsBefore ? [2 * (groupsBefore + 1), 2 * this.groups + 2] : undefined;
    return { t: 'repeat', body: atom, ...q, captures };
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe followed by `?` (lazy). */
  private quantifier(peekOnly = false): { min: number; max: number; greedy: boolean } | undefined {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    let length = 1;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
      if (!m) return undefined; // a literal brace, as JavaScript takes it without the u flag
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) this.fail('numbers out of order in {} quantifier');
      length = m[0].length;
    } else return undefined;
    if (peekOnly) return { min, max, greedy: true };
    this.pos += length;
    const greedy = this.src[this.pos] !== '?';
    if (!greedy) this.pos++;
    return { min, max, greedy };
  }

  private atom(): Node {
    const c = this.src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.pos++;
        return { t: 'char', test: this.flags.s ? () => true : not(isLineTerminator) };
      case '^':
        this.pos++;
        return { t: 'assert', kind: 'start' };
      case '$':
        this.pos++;
        return { t: 'assert', kind: 'end' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        return this.fail('nothing to repeat');
      case '{':
        if (this.quantifier(true)) this.fail('nothing to repeat');
        break;
    }
    this.pos++;
    return this.literal(this.src.charCodeAt(this.pos - 1));
  }

  private literal(code: number): Node {
    if (!this.flags.i) return { t: 'char', test: (c) => c === code };
    const variants = caseVariants(code);
    return { t: 'char', test: (c) => variants.includes(c) };
  }

  private group(): Node {
    this.pos++;
    let index: number | undefined;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?<[A-Za-z_$][\w$]*>/.test(this.src.slice(this.pos, this.pos + 64))) {
      this.pos = this.src.indexOf('>', this.pos) + 1;
      index = ++this.groups;
    } else if (this.src[this.pos] === '?') this.fail('lookahead and lookbehind are not supported (they need backtracking)');
    else index = ++this.groups;
    const body = this.alternation();
    if (this.src[this.pos] !== ')') this.fail('unterminated group');
    this.pos++;
    return { t: 'group', index, body };
  }

  /** After a backslash, outside a class: a class escape, an assertion or one character. */
  private escape(): Node {
    this.pos++;
    const c = this.src[this.pos];
    if (c === undefined) this.fail('\\ at end of pattern');
    const cls = classEscape(c);
    if (cls) {
      this.pos++;
      return { t: 'char', test: cls };
    }
    if (c === 'b' || c === 'B') {
      this.pos++;
      return { t: 'assert', kind: c === 'b' ? 'word' : 'notWord' };
    }
    if (/[1-9]/.test(c) || (c === 'k' && this.src[this.pos + 1] === '<'))
      this.fail('back-references are not supported (they need backtracking)');
    return this.literal(this.characterEscape(false));
  }

  /** The character of an escape (the backslash already read), inside or outside a class. */
  private characterEscape(inClass: boolean): number {
    const c = this.src[this.pos++];
    switch (c) {
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 't':
        return 9;
      case 'v':
        return 11;
      case 'f':
        return 12;
      case '0':
        if (/[0-9]/.test(this.src[this.pos] ?? '')) this.fail('octal escapes are not supported');
        return 0;
      case 'b':
        if (inClass) return 8;
        break;
      case 'c': {
        const letter = this.src[this.pos];
        if (letter && /[A-Za-z]/.test(letter)) {
          this.pos++;
          return letter.charCodeAt(0) % 32;
        }
        this.pos--; // `\c` not followed by a letter is a backslash and a c
        return 92;
      }
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos));
        if (!hex) return 120; // `\x` without two hex digits is an x
        this.pos += 2;
        return parseInt(hex[0], 16);
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.pos));
        if (hex) {
          this.pos += 4;
          return parseInt(hex[0], 16);
        }
        const braced = this.flags.u ? /^\{([0-9A-Fa-f]{1,4})\}/.exec(this.src.slice(this.pos)) : null;
        if (braced) {
          this.pos += braced[0].length;
          return parseInt(braced[1], 16);
        }
        if (this.flags.u) this.fail('\\u{…} beyond the Basic Multilingual Plane is not supported');
        return 117;
      }
      case 'p':
      case 'P':
        if (this.flags.u) this.fail('Unicode property escapes are not supported');
        break;
    }
    if (/[1-9]/.test(c)) this.fail('octal escapes are not supported');
    return c.charCodeAt(0); // an identity escape: \. \* \/ …
  }

  private charClass(): Node {
    this.pos++;
    const negate = this.src[this.pos] === '^';
    if (negate) this.pos++;
    const tests: Test[] = [];
    const ranges: [number, number][] = [];
    // As in JavaScript, `]` right after `[` ends the class: [] matches nothing, [^] anything.
    while (this.src[this.pos] !== ']') {
      if (this.pos >= this.src.length) this.fail('unterminated character class');
      const from = this.classAtom();
      if (typeof from !== 'number') {
        tests.push(from);
        continue;
      }
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const to = this.classAtom();
        if (typeof to !== 'number') this.fail('a class escape cannot end a range');
        if (to < from) this.fail('range out of order in character class');
        ranges.push([from, to]);
      } else ranges.push([from, from]);
    }
    this.pos++;
    const inRanges: Test = (c) => ranges.some(([a, b]) => c >= a && c <= b) || tests.some((t) => t(c));
    const member: Test = this.flags.i ? (c) => caseVariants(c).some(inRanges) : inRanges;
    return { t: 'char', test: negate ? not(member) : member };
  }

  /** One character of a class (its code) or a class escape (its test). */
  private classAtom(): number | Test {
    const c = this.src[this.pos];
    if (c !== '\\') {
      this.pos++;
      return c.charCodeAt(0);
    }
    this.pos++;
    const e = this.src[this.pos];
    if (e === undefined) this.fail('\\ at end of pattern');
    const cls = classEscape(e);
    if (cls) {
      this.pos++;
      return cls;
    }
    if (e === '-') {
      this.pos++;
      return 45;
    }
    return this.characterEscape(true);
  }
}

function classEscape(c: string): Test | undefined {
  switch (c) {
    case 'd':
      return isDigit;
    case 'D':
      return not(isDigit);
    case 'w':
      return isWordChar;
    case 'W':
      return not(isWordChar);
    case 's':
      return isSpace;
    case 'S':
      return not(isSpace);
    default:
      return undefined;
  }
}

// --- Compiling to a program ---------------------------------------------------------------------------------

type Instruction =
  | { op: 'char'; test: Test }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'save'; slot: number }
  /** Clears capture slots [from, to): a new iteration of a quantified group starts without its old captures. */
  | { op: 'reset'; from: number; to: number }
  | { op: 'assert'; kind: Assertion }
  | { op: 'match' };

class Compiler {
  readonly code: Instruction[] = [];

  /** The whole pattern as group 0, then match. */
  program(tree: Node): Instruction[] {
    this.node({ t: 'group', index: 0, body: tree });
    this.code.push({ op: 'match' });
    return this.code;
  }

  private emit(i: Instruction): number {
    if (this.code.length >= MAX_PROGRAM) throw new RegexSyntaxError(`the expression compiles to more than ${MAX_PROGRAM} instructions`);
    this.code.push(i);
    return this.code.length - 1;
  }

  node(n: Node): void {
    switch (n.t) {
      case 'char':
        this.emit({ op: 'char', test: n.test });
        return;
      case 'assert':
        this.emit({ op: 'assert', kind: n.kind });
        return;
      case 'seq':
        n.items.forEach((item) => this.node(item));
        return;
      case 'group':
        if (n.index === undefined) return this.node(n.body);
        this.emit({ op: 'save', slot: 2 * n.index });
        this.node(n.body);
        this.emit({ op: 'save', slot: 2 * n.index + 1 });
        return;
      case 'alt': {
        // split (this option | the rest), in order: the earlier option has priority.
        const jumps: number[] = [];
        n.options.forEach((option, i) => {
          if (i === n.options.length - 1) return this.node(option);
          const split = this.emit({ op: 'split', x: 0, y: 0 });
          this.node(option);
          jumps.push(this.emit({ op: 'jmp', x: 0 }));
          this.patchSplit(split, split + 1, this.code.length);
        });
        for (const j of jumps) (this.code[j] as { x: number }).x = this.code.length;
        return;
      }
      case 'repeat':
        return this.repeat(n);
    }
  }

  private patchSplit(at: number, x: number, y: number): void {
    const s = this.code[at] as { x: number; y: number };
    s.x = x;
    s.y = y;
  }

  /** A split preferring the body when greedy, what follows when lazy. */
  private choice(at: number, body: number, after: number, greedy: boolean): void {
    this.patchSplit(at, greedy ? body : after, greedy ? after : body);
  }

  private repeat(n: Extract<Node, { t: 'repeat' }>): void {
    const iteration = () => {
      if (n.captures) this.emit({ op: 'reset', from: n.captures[0], to: n.captures[1] });
      this.node(n.body);
    };
    for (let i = 0; i < n.min; i++) iteration();
    if (n.max === Infinity) {
      const split = this.emit({ op: 'split', x: 0, y: 0 });
      iteration();
      this.emit({ op: 'jmp', x: split });
      this.choice(split, split + 1, this.code.length, n.greedy);
      return;
    }
    const splits: number[] = [];
    for (let i = n.min; i < n.max; i++) {
      splits.push(this.emit({ op: 'split', x: 0, y: 0 }));
      iteration();
    }
    for (const s of splits) this.choice(s, s + 1, this.code.length, n.greedy);
  }
}

// --- Running --------------------------------------------------------------------------------------------------

export interface Program {
  readonly source: string;
  readonly flags: string;
  readonly code: readonly Instruction[];
  /** Capturing groups, not counting the whole match. */
  readonly groups: number;
  readonly multiline: boolean;
}

const ALLOWED_FLAGS = /^[gimsu]*$/;

/** Compiles a pattern; throws RegexSyntaxError for what this engine does not take. */
export function compileRegex(source: string, flags = ''): Program {
  if (!ALLOWED_FLAGS.test(flags)) throw new RegexSyntaxError(`flags '${flags}': only g, i, m, s and u are supported`);
  const parser = new Parser(source, { i: flags.includes('i'), m: flags.includes('m'), s: flags.includes('s'), u: flags.includes('u') });
  const code = new Compiler().program(parser.parse());
  return { source, flags, code, groups: parser.groups, multiline: flags.includes('m') };
}

/** compileRegex remembered by flags and source. */
const compiled = memoized((key: string) => {
  const slash = key.indexOf('/');
  return compileRegex(key.slice(slash + 1), key.slice(0, slash));
});
export const cachedRegex = (source: string, flags = '') => compiled(`${flags}/${source}`);

interface Thread {
  pc: number;
  caps: number[];
}

/** Budgets of VM steps counted in chunks, so that the budget's own bookkeeping stays off the hot path. */
const CHUNK = 4096;

/**
 * The leftmost match at or after `from`: [start, end] of the whole match then of each group (-1 when a group
 * took no part), or null. Time: (characters scanned + 1) × program size at most, every step paid to `budget`.
 */
export function execProgram(program: Program, input: string, from: number, budget?: RegexBudget): number[] | null {
  const { code } = program;
  const slots = 2 * (program.groups + 1);
  /** The position a thread at each instruction was last added for: one thread per instruction per position. */
  const mark = new Int32Array(code.length).fill(-1);
  let owed = 0;
  const pay = () => {
    if (budget) budget.spend(owed);
    owed = 0;
  };
  const at = (pos: number) => (pos >= 0 && pos < input.length ? input.charCodeAt(pos) : -1);
  const holds = (kind: Assertion, pos: number): boolean => {
    switch (kind) {
      case 'start':
        return pos === 0 || (program.multiline && isLineTerminator(at(pos - 1)));
      case 'end':
        return pos === input.length || (program.multiline && isLineTerminator(at(pos)));
      case 'word':
      case 'notWord': {
        const boundary = (at(pos - 1) >= 0 && isWordChar(at(pos - 1))) !== (at(pos) >= 0 && isWordChar(at(pos)));
        return kind === 'word' ? boundary : !boundary;
      }
    }
  };
  /** Follows the empty transitions from `pc`, adding the threads that wait on a character (or match) in priority order. */
  const add = (list: Thread[], pc0: number, caps0: number[], pos: number, generation: number) => {
    const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
    while (stack.length > 0) {
      const { pc, caps } = stack.pop()!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      if (++owed >= CHUNK) pay();
      const inst = code[pc];
      switch (inst.op) {
        case 'jmp':
          stack.push({ pc: inst.x, caps });
          break;
        case 'split':
          stack.push({ pc: inst.y, caps }, { pc: inst.x, caps }); // x is popped first: it has priority
          break;
        case 'save': {
          const copy = caps.slice();
          copy[inst.slot] = pos;
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case 'reset': {
          const copy = caps.slice();
          copy.fill(-1, inst.from, inst.to);
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case 'assert':
          if (holds(inst.kind, pos)) stack.push({ pc: pc + 1, caps });
          break;
        default:
          list.push({ pc, caps });
      }
    }
  };
  let matched: number[] | null = null;
  let current: Thread[] = [];
  for (let pos = from; pos <= input.length; pos++) {
    if (matched === null) add(current, 0, new Array<number>(slots).fill(-1), pos, pos);
    else if (current.length === 0) break; // nothing left that could beat the match found
    if (current.length === 0) continue; // no thread here (an assertion failed): start again further on
    const next: Thread[] = [];
    const c = at(pos);
    for (const thread of current) {
      const inst = code[thread.pc];
      if (inst.op === 'match') {
        matched = thread.caps;
        break; // threads after this one have lower priority
      }
      if (c >= 0 && (inst as { test: Test }).test(c)) add(next, thread.pc + 1, thread.caps, pos + 1, pos + 1);
    }
    owed += current.length;
    if (owed >= CHUNK) pay();
    current = next;
  }
  pay();
  return matched;
}

/**
 * What JSONata's `RegexEngine` option needs, and JavaScript's RegExp gives: `lastIndex` and `exec` answering
 * [match, ...groups] with `index` (global: the search starts at lastIndex and moves it past the match).
 */
export class BoundedRegExp {
  lastIndex = 0;
  readonly global: boolean;

  constructor(
    readonly program: Program,
    private readonly budget?: RegexBudget,
  ) {
    this.global = program.flags.includes('g');
  }

  get source(): string {
    return this.program.source;
  }

  get flags(): string {
    return this.program.flags;
  }

  exec(input: string): (RegExpExecArray & string[]) | null {
    const from = this.global ? this.lastIndex : 0;
    if (from > input.length) {
      this.lastIndex = 0;
      return null;
    }
    const caps = execProgram(this.program, input, from, this.budget);
    if (!caps) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const out = [] as unknown as RegExpExecArray & string[];
    for (let g = 0; g <= this.program.groups; g++)
      out.push(caps[2 * g] < 0 ? (undefined as unknown as string) : input.slice(caps[2 * g], caps[2 * g + 1]));
    out.index = caps[0];
    out.input = input;
    if (this.global) this.lastIndex = caps[1];
    return out;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }
}
