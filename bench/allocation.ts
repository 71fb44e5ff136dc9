/**
 * The allocation engine against the npm package gift-exchange (4.x) on the same inputs: whether
 * each answers correctly, and how fast. gift-exchange runs in a child process so it can be stopped
 * at its time-out even inside one long attempt; both are timed around the call alone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { allocate } from '../lib/allocation/allocate';
import { checkAllocation } from '../lib/allocation/check';
import { NoDrawError } from '../lib/allocation/explain';
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

export const suite: Suite = {
  name: 'allocation',
  async run(progress) {
    const results = [];
    for (const input of inputs()) {
      const exclusions = input.participants.reduce((sum, p) => sum + p.exclusions.length, 0);
      progress(`${input.name}: ${input.participants.length.toLocaleString('en')} people, ${exclusions.toLocaleString('en')} exclusions`);
      const floor = median(Array.from({ length: OUR_RUNS }, (_, i) => timed(() => shuffleFloor(input.participants.length, i)).ms));
      const engines = [
        ours(input, 'ours', {}, input.drawExists, progress),
        ours(input, 'ours, single loop', { singleCycle: true }, input.loopExists, progress),
        await theirs(input, progress),
      ];
      results.push({ input: input.name, people: input.participants.length, exclusions, drawExists: input.drawExists, loopExists: input.loopExists, floorMs: floor, engines });
    }
    return { markdown: report(results), data: results };
  },
};

/** The least any draw costs: one shuffle of everyone, with the same generator. */
function shuffleFloor(n: number, seed: number): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), createRng(seed));
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

function report(results: { input: string; people: number; exclusions: number; floorMs: number; engines: EngineResult[] }[]): string {
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
  const answers = results.flatMap((r) => r.engines.filter((e) => e.engine !== 'gift-exchange').map((e) => e.runs.find((x) => x.message)?.message)).filter(Boolean);
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
  return [...counts]
    .map(([outcome, count]) => `${count} × ${outcome}${outcome === 'error' && said ? ` ("${said}")` : ''}`)
    .join(', ');
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
    const others = shuffle(people.filter((_, j) => j !== i).map((q) => q.name), rng);
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
  const excludes: Record<string, string[]> = { A: ['C', 'D', 'E'], B: ['A', 'D', 'E'], C: ['A', 'B', 'E'], D: ['A', 'B', 'C'], E: ['B', 'C', 'D'] };
  return Object.entries(excludes).map(([name, exclusions], i) => ({ line: i + 1, name, exclusions }));
}
