/** Flaky providers, a cancel mid-run and a resend, each on the real server through the API. */
import { allocationKey } from '../../activities/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { peopleCsv } from '../support/people';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

const people = (n: number, prefix: string) => peopleCsv(n, { prefix });

async function post(csv: string, query = '') {
  const res = await stack.app.inject({ method: 'POST', url: `/allocations${query}`, payload: csv, headers: { 'content-type': 'text/csv' } });
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
  stack = await startTestStack('faults');
});

afterAll(() => stack?.close());

afterEach(() => {
  stack.providers.mailgun.steady().delayMs = 0;
  stack.providers.twilio.steady().delayMs = 0;
});

it('flaky providers (30% 500/429/resets/lost answers, slow answers): everyone is reached exactly once; a 4xx is reported, not retried', async () => {
  const { mailgun, twilio } = stack.providers;
  mailgun.beFlaky(0.3, [500, 429, 503, 'reset', 'accept-then-reset'], 7, 150);
  twilio.beFlaky(0.3, [500, 429, 'accept-then-reset'], 8, 150);
  twilio.failAlwaysFor('+447000000003', 400);
  const requestsBefore = twilio.requests;
  const [emailsBefore, textsBefore, lostBefore] = [mailgun.messages.length, twilio.messages.length, mailgun.lostAnswers + twilio.lostAnswers];
  try {
    const id = await post(people(30, 'Flaky'), '?maxConcurrency=10');
    const result = await stack.temporal.client.workflow.getHandle(id).result();
    expect(result.email).toEqual({ sent: 30, skipped: 0, failed: 0 });
    expect(result.sms).toEqual({ sent: 29, skipped: 0, failed: 1 });
    expect(result.failures).toEqual([{ name: 'Flaky3', channel: 'sms', error: expect.stringContaining('HTTP 400') }]);
    // Each message reached its person once: a retry after a lost answer found the accepted message and sent nothing.
    const once = (messages: { to: string }[]) => [messages.length, new Set(messages.map((m) => m.to)).size];
    expect(once(mailgun.messages.slice(emailsBefore))).toEqual([30, 30]);
    expect(once(twilio.messages.slice(textsBefore))).toEqual([29, 29]);
    // Retries happened, some after a message was taken and its answer lost.
    expect(twilio.requests - requestsBefore).toBeGreaterThan(30);
    expect(mailgun.lostAnswers + twilio.lostAnswers - lostBefore).toBeGreaterThan(0);
    const view = (await stack.app.inject({ method: 'GET', url: `/allocations/${id}` })).json();
    expect(view.failures).toEqual(result.failures);
  } finally {
    twilio.succeedFor('+447000000003');
  }
}, 120_000);

it('DELETE cancels a run mid-notification: nothing is sent once the cancel is answered', async () => {
  stack.providers.mailgun.delayMs = 150;
  stack.providers.twilio.delayMs = 150;
  const sentBefore = stack.providers.mailgun.messages.length;
  const id = await post(people(40, 'Cancel'), '?maxConcurrency=2');
  await until('the first messages', () => stack.providers.mailgun.messages.length >= sentBefore + 2);

  const res = await stack.app.inject({ method: 'DELETE', url: `/allocations/${id}` });
  expect(res.json()).toEqual({ id, status: 'CANCELLED' });
  const sentAtCancel = stack.providers.mailgun.messages.length + stack.providers.twilio.messages.length;
  expect(stack.providers.mailgun.inFlight + stack.providers.twilio.inFlight).toBe(0);
  expect(stack.providers.mailgun.messages.length - sentBefore).toBeLessThan(40);

  // The history proves no message was started after the cancel request.
  const events = (await stack.temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const cancelAt = events.findIndex((e) => e.workflowExecutionCancelRequestedEventAttributes);
  expect(cancelAt).toBeGreaterThan(0);
  const scheduledAfter = events.slice(cancelAt).filter((e) => e.activityTaskScheduledEventAttributes);
  expect(scheduledAfter).toEqual([]);
  expect(stack.providers.mailgun.messages.length + stack.providers.twilio.messages.length).toBe(sentAtCancel);

  expect((await stack.app.inject({ method: 'GET', url: `/allocations/${id}` })).json().status).toBe('CANCELLED');
  expect((await stack.app.inject({ method: 'DELETE', url: `/allocations/${id}` })).statusCode).toBe(409);
});

it('POST /allocations/:id/resend sends one message again from the stored draw, never a new draw', async () => {
  const id = await post(people(5, 'Resend'), '?seed=11');
  await stack.temporal.client.workflow.getHandle(id).result();
  const before = await loadAllocation(stack.config, allocationKey(id));
  const firstText = stack.providers.mailgun.messages.find((m) => m.to === 'resend2@example.com')!.text;

  const res = await stack.app.inject({ method: 'POST', url: `/allocations/${id}/resend`, payload: { name: 'RESEND2', channel: 'email' } });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ id, name: 'Resend2', channel: 'email', via: 'mailgun' });
  const again = stack.providers.mailgun.messages.filter((m) => m.to === 'resend2@example.com');
  expect(again).toHaveLength(2);
  expect(again[1].text).toBe(firstText);
  expect(await loadAllocation(stack.config, allocationKey(id))).toEqual(before);
  expect(res.body).not.toContain(before.pairs.find((p) => p.giver === 'Resend2')!.recipient);

  const unknown = await stack.app.inject({ method: 'POST', url: `/allocations/${id}/resend`, payload: { name: 'Nobody', channel: 'sms' } });
  expect([unknown.statusCode, unknown.json().error]).toEqual([404, 'UnknownParticipant']);
  const noRun = await stack.app.inject({ method: 'POST', url: '/allocations/santa-nope/resend', payload: { name: 'Resend2', channel: 'sms' } });
  expect(noRun.statusCode).toBe(404);
});
