/**
 * Recorded executions of the example state machines (test/histories/asl/, by scripts/record-asl-histories.ts)
 * must replay on the current interpreter: a change that would break running executions fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';

const dir = join(__dirname, '../histories/asl');
const recorded = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));

type HistoryJson = { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[] };

async function replay(histories: { workflowId: string; history: ReturnType<typeof historyFromJSON> }[]) {
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) results.push(result);
  return results;
}

/** The history with the definition in its start event changed: what a different interpreter would have done. */
function withDefinition(json: HistoryJson, change: (definition: { States: Record<string, Record<string, unknown>> }) => void) {
  const copy = structuredClone(json);
  const payload = copy.events[0].workflowExecutionStartedEventAttributes!.input.payloads[0];
  const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
  change(input.definition);
  payload.data = Buffer.from(JSON.stringify(input)).toString('base64');
  return historyFromJSON(copy);
}

it('has recorded executions of every example machine, and of a machine using every kind of state', () => {
  expect(recorded.map((r) => r.file).sort()).toEqual([
    'dice.json',
    'mixed.json',
    'onboard-member.json',
    'onboarding.json',
    'records-continued.json',
    'records.json',
    'secret-santa-batch.json',
    'secret-santa.json',
  ]);
});

it('replays every recorded execution on the current workflow code', async () => {
  // The ids they were recorded under: child executions' ids derive from their parent's.
  const histories = recorded.map(({ file, json }) => ({
    workflowId: `history-${file.replace(/\.json$/, '')}`,
    history: historyFromJSON(json),
  }));
  const results = await replay(histories);
  expect(results.map((r) => ({ id: r.workflowId, error: r.error?.message }))).toEqual(
    histories.map((h) => ({ id: h.workflowId, error: undefined })),
  );
}, 120_000);

it('fails when the interpreter would now take another path (a Task bound to another activity)', async () => {
  const dice = recorded.find((r) => r.file === 'dice.json')!;
  const history = withDefinition(dice.json, (definition) => {
    definition.States.Roll.Resource = 'rollTwoDice';
  });
  const [result] = await replay([{ workflowId: 'dice-changed', history }]);
  expect(result.error?.name).toBe('DeterminismViolationError');
}, 120_000);
