/** One test per Step Functions semantic, each a real run on the suite's Temporal dev server. */
import { WorkflowFailedError } from '@temporalio/client';
import { createActivities } from '../../activities';
import { loadAllocation } from '../../activities/store-allocations';
import { createObjectStore } from '../../storage/object-store';
import { RunData } from '../../storage/run-data';
import { DrawSeal } from '../../lib/codec/draw-seal';
import { MAX_DRAWS } from '../../workflows/secret-santa';
import { type RunRequest, startRun } from '../../testkit/runs';
import { selfDrawingAllocate } from '../../testkit/self-drawing-allocate';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import { testConfig } from '../support/config';
import { peopleCsv } from '../../testkit/people';
import { startTestStack, type TestStack } from '../support/stack';
import { createTestWorker, uniqueTaskQueue } from '../support/temporal';

let stack: TestStack;
const participantsCsv = (n: number, contact?: (i: number) => { email?: boolean; phone?: boolean }) => peopleCsv(n, { contact });

async function run(request: RunRequest) {
  return (await startRun(stack.temporal.client, stack.config, request)).result();
}

const allPayloadText = (payloads: { data?: Uint8Array | null }[]) => payloads.map((p) => Buffer.from(p.data ?? []).toString()).join('\n');

beforeAll(async () => {
  stack = await startTestStack('workflow');
});

afterAll(() => stack?.close());

beforeEach(() => {
  stack.providers.mailgun.delayMs = 0;
  stack.providers.twilio.delayMs = 0;
  stack.providers.mailgun.maxInFlight = 0;
  stack.providers.twilio.maxInFlight = 0;
});

it('Map: never more than MaxConcurrency messages in flight per branch, and uses all of it', async () => {
  stack.providers.mailgun.delayMs = 40;
  stack.providers.twilio.delayMs = 40;
  const result = await run({ csv: participantsCsv(24), maxConcurrency: 3 });
  expect(result.email).toEqual({ sent: 24, skipped: 0, failed: 0 });
  expect(stack.providers.mailgun.maxInFlight).toBe(3);
  expect(stack.providers.twilio.maxInFlight).toBe(3);
});

it('Choice: skips a channel for participants without that contact', async () => {
  const before = { email: stack.providers.mailgun.messages.length, sms: stack.providers.twilio.messages.length };
  const csv = participantsCsv(6, (i) => ({ email: i % 2 === 0, phone: i % 3 === 0 || i % 2 === 1 }));
  const result = await run({ csv });
  expect(result.email).toEqual({ sent: 3, skipped: 3, failed: 0 });
  expect(result.sms).toEqual({ sent: 4, skipped: 2, failed: 0 });
  expect(stack.providers.mailgun.messages.length - before.email).toBe(3);
  expect(stack.providers.twilio.messages.length - before.sms).toBe(4);
});

it('Parallel: the email and SMS branches run at the same time', async () => {
  stack.providers.mailgun.delayMs = 100;
  stack.providers.twilio.delayMs = 100;
  const inFlightTogether: number[] = [];
  const probe = setInterval(() => inFlightTogether.push(Math.min(stack.providers.mailgun.inFlight, stack.providers.twilio.inFlight)), 10);
  const result = await run({ csv: participantsCsv(8), maxConcurrency: 2 }).finally(() => clearInterval(probe));
  expect(result.email.sent).toBe(8);
  expect(result.sms.sent).toBe(8);
  expect(Math.max(...inFlightTogether)).toBeGreaterThan(0);
});

it('Retry: a 500 and a 429 are retried until the message goes through', async () => {
  const before = stack.providers.mailgun.requests;
  stack.providers.mailgun.failNext(1, 500).failNext(1, 429);
  const result = await run({ csv: participantsCsv(3), maxConcurrency: 1 });
  expect(result.email).toEqual({ sent: 3, skipped: 0, failed: 0 });
  expect(stack.providers.mailgun.requests - before).toBe(5);
});

it('Catch: a 400 is recorded as failed, not retried, and the run still completes', async () => {
  const bad = 'p1@example.com';
  stack.providers.mailgun.failAlwaysFor(bad, 400);
  const before = stack.providers.mailgun.requests;
  try {
    const result = await run({ csv: participantsCsv(3) });
    expect(result.stage).toBe('done');
    expect(result.email).toEqual({ sent: 2, skipped: 0, failed: 1 });
    expect(result.sms).toEqual({ sent: 3, skipped: 0, failed: 0 });
    expect(result.failures).toEqual([{ name: 'P1', channel: 'email', error: expect.stringMatching(/400/) }]);
    expect(stack.providers.mailgun.requests - before).toBe(3);
  } finally {
    stack.providers.mailgun.succeedFor(bad);
  }
});

it('stores the draw (sealed) before any message is sent', async () => {
  const handle = await startRun(stack.temporal.client, stack.config, { csv: participantsCsv(4), seed: 42 });
  const result = await handle.result();
  const stored = await loadAllocation(stack.config, result.stored!);
  expect(stored.pairs).toHaveLength(4);

  // Local activities leave markers, ordinary ones scheduled events: in history order, store comes before any message.
  const codec = new EncryptionCodec(stack.config.encryption!);
  const steps: string[] = [];
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) steps.push(scheduled);
    const details = event.markerRecordedEventAttributes?.details;
    if (details) {
      const text = allPayloadText(await codec.decode(Object.values(details).flatMap((p) => p.payloads ?? [])));
      steps.push(/"activity_type":"(\w+)"|"activityType":"(\w+)"/.exec(text)?.slice(1).find(Boolean) ?? 'marker');
    }
  }
  const storeAt = steps.indexOf('storeAllocations');
  expect(storeAt).toBeGreaterThan(-1);
  expect(steps.slice(0, storeAt).some((name) => name.startsWith('notify'))).toBe(false);
  expect(steps.slice(storeAt + 1).filter((name) => name.startsWith('notify'))).toHaveLength(8);
});

it('fails for good, without retrying, on an invalid file', async () => {
  const failure = await run({ csv: 'Alice,,,\nAlice,alice@example.com,,\n', unchecked: true }).catch((e) => e);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(String(failure.cause?.message)).toMatch(/line 1, email.*line 2, name/);
});

it('Catch → Allocate: a draw failing its check is drawn again, at most 3 times', async () => {
  let draws = 0;
  const real = createActivities(stack.config);
  const brokenConfig = testConfig({ ...stack.providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('broken-draw') });
  const broken = await createTestWorker(stack.temporal, brokenConfig, {
    activities: {
      ...real,
      allocate: selfDrawingAllocate(
        new RunData(createObjectStore(stack.config.storage), new DrawSeal(stack.config.drawKeys!)),
        () => draws++,
      ),
    },
  });
  const failure = await broken
    .runUntil(async () => (await startRun(stack.temporal.client, brokenConfig, { csv: participantsCsv(3) })).result())
    .catch((e) => e);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(failure.cause?.message).toMatch(/no draw passed the check in 3 attempts/);
  expect(draws).toBe(MAX_DRAWS);
});
