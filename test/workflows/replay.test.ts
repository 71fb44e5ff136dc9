/** Recorded executions must replay on the current workflow code: a change that would break running workflows fails here. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';

const dir = join(__dirname, '../histories');
const histories = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    // Replayed under the id it ran under (an exchange's id is the API's, not its file's name), else its file's name.
    const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || file.replace(/\.json$/, '');
    return { file, workflowId, history };
  });

const workflowType = ({ history }: (typeof histories)[number]) =>
  history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

async function replay(options: Parameters<typeof Worker.runReplayHistories>[0], which = histories) {
  const results = [];
  for await (const result of Worker.runReplayHistories(options, which)) results.push(result);
  return results;
}

it('has at least 3 recorded executions of different outcomes', () => {
  expect(histories.length).toBeGreaterThanOrEqual(3);
});

it('has a recorded history of each workflow the recorder runs: runs, their batches, an exchange and a page view', () => {
  expect(new Set(histories.map(workflowType))).toEqual(new Set(['secretSanta', 'notifyBatch', 'exchange', 'exchangePage']));
});

it('replays every recorded history on the current workflow code', async () => {
  const results = await replay({ workflowBundle: workflowBundle() });
  const fileOf = new Map(histories.map((h) => [h.workflowId, h.file]));
  expect(results.map((r) => ({ file: fileOf.get(r.workflowId), error: r.error?.message }))).toEqual(
    histories.map((h) => ({ file: h.file, error: undefined })),
  );
});

it('fails on an incompatible change of the workflow', async () => {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/incompatible-workflow'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const runs = histories.filter((h) => workflowType(h) === 'secretSanta');
  expect(runs.length).toBeGreaterThanOrEqual(3);
  const results = await replay({ workflowBundle: bundle }, runs);
  expect(results).toHaveLength(runs.length);
  for (const result of results) expect(result.error?.name).toBe('DeterminismViolationError');
}, 120_000);
