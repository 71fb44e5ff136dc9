/**
 * The notification Maps at scale, scaled down: 2,000 people in batches of 100 fan out into child workflows,
 * at most MaxConcurrency messages in flight per channel over all batches (40: two batches at once, 20 each),
 * every history far inside Temporal's limits and every payload small.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { MAX_IN_FLIGHT_PER_BATCH } from '../../workflows/batches';
import { payloadsIn } from '../../testkit/history';
import { startRun } from '../../testkit/runs';
import { startTestStack, type TestStack } from '../support/stack';

const PEOPLE = 2000;
const BATCH = 100;
const MAX_CONCURRENCY = 2 * MAX_IN_FLIGHT_PER_BATCH;
/** Temporal warns past this many events in one history. */
const HISTORY_WARNING = 10_240;
const PAYLOAD_WARNING = 256 * 1024;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('batching', { workerOptions: { maxConcurrentActivityTaskExecutions: 100 } });
});

afterAll(() => stack?.close());

/** The most activities a history had scheduled and not yet closed at any point. */
function maxActivitiesInFlight(events: temporal.api.history.v1.IHistoryEvent[]): number {
  let open = 0;
  let max = 0;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) max = Math.max(max, ++open);
    if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes) open--;
  }
  return max;
}

async function historyOf(handle: Pick<WorkflowHandle, 'fetchHistory'>) {
  return (await handle.fetchHistory()).events ?? [];
}

it(`${PEOPLE} people in batches of ${BATCH}: child workflows, a sliding window, bounded histories and payloads`, async () => {
  const csv = Array.from({ length: PEOPLE }, (_, i) => `Person ${i},p${i}@example.com,+4477009${String(i).padStart(5, '0')},`).join('\n');
  const handle = await startRun(stack.temporal.client, stack.config, { csv, seed: 1, batchSize: BATCH, maxConcurrency: MAX_CONCURRENCY });
  const result = await handle.result();
  expect(result.email).toEqual({ sent: PEOPLE, skipped: 0, failed: 0 });
  expect(result.sms).toEqual({ sent: PEOPLE, skipped: 0, failed: 0 });
  expect(new Set(stack.providers.mailgun.messages.map((m) => m.to)).size).toBe(PEOPLE);
  expect(stack.providers.mailgun.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENCY);
  expect(stack.providers.twilio.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENCY);

  const parent = await historyOf(handle);
  const children = parent.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  expect(children).toHaveLength((PEOPLE / BATCH) * 2);

  // The window: two batches of each channel run at once (four children started before any ends), each batch
  // with at most its share in flight.
  const firstClosed = parent.findIndex((e) => e.childWorkflowExecutionCompletedEventAttributes);
  expect(parent.slice(0, firstClosed).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toHaveLength(4);

  const histories = [parent];
  for (const child of children) {
    const id = child.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!;
    histories.push(await historyOf(stack.temporal.client.workflow.getHandle(id)));
  }
  expect(Math.max(...histories.slice(1).map(maxActivitiesInFlight))).toBe(MAX_IN_FLIGHT_PER_BATCH);
  const longest = Math.max(...histories.map((h) => h.length));
  const largestPayload = Math.max(...histories.flatMap((h) => payloadsIn(h).map((p) => p.data?.length ?? 0)));
  // The parent grows with the number of batches, a child with its batch: at 100,000 people in batches of 500
  // that is 400 children, each of 500 messages, so these per-unit costs show the bound holds there too.
  const perChildInParent = parent.length / children.length;
  const perMessageInChild = Math.max(...histories.slice(1).map((h) => h.length)) / BATCH;
  expect(perChildInParent * 400).toBeLessThan(HISTORY_WARNING);
  expect(perMessageInChild * 500).toBeLessThan(HISTORY_WARNING);
  expect(longest).toBeLessThan(HISTORY_WARNING);
  expect(largestPayload).toBeLessThan(PAYLOAD_WARNING / 4);
}, 300_000);
