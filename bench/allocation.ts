/**
 * The allocation engine against the npm package gift-exchange (4.x) on the same inputs: whether
 * each answers correctly, and how fast. gift-exchange runs in a child process so it can be stopped
 * at its time-out even inside one long attempt; both are timed around the call alone.
 * Then checking a participants file (decoding, parsing, validating) against parsing it with
 * csv-parse alone. ALLOCATION_PARTS=check (or draws) runs one part and writes nothing: for trying
 * a change quickly.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as csvParse } from 'csv-parse/sync';
import { allocate } from '../lib/allocation/allocate';
import { checkAllocation } from '../lib/allocation/check';
import { NoDrawError } from '../lib/allocation/explain';
import { CSV_OPTIONS } from '../lib/participants/records';
import { checkParticipants } from '../lib/participants/validate';
import { createRng, type Rng, shuffle } from '../lib/random';
import type { AllocationOptions, Pair, Participant } from '../lib/types';
import { formatMs, formatRatio, markdownTable, median, type Progress, type Suite, timed } from './report';

const OUR_RUNS = 5;
const THEIR_RUNS = 3;
/** gift-exchange's own time-out, and ours for it: it is stopped this long after it started. */
const THEIR_TIMEOUT_MS = 10_000;

interface Input {
  name: string;
  participants: Participant[];
  drawExists: boolean;
  /** Whether one loop through everyone exists, as built. */
  loopExists: boolean;
}

type Outcome = 'valid draw' | 'invalid draw' | 'no draw' | 'gave up' | 'error' | 'timed out';

interface Run {
  ms: number;
  outcome: Outcome;
  /** The reason given, for answers without a draw. */
  message?: string;
}

interface EngineResult {
  engine: string;
  runs: Run[];
  /** Runs that answered correctly: a valid draw when one exists, "no draw" when none does. */
  correct: number;
  medianMs: number;
}

const PARTS = ['draws', 'check', 'cli'] as const;
type Part = (typeof PARTS)[number];

/** ALLOCATION_PARTS=check runs only that part and writes nothing (run.ts skips partial results). */
function allocationParts(): Set<Part> {
  const named = process.env.ALLOCATION_PARTS?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!named) return new Set(PARTS);
  const unknown = named.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length > 0) throw new Error(`ALLOCATION_PARTS: unknown ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(named as Part[]);
}

export const suite: Suite = {
  name: 'allocation',
  async run(progress) {
    const parts = allocationParts();
    const draws = parts.has('draws') ? await drawAll(progress) : undefined;
    const check = parts.has('check') ? checkAll(progress) : undefined;
    const cli = parts.has('cli') ? cliAll(progress) : undefined;
    const markdown = [draws && report(draws), check && checkReport(check), cli && cliReport(cli)].filter(Boolean).join('\n\n');
    return { markdown, data: { draws, participantsCheck: check, cli }, partial: parts.size < PARTS.length };
  },
};

async function drawAll(progress: Progress): Promise<DrawResult[]> {
  const results: DrawResult[] = [];
  for (const input of inputs()) {
    const exclusions = input.participants.reduce((sum, p) => sum + p.exclusions.length, 0);
    progress(`${input.name}: ${input.participants.length.toLocaleString('en')} people, ${exclusions.toLocaleString('en')} exclusions`);
    const floor = median(Array.from({ length: OUR_RUNS }, (_, i) => timed(() => shuffleFloor(input.participants.length, i)).ms));
    const engines = [
      ours(input, 'ours', {}, input.drawExists, progress),
      ours(input, 'ours, single loop', { singleCycle: true }, input.loopExists, progress),
      await theirs(input, progress),
    ];
    results.push({
      input: input.name,
      people: input.participants.length,
      exclusions,
      drawExists: input.drawExists,
      loopExists: input.loopExists,
      floorMs: floor,
      engines,
    });
  }
  return results;
}

interface DrawResult {
  input: string;
  people: number;
  exclusions: number;
  drawExists: boolean;
  loopExists: boolean;
  floorMs: number;
  engines: EngineResult[];
}

/** The least any draw costs: one shuffle of everyone, with the same generator. */
function shuffleFloor(n: number, seed: number): number[] {
  return shuffle(
    Array.from({ length: n }, (_, i) => i),
    createRng(seed),
  );
}

function ours(input: Input, engine: string, options: AllocationOptions, exists: boolean, progress: Progress): EngineResult {
  const runs: Run[] = [];
  for (let seed = 1; seed <= OUR_RUNS; seed++) {
    const { ms, value } = timed((): Pair[] | NoDrawError => {
      try {
        return allocate(input.participants, seed, options).pairs;
      } catch (error) {
        if (!(error instanceof NoDrawError)) throw error;
        return error;
      }
    });
    if (value instanceof NoDrawError) {
      runs.push({ ms, outcome: value.proved ? 'no draw' : 'gave up', message: value.message });
    } else {
      const valid = checkAllocation(input.participants, value, options).length === 0;
      runs.push({ ms, outcome: valid ? 'valid draw' : 'invalid draw' });
    }
    progress(`  ${engine}, run ${seed}/${OUR_RUNS}: ${runs[runs.length - 1].outcome} in ${formatMs(ms)}`);
  }
  return summarise(engine, runs, exists);
}

function summarise(engine: string, runs: Run[], exists: boolean): EngineResult {
  const right: Outcome = exists ? 'valid draw' : 'no draw';
  return { engine, runs, correct: runs.filter((r) => r.outcome === right).length, medianMs: median(runs.map((r) => r.ms)) };
}

/** Runs in the child: reads the input on stdin, prints one JSON line per event. */
const THEIR_CHILD = `
const { calculate } = require('gift-exchange');
const { performance } = require('node:perf_hooks');
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (text += chunk));
process.stdin.on('end', () => {
  const { names, exclusions, runs, timeout } = JSON.parse(text);
  const people = names.map((name) => ({ name }));
  const rules = exclusions.map(([i, j]) => ({ type: 'name', subject: names[i], excludedType: 'name', excludedSubject: names[j] }));
  const send = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
  for (let run = 0; run < runs; run++) {
    send({ event: 'start' });
    const start = performance.now();
    try {
      const matches = calculate(people, { exclusions: rules, timeout });
      send({ event: 'done', ms: performance.now() - start, recipients: matches.map((p) => p.name) });
    } catch (error) {
      send({ event: 'error', ms: performance.now() - start, message: String(error && error.message) });
    }
  }
});
`;

/** gift-exchange on the same people and exclusions; stopped once it overruns its time-out. */
async function theirs(input: Input, progress: Progress): Promise<EngineResult> {
  const { participants } = input;
  const index = new Map(participants.map((p, i) => [p.name, i]));
  const exclusions = participants.flatMap((p, i) => p.exclusions.map((name) => [i, index.get(name)]));
  const child = spawn(process.execPath, ['-e', THEIR_CHILD], { cwd: join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ names: participants.map((p) => p.name), exclusions, runs: THEIR_RUNS, timeout: THEIR_TIMEOUT_MS }));

  const runs: Run[] = [];
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  for await (const line of lines) {
    const event = JSON.parse(line) as { event: string; ms: number; recipients?: string[]; message?: string };
    if (event.event === 'start') {
      started = Date.now();
      // A little grace: gift-exchange only looks at the clock between attempts.
      timer = setTimeout(() => child.kill('SIGKILL'), THEIR_TIMEOUT_MS + 1_000);
      continue;
    }
    clearTimeout(timer);
    started = 0;
    if (event.recipients) {
      const pairs = participants.map((p, i) => ({ giver: p.name, recipient: event.recipients![i] }));
      runs.push({ ms: event.ms, outcome: checkAllocation(participants, pairs).length === 0 ? 'valid draw' : 'invalid draw' });
    } else {
      runs.push({ ms: event.ms, outcome: 'error', message: event.message });
    }
    progress(`  gift-exchange, run ${runs.length}/${THEIR_RUNS}: ${runs[runs.length - 1].outcome} in ${formatMs(event.ms)}`);
  }
  await exited;
  clearTimeout(timer);
  if (started > 0) {
    // Killed mid-run: further runs would only time out again.
    runs.push({ ms: Date.now() - started, outcome: 'timed out' });
    progress(`  gift-exchange, run ${runs.length}/${THEIR_RUNS}: timed out after ${formatMs(Date.now() - started)}, stopped`);
  }
  const result = summarise('gift-exchange', runs, input.drawExists);
  // Its "No combinations found" is the right verdict on an impossible input, if a slow one with no reason.
  if (!input.drawExists) result.correct = runs.filter((r) => r.outcome === 'error').length;
  return result;
}

function report(results: DrawResult[]): string {
  const rows: string[][] = [];
  for (const { input, people, exclusions, floorMs, engines } of results) {
    const them = engines.find((e) => e.engine === 'gift-exchange')!;
    const theyFinished = them.runs.every((r) => r.outcome !== 'timed out');
    for (const [k, e] of engines.entries()) {
      const vsThem = e === them ? '' : formatRatio(them.medianMs / e.medianMs, !theyFinished);
      rows.push([
        k === 0 ? `${input} (${people.toLocaleString('en')} people, ${exclusions.toLocaleString('en')} exclusions)` : '',
        e.engine,
        `${e.correct}/${e.runs.length}`,
        describe(e.runs),
        formatMs(e.medianMs) + (e.runs.some((r) => r.outcome === 'timed out') ? ' (stopped)' : ''),
        formatRatio(e.medianMs / floorMs),
        vsThem,
      ]);
    }
  }
  const answers = results
    .flatMap((r) => r.engines.filter((e) => e.engine !== 'gift-exchange').map((e) => e.runs.find((x) => x.message)?.message))
    .filter(Boolean);
  return [
    '## Allocation: this engine against gift-exchange',
    '',
    `Each input drawn ${OUR_RUNS} times by this engine (seeds 1–${OUR_RUNS}) and up to ${THEIR_RUNS} times by`,
    `[gift-exchange](https://www.npmjs.com/package/gift-exchange) 4.x, given a ${THEIR_TIMEOUT_MS / 1000} s time-out (its own option, and`,
    'the bench stops its process 1 s after that, as it only looks at the clock between attempts; after a stop',
    'it is not run again on that input). Every draw is checked by `checkAllocation`. "Correct" counts valid',
    'draws where one exists and a "no draw" answer where none does. Times are medians, around the call',
    'alone; "÷ floor" divides by one shuffle of everyone with the same generator, measured in the same',
    'run; "gift-exchange ÷ this" is how many times longer gift-exchange took ("> " when it was stopped).',
    'gift-exchange only makes single loops (it shuffles people into one circle and retries until the',
    'circle is valid), so "ours, single loop" is the like-for-like row. The machine is shared with other',
    'work: compare ratios, not absolute times.',
    '',
    markdownTable(['input', 'engine', 'correct', 'answers', 'median', '÷ floor', 'gift-exchange ÷ this'], rows),
    '',
    'What this engine said when there was no draw (first run of each):',
    '',
    ...[...new Set(answers)].map((m) => `- ${m}`),
  ].join('\n');
}

/** "5 valid draws", "2 errors, 1 timed out". */
function describe(runs: Run[]): string {
  const counts = new Map<Outcome, number>();
  for (const r of runs) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const said = runs.find((r) => r.outcome === 'error')?.message;
  return [...counts].map(([outcome, count]) => `${count} × ${outcome}${outcome === 'error' && said ? ` ("${said}")` : ''}`).join(', ');
}

// ---- Checking a participants file against parsing it with csv-parse alone ----

/** Timed runs of each (after one untimed run of each), alternating floor and check so both see the same machine. */
const CHECK_RUNS = 9;
/** The most a check may cost, as a multiple of its floor. */
const CHECK_TARGET = 2;

interface CheckFile {
  name: string;
  people: number;
  exclusions: number;
  bytes: Buffer;
}

interface CheckResult {
  file: string;
  people: number;
  exclusions: number;
  megabytes: number;
  /** What the check found: every file here is valid, so all its people and no problems. */
  participants: number;
  problems: number;
  floorRuns: number[];
  checkRuns: number[];
  floorMs: number;
  checkMs: number;
  /** Median check ÷ median floor. */
  ratio: number;
}

function checkAll(progress: Progress): CheckResult[] {
  const results: CheckResult[] = [];
  for (const file of checkFiles()) {
    const megabytes = file.bytes.length / 1e6;
    progress(`participants check, ${file.name}: ${megabytes.toFixed(1)} MB`);
    // Both read the file's bytes, as they arrive.
    const floor = () => csvParse(file.bytes, CSV_OPTIONS) as string[][];
    const check = () => checkParticipants(file.bytes);
    const records = floor().length;
    const found = check();
    if (records !== file.people + 1) throw new Error(`csv-parse read ${records} records, expected ${file.people + 1}`);
    const floorRuns: number[] = [];
    const checkRuns: number[] = [];
    for (let run = 1; run <= CHECK_RUNS; run++) {
      floorRuns.push(timed(floor).ms);
      checkRuns.push(timed(check).ms);
      progress(`  run ${run}/${CHECK_RUNS}: csv-parse ${formatMs(floorRuns[run - 1])}, check ${formatMs(checkRuns[run - 1])}`);
    }
    const [floorMs, checkMs] = [median(floorRuns), median(checkRuns)];
    results.push({
      file: file.name,
      people: file.people,
      exclusions: file.exclusions,
      megabytes: Math.round(megabytes * 10) / 10,
      participants: found.participants.length,
      problems: found.problems.length,
      floorRuns,
      checkRuns,
      floorMs,
      checkMs,
      ratio: checkMs / floorMs,
    });
    progress(`  median: csv-parse ${formatMs(floorMs)}, check ${formatMs(checkMs)}: ${formatRatio(checkMs / floorMs)}`);
  }
  return results;
}

function checkReport(results: CheckResult[]): string {
  const rows = results.map((r) => [
    `${r.file} (${r.megabytes} MB, ${r.exclusions.toLocaleString('en')} exclusions)`,
    `${r.participants.toLocaleString('en')} participants, ${r.problems} problems`,
    formatMs(r.floorMs),
    formatMs(r.checkMs),
    formatRatio(r.ratio),
    r.ratio <= CHECK_TARGET ? 'yes' : '**no**',
    r.checkRuns.map((ms, i) => formatRatio(ms / r.floorRuns[i])).join(', '),
  ]);
  return [
    '## Checking a participants file: against csv-parse alone',
    '',
    "`checkParticipants` on a file's bytes (decoding, parsing, validating; `santa allocate` does just this) against",
    '`csv-parse` alone on the same bytes with the options the check gives it: the floor. Each timed',
    `${CHECK_RUNS} times after one untimed run, floor and check alternating; "÷ floor" is the check's median over`,
    `the floor's, from the same run, then each round's own. Target: at most ${CHECK_TARGET}×. Both files are valid and built`,
    "from a fixed seed: people's first and last names (some with accents; in the 100,000 a middle initial too), an",
    'email each, a phone for one in three, a group for one in four, exclusions spelt as their rows spell them.',
    'The check reads plain RFC 4180 records itself (lib/participants/plain-records.ts) and hands csv-parse the',
    'file from the first record that is not plain, if any (a broken quote, say), for its errors.',
    '',
    markdownTable(['file', 'the check found', 'csv-parse (floor)', 'check', '÷ floor', `≤ ${CHECK_TARGET}×`, 'each round'], rows),
  ].join('\n');
}

const FIRST_NAMES = [
  'Olivia',
  'Noah',
  'Amelia',
  'Oliver',
  'Isla',
  'George',
  'Ava',
  'Arthur',
  'Mia',
  'Muhammad',
  'Ivy',
  'Leo',
  'Lily',
  'Harry',
  'Isabella',
  'Oscar',
  'Rosie',
  'Archie',
  'Sophia',
  'Henry',
  'Grace',
  'Theodore',
  'Willow',
  'Freddie',
  'Florence',
  'Jack',
  'Freya',
  'Charlie',
  'Ella',
  'Theo',
  'Evie',
  'Alfie',
  'Poppy',
  'Jacob',
  'Sienna',
  'Thomas',
  'Daisy',
  'Finley',
  'Elsie',
  'Arlo',
  'Zoë',
  'José',
  'Chloé',
  'Søren',
  'Aoife',
  'Siobhán',
  'Björn',
  'Renée',
  'Łukasz',
  'Ines',
];
const LAST_NAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Wood',
  'Jackson',
  'Clarke',
  'Patel',
  'Khan',
  'Lewis',
  'James',
  'Phillips',
  'Mason',
  'Mitchell',
  'Rose',
  'Davis',
  'Rodriguez',
  'Cox',
  'Alexander',
  'Morgan',
  'Moore',
  'Mills',
  'King',
  'Adams',
  'Garcia',
  'Baker',
  'Hill',
  'Scott',
  'Young',
  'Turner',
  'Parker',
  'Collins',
  'Edwards',
  'Stewart',
  'Morris',
  'Murphy',
  'Cook',
  'Rogers',
  'Morgan-Price',
  'Bell',
  'Ward',
  'Watson',
  'Gray',
  'Hughes',
  'Price',
  'Bennett',
  'Wood-Hall',
  'Harris',
  'Martin',
  'Cooper',
  'Lee',
  'Kelly',
  'Carter',
  'Shaw',
  'Holmes',
  'Ångström',
  'Müller',
  'Núñez',
  "O'Brien",
  'Nguyễn',
  'Kowalski',
  'Dubois',
  'Rossi',
  'Fernández',
  'Schmidt',
  'Novak',
  'Jensen',
];

/** `n` distinct names: first and last names, with a middle initial once those run out. */
function personNames(n: number): string[] {
  const pairs = FIRST_NAMES.length * LAST_NAMES.length;
  return Array.from({ length: n }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length];
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
    const initial = Math.floor(i / pairs);
    return initial === 0 ? `${first} ${last}` : `${first} ${String.fromCharCode(64 + initial)}. ${last}`;
  });
}

/**
 * One participants file: a header, then name, email, phone, exclusions (names joined by "; "), group;
 * with `quoted`, every cell in double quotes, as some spreadsheets write them.
 */
function participantsFile(names: string[], exclusions: number[][], rng: Rng, quoted = false): Buffer {
  const lines = ['name,email,phone,exclusions,group'];
  for (const [i, name] of names.entries()) {
    const local = name
      .normalize('NFKD')
      .replace(/[^A-Za-z ]/g, '')
      .toLowerCase()
      .split(' ')
      .join('.');
    const phone = i % 3 === 0 ? `+44 7700 ${String(900000 + rng.int(100000)).padStart(6, '0')}` : '';
    const group = i % 4 === 0 ? `Team ${1 + rng.int(50)}` : '';
    const cells = [name, `${local}.${i + 1}@example.com`, phone, exclusions[i].map((j) => names[j]).join('; '), group];
    lines.push((quoted ? cells.map((cell) => `"${cell}"`) : cells).join(','));
  }
  return Buffer.from(lines.join('\n') + '\n');
}

function checkFiles(): CheckFile[] {
  const files: CheckFile[] = [];
  // The issue's file: 2,000 people, each excluding 1,000 others by name.
  {
    const n = 2_000;
    const rng = createRng(11);
    const names = personNames(n);
    const others = Array.from({ length: n }, (_, i) => i);
    const exclusions = names.map((_, i) =>
      shuffle(
        others.filter((j) => j !== i),
        rng,
      ).slice(0, 1_000),
    );
    files.push({
      name: '2,000 people, each excluding 1,000 others',
      people: n,
      exclusions: n * 1_000,
      bytes: participantsFile(names, exclusions, rng),
    });
  }
  // The largest draw the product is built for: 100,000 people, 5% excluding 3 others; and the same
  // people with every cell quoted, which the check reads by another way than bare cells.
  for (const quoted of [false, true]) {
    const n = 100_000;
    const rng = createRng(12);
    const names = personNames(n);
    const exclusions = names.map((_, i) => {
      const chosen: number[] = [];
      if (rng.int(20) === 0) {
        while (chosen.length < 3) {
          const j = rng.int(n);
          if (j !== i && !chosen.includes(j)) chosen.push(j);
        }
      }
      return chosen;
    });
    const count = exclusions.reduce((sum, e) => sum + e.length, 0);
    files.push({
      name: `100,000 people, 5% excluding 3 others${quoted ? ', every cell quoted' : ''}`,
      people: n,
      exclusions: count,
      bytes: participantsFile(names, exclusions, rng, quoted),
    });
  }
  return files;
}

// ---- Inputs, built from a fixed seed so every run sees the same files ----

function inputs(): Input[] {
  return [
    {
      name: '100,000 people, 5% excluding 3 others',
      participants: withRandomExclusions(names(100_000), createRng(1), 0.05, 3),
      drawExists: true,
      loopExists: true,
    },
    {
      name: '2,000 people, each excluding a random half of the others',
      participants: halfExcluded(2_000, createRng(2)),
      drawExists: true,
      loopExists: true,
    },
    {
      name: 'impossible: 10,000 people, 3 of whom may only give to the same 2',
      participants: tooFewRecipients(10_000, createRng(3)),
      drawExists: false,
      loopExists: false,
    },
    {
      name: 'several loops only: 4 circles of 250 who only give inside their circle',
      participants: circles([250, 250, 250, 250]),
      drawExists: true,
      loopExists: false,
    },
    {
      name: 'several loops only: 10,000 people, 2 couples who only give to each other',
      participants: couples(10_000, createRng(4)),
      drawExists: true,
      loopExists: false,
    },
    {
      name: 'several loops only: 2 circles of 500 joined through one pair of people',
      participants: bridgedCircles(500),
      drawExists: true,
      loopExists: false,
    },
    {
      name: 'the 5 people whose only draw is A→B→C→D→E→A',
      participants: onlyOneDraw(),
      drawExists: true,
      loopExists: true,
    },
  ];
}

function names(n: number): Participant[] {
  return Array.from({ length: n }, (_, i) => ({ line: i + 1, name: `Person ${i + 1}`, exclusions: [] }));
}

/** `share` of people, picked at random, each exclude `count` distinct random others. */
function withRandomExclusions(people: Participant[], rng: Rng, share: number, count: number): Participant[] {
  const n = people.length;
  const every = Math.round(1 / share);
  for (const [i, p] of people.entries()) {
    if (rng.int(every) !== 0) continue;
    while (p.exclusions.length < count) {
      const j = rng.int(n);
      if (j !== i && !p.exclusions.includes(people[j].name)) p.exclusions.push(people[j].name);
    }
  }
  return people;
}

function halfExcluded(n: number, rng: Rng): Participant[] {
  const people = names(n);
  for (const [i, p] of people.entries()) {
    const others = shuffle(
      people.filter((_, j) => j !== i).map((q) => q.name),
      rng,
    );
    p.exclusions = others.slice(0, Math.floor((n - 1) / 2));
  }
  return people;
}

/** The issue's example at scale: Ann, Bob and Cy may only give to Di and Ed. */
function tooFewRecipients(n: number, rng: Rng): Participant[] {
  const people = withRandomExclusions(names(n), rng, 0.05, 3);
  ['Ann', 'Bob', 'Cy', 'Di', 'Ed'].forEach((name, i) => (people[i].name = name));
  for (const p of people.slice(0, 3)) p.exclusions = people.filter((q) => !['Di', 'Ed', p.name].includes(q.name)).map((q) => q.name);
  // The random exclusions above may name people renamed since: spell them as they are now.
  const renamed = new Map(['Ann', 'Bob', 'Cy', 'Di', 'Ed'].map((name, i) => [`Person ${i + 1}`, name]));
  for (const p of people.slice(3)) p.exclusions = p.exclusions.map((name) => renamed.get(name) ?? name).filter((name) => name !== p.name);
  return people;
}

function circles(sizes: number[]): Participant[] {
  const people = names(sizes.reduce((a, b) => a + b, 0));
  const circleOf: number[] = sizes.flatMap((size, c) => Array.from({ length: size }, () => c));
  for (const [i, p] of people.entries()) p.exclusions = people.filter((_, j) => circleOf[j] !== circleOf[i]).map((q) => q.name);
  return people;
}

/** Two couples who may give only to each other, among people otherwise lightly constrained. */
function couples(n: number, rng: Rng): Participant[] {
  const people = withRandomExclusions(names(n), rng, 0.05, 3);
  for (const [a, b] of [
    [0, 1],
    [2, 3],
  ]) {
    people[a].exclusions = people.filter((_, j) => j !== a && j !== b).map((q) => q.name);
    people[b].exclusions = people.filter((_, j) => j !== a && j !== b).map((q) => q.name);
  }
  return people;
}

/** Two circles; only their first members may give across (to each other): everyone is reachable, yet a loop would pass them twice. */
function bridgedCircles(size: number): Participant[] {
  const people = circles([size, size]);
  const a = people[0];
  const d = people[size];
  a.exclusions = a.exclusions.filter((name) => name !== d.name);
  d.exclusions = d.exclusions.filter((name) => name !== a.name);
  return people;
}

function onlyOneDraw(): Participant[] {
  const excludes: Record<string, string[]> = {
    A: ['C', 'D', 'E'],
    B: ['A', 'D', 'E'],
    C: ['A', 'B', 'E'],
    D: ['A', 'B', 'C'],
    E: ['B', 'C', 'D'],
  };
  return Object.entries(excludes).map(([name, exclusions], i) => ({ line: i + 1, name, exclusions }));
}

/** `santa allocate` on the 6-person example, end to end as a process, against `node -e 0`: the floor. */
const CLI_RUNS = 15;
const CLI_TARGET_MS = 250;

interface CliResult {
  floorRuns: number[];
  cliRuns: number[];
  floorMs: number;
  cliMs: number;
  ratio: number;
}

function cliAll(progress: Progress): CliResult {
  const root = join(__dirname, '..');
  // The compiled CLI, as it ships: built first, so `santa` does not fall back to the sources.
  progress('santa allocate: building (npm run build)…');
  execFileSync('bash', [join(root, 'scripts/build.sh')], { cwd: root, stdio: 'ignore' });
  const run = (args: string[]) => {
    const started = performance.now();
    const done = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`${args.join(' ')} exited ${done.status}: ${done.stderr}`);
    return performance.now() - started;
  };
  const floor = () => run(['-e', '0']);
  const cli = () => run([join(root, 'bin/santa.js'), 'allocate', join(root, 'examples/participants.csv')]);
  floor();
  cli();
  const floorRuns: number[] = [];
  const cliRuns: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    floorRuns.push(floor());
    cliRuns.push(cli());
  }
  const [floorMs, cliMs] = [median(floorRuns), median(cliRuns)];
  progress(`santa allocate: ${formatMs(cliMs)} (node -e 0: ${formatMs(floorMs)}): ${formatRatio(cliMs / floorMs)}`);
  return { floorRuns, cliRuns, floorMs, cliMs, ratio: cliMs / floorMs };
}

function cliReport(r: CliResult): string {
  return [
    '## `santa allocate` as a process: against `node -e 0`',
    '',
    `\`node bin/santa.js allocate examples/participants.csv\` (6 people; the compiled CLI, built first) and \`node -e 0\`, each run`,
    `${CLI_RUNS} times as a process after one untimed run, alternating; medians. Target: under ${CLI_TARGET_MS} ms.`,
    '',
    markdownTable(
      ['node -e 0 (floor)', 'santa allocate', '÷ floor', `< ${CLI_TARGET_MS} ms`],
      [[formatMs(r.floorMs), formatMs(r.cliMs), formatRatio(r.ratio), r.cliMs < CLI_TARGET_MS ? 'yes' : '**no**']],
    ),
  ].join('\n');
}
