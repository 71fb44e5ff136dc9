/**
 * A few of the hostile definitions (the runtime's corpus and this app's example cases, those marked `temporal`)
 * through the real `stateMachine` workflow on the Temporal dev server: each execution ends (FAILED with the right
 * error, or with its output) instead of staying RUNNING on workflow tasks that fail again and again, and no workflow
 * task of it failed
 * (a thrown RangeError, or the deadlock detector's 2 s, would show as one).
 */
import { temporal } from '@temporalio/proto';
import { executionOutcome } from 'states-language-temporal/client';
import { HOSTILE_CASES as RUNTIME_CASES } from '../../packages/states-language/test/hostile/corpus';
import { EXAMPLE_HOSTILE_CASES } from './example-hostile-cases';

const HOSTILE_CASES = [...RUNTIME_CASES, ...EXAMPLE_HOSTILE_CASES];
import { TemporalRunner } from './support/temporal-runner';

/** Long enough for any of them on a loaded machine; one that fails its workflow tasks would retry past it. */
const DEADLINE_MS = 30_000;

let runner: TemporalRunner;

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

const EventType = temporal.api.enums.v1.EventType;

describe.each(HOSTILE_CASES.filter((c) => c.temporal).map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it(
    'ends on the real server, without a failed workflow task',
    async () => {
      const handle = await runner.startExecution(c.definition, c.input ?? {});
      const started = Date.now();
      const outcome = await Promise.race([
        executionOutcome(handle.result()),
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), DEADLINE_MS).unref()),
      ]);
      const history = await handle.fetchHistory();
      const failedTasks = (history.events ?? [])
        .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message);
      if (outcome === 'still running') await handle.terminate('hostile-temporal test: still running at its deadline');

      expect({ outcome, failedTasks }).toMatchObject({ failedTasks: [] });
      if ('problems' in c.expect) throw new Error('checker cases do not run on the server');
      if ('error' in c.expect) {
        expect(outcome).toMatchObject({ status: 'FAILED', error: c.expect.error });
        if (c.expect.causeContains) expect((outcome as { cause?: string }).cause).toContain(c.expect.causeContains);
      } else expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: c.expect.output });
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    },
    DEADLINE_MS + 30_000,
  );
});
