/** Flaky providers, a cancel mid-run and a resend, each on the real server through the API. */
import { allocationKey } from '../../storage/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { peopleCsv } from '../../testkit/people';
import { until } from '../../testkit/until';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

const people = (n: number, prefix: string) => peopleCsv(n, { prefix });

async function post(csv: string, query = '') {
  const res = await stack.app.inject({
    method: 'POST',
    url: `/allocations${query}`,
    payload: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(res.statusCode).toBe(202);
  return res.json().id as string;
}

/** Until `reached` holds (in memory: the fake providers' counts), checked every 20 ms. */
const reaching = (what: string, reached: () => boolean, timeoutMs = 30_000) =>
  until(what, async () => (reached() ? true : undefined), timeoutMs, 20);

beforeAll(async () => {
  stack = await startTestStack('faults');
});

afterAll(() => stack?.close());

afterEach(() => {
  stack.providers.mailgun.steady().delayMs = 0;
  stack.providers.twilio.steady().delayMs = 0;
});

it('flaky providers (30% 500/429/resets/lost answers, slow answers): everyone reached once; a 4xx reported, not retried', async () => {
  const { mailgun, twilio } = stack.providers;
  mailgun.beFlaky(0.3, [500, 429, 503, 'reset', 'accept-then-reset'], 7, 150);
  twilio.beFlaky(0.3, [500, 429, 'accept-then-reset'], 8, 150);
  twilio.failAlwaysFor('+447000000003', 400);
  const requestsBefore = twilio.requests;
  const [emailsBefore, textsBefore, lostBefore] = [
    mailgun.messages.length,
    twilio.messages.length,
    mailgun.lostAnswers + twilio.lostAnswers,
  ];
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
  await reaching('the first messages', () => stack.providers.mailgun.messages.length >= sentBefore + 2);

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
  const noRun = await stack.app.inject({
    method: 'POST',
    url: '/allocations/santa-nope/resend',
    payload: { name: 'Resend2', channel: 'sms' },
  });
  expect(noRun.statusCode).toBe(404);
});

// 20 s: the server retries about once a second at best, so a shorter budget could not show more than 10 tries.
describe('retries last a time budget, not a count (SANTA_NOTIFY_RETRY_BUDGET=20s)', () => {
  const BUDGET_MS = 20_000;
  let budgeted: TestStack;

  beforeAll(async () => {
    budgeted = await startTestStack('faults-budget', { env: { SANTA_NOTIFY_RETRY_BUDGET: '20s' } });
  });
  afterAll(() => budgeted?.close());

  async function start(csv: string): Promise<string> {
    const res = await budgeted.app.inject({ method: 'POST', url: '/allocations', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(202);
    return res.json().id as string;
  }

  /** The run's notifySms activities that ended, each with its last attempt and how long after its scheduling it ended. */
  async function smsOutcomes(id: string) {
    const events = (await budgeted.temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const byId = new Map(events.map((e) => [String(e.eventId), e]));
    const at = (e: (typeof events)[number] | undefined) =>
      Number(e?.eventTime?.seconds ?? 0) * 1000 + Math.floor((e?.eventTime?.nanos ?? 0) / 1e6);
    return events.flatMap((e) => {
      const ended = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
      const scheduled = ended && byId.get(String(ended.scheduledEventId));
      if (!ended || scheduled?.activityTaskScheduledEventAttributes?.activityType?.name !== 'notifySms') return [];
      const started = byId.get(String(ended.startedEventId));
      return [
        {
          completed: !!e.activityTaskCompletedEventAttributes,
          attempt: started?.activityTaskStartedEventAttributes?.attempt ?? 0,
          afterMs: at(e) - at(scheduled),
        },
      ];
    });
  }

  it('a provider failing every send with 503: tried more than 10 times, counted failed only once the budget is spent', async () => {
    const { twilio } = budgeted.providers;
    twilio.failAlwaysFor('+447000000001', 503);
    const requestsBefore = twilio.requests;
    try {
      const id = await start(people(2, 'Budget'));
      const result = await budgeted.temporal.client.workflow.getHandle(id).result();
      expect(result.sms).toEqual({ sent: 1, skipped: 0, failed: 1 });
      // Why: the provider's last answer, or the budget's end when a retry was under way then.
      expect(result.failures).toEqual([
        { name: 'Budget1', channel: 'sms', error: expect.stringMatching(/HTTP 503|ScheduleToClose timeout/) },
      ]);
      // One text went out at once; the other was tried again and again until its budget was spent.
      expect(twilio.requests - requestsBefore).toBeGreaterThan(1 + 10);
      const failed = (await smsOutcomes(id)).filter((o) => !o.completed);
      expect(failed).toHaveLength(1);
      expect(failed[0].attempt).toBeGreaterThan(10);
      // Not before the budget, less one backoff (1 s for a budget this short): Temporal starts no retry after it.
      expect(failed[0].afterMs).toBeGreaterThanOrEqual(BUDGET_MS - 1_000);
    } finally {
      twilio.succeedFor('+447000000001');
    }
  }, 60_000);

  it('a provider that recovers within the budget: the message is sent, after more than 10 tries', async () => {
    const { twilio } = budgeted.providers;
    twilio.failAlwaysFor('+447000000001', 503);
    const requestsBefore = twilio.requests;
    const textsBefore = twilio.messages.length;
    try {
      const id = await start(people(2, 'Recover'));
      await reaching('11 tries of the failing text', () => twilio.requests - requestsBefore >= 1 + 11);
      twilio.succeedFor('+447000000001');
      const result = await budgeted.temporal.client.workflow.getHandle(id).result();
      expect(result.sms).toEqual({ sent: 2, skipped: 0, failed: 0 });
      expect(
        twilio.messages
          .slice(textsBefore)
          .map((m) => m.to)
          .sort(),
      ).toEqual(['+447000000000', '+447000000001']);
      expect(Math.max(...(await smsOutcomes(id)).map((o) => o.attempt))).toBeGreaterThan(10);
    } finally {
      twilio.succeedFor('+447000000001');
    }
  }, 60_000);
});
