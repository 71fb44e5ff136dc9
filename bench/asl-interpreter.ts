/**
 * Part interpreter of the asl suite: the Secret Santa state machine (examples/state-machines/secret-santa.asl.json)
 * run by the interpreter, against the hand-written secretSanta workflow: 1,000 people, the same worker, the same fake
 * Mailgun and Twilio, alternating runs in one process. The target is at most 1.3× the hand-written time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Definition } from 'states-language-temporal';
import { executionOutcome } from 'states-language-temporal/client';
import type { ObjectStore } from '../storage/object-store';
import { uploadParticipants } from '../storage/run-data';
import { startRun } from '../testkit/runs';
import { stateMachine } from '../workflows';
import type { AslPart } from './asl-part';
import { formatCount as count, formatMs, formatRatio, markdownTable, median, type Progress } from './report';
import type { BenchStack } from './stack';

const PEOPLE = 1000;
const ROUNDS = 5;
const TARGET = 1.3;

function participantsCsv(n: number): string {
  return Array.from({ length: n }, (_, i) => `Person ${i},p${i}@example.com,+4477009${String(i).padStart(5, '0')},`).join('\n');
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

export const interpreterPart: AslPart<InterpreterResult> = {
  name: 'interpreter',
  title: 'States Language interpreter: Secret Santa machine vs the hand-written workflow',
  run: ({ stack, store, progress }) => interpreterVsHandWritten(stack, store, progress),
  markdown: (i) =>
    [
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
    ].join('\n'),
};
