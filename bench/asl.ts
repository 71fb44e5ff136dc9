/**
 * The States Language runtime, each figure a ratio against a floor measured in the same run:
 * - interpreter: the Secret Santa state machine (examples/state-machines/secret-santa.asl.json) run by the
 *   interpreter, against the hand-written secretSanta workflow: 1,000 people, the same worker, the same fake
 *   Mailgun and Twilio, alternating runs in one process. The target is at most 1.3× the hand-written time.
 * - loop: the 5,000-page loop of examples/state-machines/records.asl.json (10,000 Tasks) on the States Language
 *   worker, continuing as new, against the same activities in a hand-written loop (bench/asl-loop.ts).
 * - isolation: Secret Santa latency p50 with the hostile corpus running on the States Language worker, against
 *   without (bench/asl-isolation.ts). The target is at most 1.2×.
 * - sfn: the Step Functions API through the AWS SDK: StartExecution calls per second against bare
 *   `client.workflow.start` (target at least 0.8×), and a callback's round trip p50 (bench/asl-sfn.ts).
 * ASL_PARTS=loop,isolation runs only those parts and writes nothing: for trying a change quickly.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createObjectStore, type ObjectStore } from '../storage/object-store';
import { uploadParticipants } from '../storage/run-data';
import { executionOutcome } from 'states-language-temporal/client';
import type { Definition } from 'states-language-temporal';
import { startRun } from '../testkit/runs';
import { type IsolationResult, latencyUnderHostileLoad, type PhaseResult, TARGET as ISOLATION_TARGET } from './asl-isolation';
import { type SfnResult, sfnApiBench, TARGET as SFN_TARGET } from './asl-sfn';
import { fiveThousandPages, type LoopResult, type LoopRun } from './asl-loop';
import { startStateMachineWorkerProcess, type WorkerProcess } from './asl-worker-process';
import { stateMachine } from '../workflows';
import { formatMs, formatRatio, markdownTable, median, type Progress, type Suite } from './report';
import { type BenchStack, startBenchStack } from './stack';

const PEOPLE = 1000;
const ROUNDS = 5;
const TARGET = 1.3;

function participantsCsv(n: number): string {
  return Array.from({ length: n }, (_, i) => `Person ${i},p${i}@example.com,+4477009${String(i).padStart(5, '0')},`).join('\n');
}

const PARTS = ['interpreter', 'loop', 'isolation', 'sfn'] as const;
type Part = (typeof PARTS)[number];

function aslParts(): Set<Part> {
  const named = process.env.ASL_PARTS?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!named) return new Set(PARTS);
  const unknown = named.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length > 0) throw new Error(`ASL_PARTS: unknown ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(named as Part[]);
}

interface InterpreterResult {
  people: number;
  rounds: number;
  target: number;
  times: { handWritten: number[]; interpreter: number[] };
  medians: { handWritten: number; interpreter: number };
  ratio: number;
}

async function interpreterVsHandWritten({ env, config }: BenchStack, store: ObjectStore, progress: Progress): Promise<InterpreterResult> {
  const definition = JSON.parse(readFileSync(join(__dirname, '../examples/state-machines/secret-santa.asl.json'), 'utf8')) as Definition;
  const csv = participantsCsv(PEOPLE);
  const times = { handWritten: [] as number[], interpreter: [] as number[] };
  const handWritten = async () => {
    const started = performance.now();
    const status = await (await startRun(env.client, config, { csv, seed: 1 })).result();
    if (status.email.sent !== PEOPLE || status.sms.sent !== PEOPLE)
      throw new Error(`hand-written run sent ${status.email.sent} emails, ${status.sms.sent} SMS`);
    return performance.now() - started;
  };
  const interpreted = async () => {
    const started = performance.now();
    const id = `secret-santa-${randomUUID()}`;
    const csvKey = await uploadParticipants(store, id, csv);
    const handle = await env.client.workflow.start(stateMachine, {
      workflowId: id,
      taskQueue: config.temporal.taskQueue,
      args: [{ definition, input: { csvKey }, name: 'secret-santa' }],
    });
    const outcome = await executionOutcome(handle.result());
    const output = outcome.status === 'SUCCEEDED' ? (outcome.output as { email: { sent: number }; sms: { sent: number } }) : undefined;
    if (!output || output.email.sent !== PEOPLE || output.sms.sent !== PEOPLE)
      throw new Error(`interpreted run: ${JSON.stringify(outcome).slice(0, 300)}`);
    return performance.now() - started;
  };
  progress('warming up (one small run of each)');
  // Warm-up: bundles are loaded and caches filled before anything is timed.
  await (await startRun(env.client, config, { csv: participantsCsv(10), seed: 1 })).result();
  await executionOutcome(
    (
      await env.client.workflow.start(stateMachine, {
        workflowId: `warm-${randomUUID()}`,
        taskQueue: config.temporal.taskQueue,
        args: [{ definition, input: { csvKey: await uploadParticipants(store, 'warm', participantsCsv(10)) }, name: 'secret-santa' }],
      })
    ).result(),
  );
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating, so both see the same machine state.
    times.handWritten.push(await handWritten());
    progress(`round ${round}: hand-written ${formatMs(times.handWritten.at(-1)!)}`);
    times.interpreter.push(await interpreted());
    progress(`round ${round}: interpreter ${formatMs(times.interpreter.at(-1)!)}`);
  }
  const medians = { handWritten: median(times.handWritten), interpreter: median(times.interpreter) };
  return { people: PEOPLE, rounds: ROUNDS, target: TARGET, times, medians, ratio: medians.interpreter / medians.handWritten };
}

export const suite: Suite = {
  name: 'asl',
  async run(progress) {
    const parts = aslParts();
    progress(`parts: ${[...parts].join(', ')}`);
    const stack = await startBenchStack('asl', progress);
    const store = createObjectStore(stack.config.storage);
    let aslWorker: WorkerProcess | undefined;
    const results: Partial<Results> = {};
    try {
      await stack.worker.runUntil(async () => {
        if (parts.has('interpreter')) results.interpreter = await interpreterVsHandWritten(stack, store, progress);
        if (!parts.has('loop') && !parts.has('isolation') && !parts.has('sfn')) return;
        progress(`starting the States Language worker in a process of its own (queue ${stack.config.temporal.aslTaskQueue})`);
        aslWorker = await startStateMachineWorkerProcess(stack.env.address, stack.config, (crash) =>
          progress(
            `the States Language worker's process died (${crash.signal ?? `exit ${crash.code}`}: ` +
              `${crash.reason ?? 'no reason printed'}); starting it again, as compose's restart: unless-stopped does`,
          ),
        );
        if (parts.has('loop'))
          results.loop = await fiveThousandPages(stack.env.client, store, stack.config.temporal.aslTaskQueue, progress);
        if (parts.has('isolation')) results.isolation = await latencyUnderHostileLoad(stack.env.client, stack.config, aslWorker, progress);
        if (parts.has('sfn')) results.sfn = await sfnApiBench(stack, store, progress);
      });
    } finally {
      await aslWorker?.close();
      store.close();
      await stack.close();
    }
    if (!PARTS.every((part) => results[part] !== undefined)) return { markdown: '', data: results, partial: true };
    const complete = results as Results;
    return { markdown: report(complete), data: complete };
  },
};

interface Results {
  interpreter: InterpreterResult;
  loop: LoopResult;
  isolation: IsolationResult;
  sfn: SfnResult;
}

const count = (n: number) => n.toLocaleString('en');

function report({ interpreter: i, loop, isolation: iso, sfn }: Results): string {
  const loopRow = (name: string, run: LoopRun) => [
    name,
    `${count(run.records / loop.pageSize)} pages, ${count(run.tasks)} Tasks`,
    formatMs(run.ms),
    formatMs(run.msPerTask),
    count(run.runs.length),
    count(run.longest.historyLength) + historyRead(run),
    `${count(run.output.processed)} / ${count(run.output.total)}`,
  ];
  /** The history's length as read back, when it differs from visibility's. */
  const historyRead = ({ longest }: LoopRun) =>
    longest.fetchedEvents !== longest.historyLength ? ` (history read: ${count(longest.fetchedEvents)})` : '';
  const unexpected = iso.hostile.stats.filter((s) => s.unexpected > 0 || s.startErrors > 0);
  const endedOtherwise = (s: IsolationResult['hostile']['stats'][number]) =>
    `${s.name} (${s.unexpected} of ${s.ended} ended otherwise` +
    `${s.startErrors ? `, ${s.startErrors} starts refused` : ''}: ${s.lastUnexpected})`;
  const phaseRow = (name: string, p: PhaseResult) => [
    name,
    String(p.runs.length),
    formatMs(p.p50),
    formatMs(p.p95),
    p.aslWorkerCores.toFixed(2),
    String(p.aslWorkerCrashes),
  ];
  const crashReasons = [...new Set(iso.aslWorkerCrashes.map((c) => `${c.signal ?? `exit ${c.code}`}: ${c.reason ?? 'no reason printed'}`))];
  const met = iso.ratio <= ISOLATION_TARGET;
  return [
    '## States Language interpreter: Secret Santa machine vs the hand-written workflow',
    '',
    `${count(i.people)} people (2,000 messages through fake Mailgun and Twilio); both cut each channel ` +
      `into batches of 500, each a child workflow with at most 10 messages in flight; one worker, ` +
      `${i.rounds} alternating rounds, medians. Target: at most ${i.target}× the hand-written workflow's ` +
      `time. Ratios of each round: ` +
      `${i.times.interpreter.map((t, k) => formatRatio(t / i.times.handWritten[k])).join(', ')}.`,
    '',
    markdownTable(
      ['workflow', 'median', 'runs', 'ratio'],
      [
        ['hand-written `secretSanta` (floor)', formatMs(i.medians.handWritten), i.times.handWritten.map(formatMs).join(', '), '1.0×'],
        [
          '`stateMachine` running secret-santa.asl.json',
          formatMs(i.medians.interpreter),
          i.times.interpreter.map(formatMs).join(', '),
          formatRatio(i.ratio),
        ],
      ],
    ),
    '',
    i.ratio <= i.target
      ? `Within the target (${i.ratio.toFixed(2)}× ≤ ${i.target}×).`
      : `Over the target: ${i.ratio.toFixed(2)}× > ${i.target}×.`,
    '',
    '## States Language: the 5,000-page loop',
    '',
    `examples/state-machines/records.asl.json over ${count(loop.records)} records, ${loop.pageSize} a ` +
      `page: ${count(loop.records / loop.pageSize)} pages, ${count(loop.tasks)} Tasks (fetchRecords, ` +
      `processBatch) and the final saveResults, one at a time, on the States Language worker's own queue ` +
      `and process, started as the API starts a stored machine. A run continues as new before ` +
      `${count(loop.continueAfterEvents)} events or when the server suggests it (the dev server does from ` +
      `4,096), under one workflow id: runs listed through visibility (\`WorkflowId = "…"\`), the longest ` +
      `history's length visibility's, checked against the history read back. The totals are checked in the ` +
      `output and in the saved results: ${count(loop.records)} processed, totalling ` +
      `${count(loop.expectedTotal)} (the sum of \`recordValue(id)\`).`,
    '',
    `**Floor**: the time a Task takes in \`recordsLoop\` (bench/asl-workflows.ts), the same activities ` +
      `with the same options (one attempt, Step Functions' default timeout) in a hand-written workflow ` +
      `loop that continues as new the same way, on the same worker, run first, over a tenth of the pages ` +
      `(a sequential activity costs tens of milliseconds on this dev server, so the loop alone takes ` +
      `minutes; with histories cut short a Task's time does not grow with the loop's length). The ratio, ` +
      `per Task, is what the interpreter's Pass, Choice, JSONPath, intrinsics, quota checks and breaths ` +
      `add to the activities' own round trips.`,
    '',
    markdownTable(
      ['loop', 'length', 'total time', 'per Task', 'runs', 'longest history (events)', 'processed / total'],
      [loopRow('hand-written `recordsLoop` (floor)', loop.floor), loopRow('`stateMachine` running records.asl.json', loop.interpreter)],
    ),
    '',
    `Per Task, the interpreter took ${formatRatio(loop.ratio)} the hand-written loop's time.`,
    '',
    '## States Language: Secret Santa latency while hostile definitions run',
    '',
    `Secret Santa runs of ${iso.people} people (${iso.people * 2} messages), one at a time, POST ` +
      `/allocations → done as the scale suite measures latency, on the pipeline's queue and its worker (in ` +
      `the bench's process). **Hostile corpus**, at the same time, on the States Language queue, served by ` +
      `its worker in a process of its own (started again whenever it dies, as compose's \`restart: ` +
      `unless-stopped\` does): ${iso.corpus.used.length} cases of ` +
      `${iso.corpus.file ?? 'no corpus file'}${iso.corpus.error ? ` (${iso.corpus.error})` : ''}, those ` +
      `the API accepts at PUT (${iso.corpus.refusedAtPut.length} more are refused there and never run), ` +
      `each started again when it ends, at most once every ${iso.restartEveryMs / 1000} s; and ` +
      `${iso.runaways.length} of our own that run until stopped: ${iso.runaways.join('; ')}. ` +
      `${count(iso.hostile.started)} hostile executions were started in the ` +
      `${formatMs(iso.hostile.withMs)} the corpus ran; the ${count(iso.hostile.terminated)} still running ` +
      `at the end were terminated, and none is left running on the queue. **Floor**: the same runs without ` +
      `the corpus, ${iso.before.runs.length} before it started and ${iso.after.runs.length} after it was ` +
      `stopped, each set once the States Language worker was idle (under 0.1 core over 2 s; ` +
      `${formatMs(iso.quietAfterMs)} after the corpus was stopped). Target: p50 with the corpus at most ` +
      `${ISOLATION_TARGET}× without.`,
    '',
    markdownTable(
      ['phase', 'runs', 'p50', 'p95', 'States Language worker CPU (cores)', 'its process died'],
      [
        phaseRow('without: before the corpus', iso.before),
        phaseRow('without: after the corpus', iso.after),
        [
          '**without** (both: the floor)',
          String(iso.before.runs.length + iso.after.runs.length),
          formatMs(iso.without.p50),
          formatMs(iso.without.p95),
          '',
          '',
        ],
        phaseRow('**with** the hostile corpus running', iso.with),
      ],
    ),
    '',
    `Ratio of p50s, with / without: **${iso.ratio.toFixed(2)}×**: ` +
      `${met ? `within the target (≤ ${ISOLATION_TARGET}×)` : `**over the target** (> ${ISOLATION_TARGET}×)`}.`,
    ...(iso.aslWorkerCrashes.length > 0
      ? [
          '',
          `**The States Language worker's process died ${iso.aslWorkerCrashes.length} times** in this part, ` +
            `${iso.with.aslWorkerCrashes} of them during the timed runs with the corpus ` +
            `(${crashReasons.join('; ')}) and was started again each time; the pipeline's worker never stopped.`,
        ]
      : ['', "The States Language worker's process never died."]),
    ...(unexpected.length > 0
      ? [
          '',
          `Hostile cases that ended otherwise than the corpus expects, or whose start was refused: ` +
            `${unexpected.map(endedOtherwise).join('; ')}.`,
        ]
      : []),
    '',
    ...sfnReport(sfn),
  ].join('\n');
}

function sfnReport(r: SfnResult): string[] {
  const perSecond = (n: number) => `${n.toFixed(0)}/s`;
  return [
    '## Step Functions API: StartExecution through the AWS SDK, and a callback round trip',
    '',
    `\`@aws-sdk/client-sfn\` StartExecution against the API (SigV4, AWS JSON 1.0), against bare ` +
      `\`client.workflow.start\` of the same workflow with the API's arguments: ${count(r.starts)} calls each, ` +
      `${r.concurrency} at a time, ${r.rounds} alternating rounds, medians; a one-Pass machine on the States ` +
      `Language worker's own process. Target: at least ${r.target}× the bare rate.`,
    '',
    markdownTable(
      ['start', 'median', 'rounds'],
      [
        ['bare `client.workflow.start` (floor)', perSecond(r.medians.bare), r.bare.map(perSecond).join(', ')],
        ['SDK StartExecution', perSecond(r.medians.sdk), r.sdk.map(perSecond).join(', ')],
      ],
    ),
    '',
    `Ratio: **${r.ratio.toFixed(2)}×**: ` +
      `${r.ratio >= SFN_TARGET ? `within the target (≥ ${SFN_TARGET}×)` : `**under the target** (< ${SFN_TARGET}×)`}.`,
    '',
    `A callback's round trip (${r.callbacks.count} executions one after another: SendTaskSuccess sent until the ` +
      `execution, whose next state is a Pass that ends it, has ended): p50 ${formatMs(r.callbacks.p50)}, ` +
      `p95 ${formatMs(r.callbacks.p95)}.`,
  ];
}
