/** One test per Step Functions semantic, each a real run on the suite's Temporal dev server. */
import { WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadAllocation } from '../../activities/store-allocations';
import type { Config } from '../../lib/config';
import { createObjectStore } from '../../activities/object-store';
import { RunData } from '../../activities/run-data';
import { MAX_DRAWS } from '../../workflows/secret-santa';
import { type RunRequest, startRun } from '../support/runs';
import { selfDrawingAllocate } from '../support/self-drawing-allocate';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import { testConfig } from '../support/config';
import { type FakeProviders, startFakeProviders } from '../support/providers';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

let temporal: TestTemporal;
let providers: FakeProviders;
let config: Config;
let worker: Worker;
let workerRun: Promise<void>;

/** n people, each with an email and a phone unless told otherwise. */
function participantsCsv(n: number, contact: (i: number) => { email?: boolean; phone?: boolean } = () => ({ email: true, phone: true })): string {
  return Array.from({ length: n }, (_, i) => {
    const { email, phone } = contact(i);
    return `P${i},${email ? `p${i}@example.com` : ''},${phone ? `+4477009${String(i).padStart(5, '0')}` : ''},`;
  }).join('\n');
}

async function run(request: RunRequest) {
  return (await startRun(temporal.client, config, request)).result();
}

const allPayloadText = (payloads: { data?: Uint8Array | null }[]) => payloads.map((p) => Buffer.from(p.data ?? []).toString()).join('\n');

beforeAll(async () => {
  temporal = await connectTestTemporal();
  providers = await startFakeProviders();
  config = testConfig({ ...providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('workflow') });
  worker = await createTestWorker(temporal, config);
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await providers?.close();
  await temporal?.close();
});

beforeEach(() => {
  providers.mailgun.delayMs = 0;
  providers.twilio.delayMs = 0;
  providers.mailgun.maxInFlight = 0;
  providers.twilio.maxInFlight = 0;
});

it('Map: never more than MaxConcurrency messages in flight per branch, and uses all of it', async () => {
  providers.mailgun.delayMs = 40;
  providers.twilio.delayMs = 40;
  const result = await run({ csv: participantsCsv(24), maxConcurrency: 3 });
  expect(result.email).toEqual({ sent: 24, skipped: 0, failed: 0 });
  expect(providers.mailgun.maxInFlight).toBe(3);
  expect(providers.twilio.maxInFlight).toBe(3);
});

it('Choice: skips a channel for participants without that contact', async () => {
  const before = { email: providers.mailgun.messages.length, sms: providers.twilio.messages.length };
  const csv = participantsCsv(6, (i) => ({ email: i % 2 === 0, phone: i % 3 === 0 || i % 2 === 1 }));
  const result = await run({ csv });
  expect(result.email).toEqual({ sent: 3, skipped: 3, failed: 0 });
  expect(result.sms).toEqual({ sent: 4, skipped: 2, failed: 0 });
  expect(providers.mailgun.messages.length - before.email).toBe(3);
  expect(providers.twilio.messages.length - before.sms).toBe(4);
});

it('Parallel: the email and SMS branches run at the same time', async () => {
  providers.mailgun.delayMs = 100;
  providers.twilio.delayMs = 100;
  const inFlightTogether: number[] = [];
  const probe = setInterval(() => inFlightTogether.push(Math.min(providers.mailgun.inFlight, providers.twilio.inFlight)), 10);
  const result = await run({ csv: participantsCsv(8), maxConcurrency: 2 }).finally(() => clearInterval(probe));
  expect(result.email.sent).toBe(8);
  expect(result.sms.sent).toBe(8);
  expect(Math.max(...inFlightTogether)).toBeGreaterThan(0);
});

it('Retry: a 500 and a 429 are retried until the message goes through', async () => {
  const before = providers.mailgun.requests;
  providers.mailgun.failNext(1, 500).failNext(1, 429);
  const result = await run({ csv: participantsCsv(3), maxConcurrency: 1 });
  expect(result.email).toEqual({ sent: 3, skipped: 0, failed: 0 });
  expect(providers.mailgun.requests - before).toBe(5);
});

it('Catch: a 400 is recorded as failed, not retried, and the run still completes', async () => {
  const bad = 'p1@example.com';
  providers.mailgun.failAlwaysFor(bad, 400);
  const before = providers.mailgun.requests;
  try {
    const result = await run({ csv: participantsCsv(3) });
    expect(result.stage).toBe('done');
    expect(result.email).toEqual({ sent: 2, skipped: 0, failed: 1 });
    expect(result.sms).toEqual({ sent: 3, skipped: 0, failed: 0 });
    expect(result.failures).toEqual([{ name: 'P1', channel: 'email', error: expect.stringMatching(/400/) }]);
    expect(providers.mailgun.requests - before).toBe(3);
  } finally {
    providers.mailgun.succeedFor(bad);
  }
});

it('stores the draw (with its seed) before any message is sent', async () => {
  const handle = await startRun(temporal.client, config, { csv: participantsCsv(4), seed: 42 });
  const result = await handle.result();
  const stored = await loadAllocation(config.storage, result.stored!);
  expect(stored.seed).toBe(42);
  expect(stored.pairs).toHaveLength(4);

  // Local activities leave markers, ordinary ones scheduled events: in history order, store comes before any message.
  const codec = new EncryptionCodec(config.encryption!);
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
  const failure = await run({ csv: 'Alice,,,\nAlice,alice@example.com,,\n' }).catch((e) => e);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(String(failure.cause?.message)).toMatch(/line 1, email.*line 2, name/);
});

it('Catch → Allocate: a draw failing its check is drawn again, at most 3 times', async () => {
  let draws = 0;
  const real = createActivities(config);
  const brokenConfig = testConfig({ ...providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('broken-draw') });
  const broken = await createTestWorker(temporal, brokenConfig, {
    activities: {
      ...real,
      allocate: selfDrawingAllocate(new RunData(createObjectStore(config.storage)), () => draws++),
    },
  });
  const failure = await broken
    .runUntil(async () => (await startRun(temporal.client, brokenConfig, { csv: participantsCsv(3) })).result())
    .catch((e) => e);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(failure.cause?.message).toMatch(/no draw passed the check in 3 attempts/);
  expect(draws).toBe(MAX_DRAWS);
});
