/**
 * The States Language runtime, each figure a ratio against a floor measured in the same run, in parts:
 * - interpreter: the Secret Santa machine against the hand-written workflow (bench/asl-interpreter.ts).
 * - loop: the 5,000-page loop of examples/state-machines/records.asl.json (10,000 Tasks) on the States Language
 *   worker, continuing as new, against the same activities in a hand-written loop (bench/asl-loop.ts).
 * - isolation: Secret Santa latency p50 with the hostile corpus running on the States Language worker, against
 *   without (bench/asl-isolation.ts). The target is at most 1.2×.
 * - sfn: the Step Functions API through the AWS SDK: StartExecution calls per second against bare
 *   `client.workflow.start` (target at least 0.8×), and a callback's round trip p50 (bench/asl-sfn.ts).
 * - distributed-map: the 100,000-item Distributed Map over a CSV object in MinIO (time, children, longest history,
 *   largest payload; bench/asl-distributed-map.ts).
 * ASL_PARTS=loop,isolation runs only those parts: their figures replace theirs in bench/results/asl.json, the other
 * parts keep their last ones, each stamped with when and where it ran, and the asl section of bench/RESULTS.md is
 * written again from them all (ASL_PARTS= with no part only writes it again). Add a part by writing an AslPart
 * (bench/asl-part.ts) and listing it in PARTS.
 */
import { createObjectStore } from '../storage/object-store';
import { interpreterPart } from './asl-interpreter';
import { type IsolationResult, latencyUnderHostileLoad, type PhaseResult, TARGET as ISOLATION_TARGET } from './asl-isolation';
import { fiveThousandPages, type LoopResult, type LoopRun } from './asl-loop';
import { type AnyAslPart, type AslPart, keptRecords, type PartRecord, partsReport } from './asl-part';
import { distributedMapPart } from './asl-distributed-map';
import { sfnPart } from './asl-sfn';
import { startStateMachineWorkerProcess, type WorkerProcess } from './asl-worker-process';
import {
  formatCount as count,
  formatMs,
  formatRatio,
  formatStamp,
  lastSuiteResult,
  markdownTable,
  parseStamp,
  type Progress,
  type Stamp,
  type Suite,
  stamp,
} from './report';
import { startBenchStack } from './stack';

const loopPart: AslPart<LoopResult> = {
  name: 'loop',
  title: 'States Language: the 5,000-page loop',
  async run({ stack, store, progress, aslWorker }) {
    await aslWorker();
    return fiveThousandPages(stack.env.client, store, stack.config.temporal.aslTaskQueue, progress);
  },
  markdown(loop) {
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
    return [
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
    ].join('\n');
  },
};

const isolationPart: AslPart<IsolationResult> = {
  name: 'isolation',
  title: 'States Language: Secret Santa latency while hostile definitions run',
  run: async ({ stack, progress, aslWorker }) => latencyUnderHostileLoad(stack.env.client, stack.config, await aslWorker(), progress),
  markdown(iso) {
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
    const crashReasons = [
      ...new Set(iso.aslWorkerCrashes.map((c) => `${c.signal ?? `exit ${c.code}`}: ${c.reason ?? 'no reason printed'}`)),
    ];
    const met = iso.ratio <= ISOLATION_TARGET;
    return [
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
    ].join('\n');
  },
};

/** In the report's order. */
const PARTS: readonly AnyAslPart[] = [interpreterPart, loopPart, isolationPart, sfnPart, distributedMapPart];

function aslParts(): AnyAslPart[] {
  const named = process.env.ASL_PARTS?.split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (!named) return [...PARTS];
  const names = PARTS.map((part) => part.name);
  const unknown = named.filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`ASL_PARTS: unknown ${unknown.join(', ')}; parts: ${names.join(', ')}`);
  return PARTS.filter((part) => named.includes(part.name));
}

/** Runs `parts` on one bench stack, in order, each one's figures into `records` with its stamp as it ends. */
async function runParts(parts: AnyAslPart[], records: Record<string, PartRecord>, progress: Progress): Promise<void> {
  const stack = await startBenchStack('asl', progress);
  const store = createObjectStore(stack.config.storage);
  let aslWorker: Promise<WorkerProcess> | undefined;
  const startAslWorker = () => {
    aslWorker ??= (async () => {
      progress(`starting the States Language worker in a process of its own (queue ${stack.config.temporal.aslTaskQueue})`);
      return startStateMachineWorkerProcess(stack.env.address, stack.config, (crash) =>
        progress(
          `the States Language worker's process died (${crash.signal ?? `exit ${crash.code}`}: ` +
            `${crash.reason ?? 'no reason printed'}); starting it again, as compose's restart: unless-stopped does`,
        ),
      );
    })();
    return aslWorker;
  };
  try {
    await stack.worker.runUntil(async () => {
      for (const part of parts) {
        progress(`part ${part.name}`);
        const result = await part.run({ stack, store, progress, aslWorker: startAslWorker });
        records[part.name] = { ran: stamp(), result };
      }
    });
  } finally {
    await (await aslWorker?.catch(() => undefined))?.close();
    store.close();
    await stack.close();
  }
}

export const suite: Suite = {
  name: 'asl',
  async run(progress) {
    const parts = aslParts();
    progress(
      parts.length > 0
        ? `parts: ${parts.map((part) => part.name).join(', ')}`
        : 'no part to run: the asl section is written again from the last figures',
    );
    const fresh: Record<string, PartRecord> = {};
    if (parts.length > 0) await runParts(parts, fresh, progress);
    // Read once this run's parts have ended: what another run wrote meanwhile is kept too.
    const records = { ...keptRecords(lastSuiteResult('asl')), ...fresh };
    const kept = PARTS.filter((part) => records[part.name] && !parts.includes(part)).map((part) => part.name);
    if (kept.length > 0) progress(`the last figures of ${kept.join(', ')} are kept as they were`);
    const data = Object.fromEntries(PARTS.filter((part) => records[part.name]).map((part) => [part.name, records[part.name]]));
    return { markdown: partsReport(PARTS, records), data, stampedParts: true };
  },
};
