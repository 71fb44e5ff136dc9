/** Flaky providers, a cancel mid-run and a resend, each on the real server through the API. */
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import { allocationKey } from '../../activities/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import type { Config } from '../../lib/config';
import { testConfig } from '../support/config';
import { type FakeProviders, startFakeProviders } from '../support/providers';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

let temporal: TestTemporal;
let providers: FakeProviders;
let config: Config;
let worker: Worker;
let workerRun: Promise<void>;
let app: FastifyInstance;

const people = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i},${prefix.toLowerCase()}${i}@example.com,+4477008${String(i).padStart(5, '0')},`).join('\n');

async function post(csv: string, query = '') {
  const res = await app.inject({ method: 'POST', url: `/allocations${query}`, payload: csv, headers: { 'content-type': 'text/csv' } });
  expect(res.statusCode).toBe(202);
  return res.json().id as string;
}

/** Polls a condition with a deadline. */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  providers = await startFakeProviders();
  config = testConfig({ ...providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('faults') });
  worker = await createTestWorker(temporal, config);
  workerRun = worker.run();
  app = await buildApp({ config, client: temporal.client, logger: false });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await workerRun;
  await providers?.close();
  await temporal?.close();
});

afterEach(() => {
  providers.mailgun.steady().delayMs = 0;
  providers.twilio.steady().delayMs = 0;
});

it('flaky providers (30% 500/429/resets, slow answers): everyone is reached in the end; a 4xx is reported, not retried', async () => {
  providers.mailgun.beFlaky(0.3, [500, 429, 503, 'reset'], 7, 150);
  providers.twilio.beFlaky(0.3, [500, 429], 8, 150);
  providers.twilio.failAlwaysFor('+447700800003', 400);
  const requestsBefore = providers.twilio.requests;
  try {
    const id = await post(people(30, 'Flaky'), '?maxConcurrency=10');
    const result = await temporal.client.workflow.getHandle(id).result();
    expect(result.email).toEqual({ sent: 30, skipped: 0, failed: 0 });
    expect(result.sms).toEqual({ sent: 29, skipped: 0, failed: 1 });
    expect(result.failures).toEqual([{ name: 'Flaky3', channel: 'sms', error: expect.stringContaining('HTTP 400') }]);
    const reached = (messages: { to: string }[], prefix: string) => new Set(messages.map((m) => m.to).filter((to) => to.startsWith(prefix))).size;
    expect(reached(providers.mailgun.messages, 'flaky')).toBe(30);
    expect(reached(providers.twilio.messages, '+4477008')).toBe(29);
    // Retries happened: more requests than messages.
    expect(providers.twilio.requests - requestsBefore).toBeGreaterThan(30);
    const view = (await app.inject({ method: 'GET', url: `/allocations/${id}` })).json();
    expect(view.failures).toEqual(result.failures);
  } finally {
    providers.twilio.succeedFor('+447700800003');
  }
}, 120_000);

it('DELETE cancels a run mid-notification: nothing is sent once the cancel is answered', async () => {
  providers.mailgun.delayMs = 150;
  providers.twilio.delayMs = 150;
  const sentBefore = providers.mailgun.messages.length;
  const id = await post(people(40, 'Cancel'), '?maxConcurrency=2');
  await until('the first messages', () => providers.mailgun.messages.length >= sentBefore + 2);

  const res = await app.inject({ method: 'DELETE', url: `/allocations/${id}` });
  expect(res.json()).toEqual({ id, status: 'CANCELLED' });
  const sentAtCancel = providers.mailgun.messages.length + providers.twilio.messages.length;
  expect(providers.mailgun.inFlight + providers.twilio.inFlight).toBe(0);
  expect(providers.mailgun.messages.length - sentBefore).toBeLessThan(40);

  // The history proves no message was started after the cancel request.
  const events = (await temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const cancelAt = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
  expect(cancelAt).toBeGreaterThan(0);
  const scheduledAfter = events.slice(cancelAt).filter((e) => e.activityTaskScheduledEventAttributes);
  expect(scheduledAfter).toEqual([]);
  expect(providers.mailgun.messages.length + providers.twilio.messages.length).toBe(sentAtCancel);

  expect((await app.inject({ method: 'GET', url: `/allocations/${id}` })).json().status).toBe('CANCELLED');
  expect((await app.inject({ method: 'DELETE', url: `/allocations/${id}` })).statusCode).toBe(409);
});

it('POST /allocations/:id/resend sends one message again from the stored draw, never a new draw', async () => {
  const id = await post(people(5, 'Resend'), '?seed=11');
  await temporal.client.workflow.getHandle(id).result();
  const before = await loadAllocation(config.storage, allocationKey(id));
  const firstText = providers.mailgun.messages.find((m) => m.to === 'resend2@example.com')!.text;

  const res = await app.inject({ method: 'POST', url: `/allocations/${id}/resend`, payload: { name: 'RESEND2', channel: 'email' } });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ id, name: 'Resend2', channel: 'email', via: 'mailgun' });
  const again = providers.mailgun.messages.filter((m) => m.to === 'resend2@example.com');
  expect(again).toHaveLength(2);
  expect(again[1].text).toBe(firstText);
  expect(await loadAllocation(config.storage, allocationKey(id))).toEqual(before);
  expect(res.body).not.toContain(before.pairs.find((p) => p.giver === 'Resend2')!.recipient);

  const unknown = await app.inject({ method: 'POST', url: `/allocations/${id}/resend`, payload: { name: 'Nobody', channel: 'sms' } });
  expect([unknown.statusCode, unknown.json().error]).toEqual([404, 'UnknownParticipant']);
  const noRun = await app.inject({ method: 'POST', url: '/allocations/santa-nope/resend', payload: { name: 'Resend2', channel: 'sms' } });
  expect(noRun.statusCode).toBe(404);
});
