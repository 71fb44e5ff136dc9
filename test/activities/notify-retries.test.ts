import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { CLOCK_SKEW_MS, notifyActivity } from '../../activities/notify-retries';
import type { NotifyInput, NotifyResult, SendOptions } from '../../activities/notify-types';
import { loadConfig } from '../../lib/config';

const input: NotifyInput = { runId: 'run-1', name: 'Alice', recipient: 'Bob', to: 'alice@example.com' };
const SCHEDULED = Date.parse('2026-12-01T09:00:00Z');

/** What the activity passes its notify function on this attempt. */
async function optionsOnAttempt(attempt: number): Promise<SendOptions | undefined> {
  const calls: Array<SendOptions | undefined> = [];
  const activity = notifyActivity(async (_input, options) => {
    calls.push(options);
    return { channel: 'email', via: 'mailgun', id: '<m1>' };
  });
  const env = new MockActivityEnvironment({
    attempt,
    scheduledTimestampMs: SCHEDULED,
    currentAttemptScheduledTimestampMs: SCHEDULED + attempt * 1_000,
  });
  expect(await env.run(activity, input)).toEqual({ channel: 'email', via: 'mailgun', id: '<m1>' });
  expect(calls).toHaveLength(1);
  return calls[0];
}

it('the first attempt sends at once, asking nothing', async () => {
  expect(await optionsOnAttempt(1)).toEqual({});
});

it('a retry asks for the message since the activity was first scheduled, less the clock-skew margin', async () => {
  expect(await optionsOnAttempt(2)).toEqual({ sentSince: new Date(SCHEDULED - CLOCK_SKEW_MS) });
  expect(await optionsOnAttempt(7)).toEqual({ sentSince: new Date(SCHEDULED - CLOCK_SKEW_MS) });
});

describe('a retry whose lookup fails (the lookups themselves: test/support/retry-lookup-cases.ts, against each fake provider)', () => {
  const lookupFailed = () => ApplicationFailure.retryable('Mailgun lookup failed: HTTP 503: unavailable', 'ProviderLookupFailed');

  /** Runs the activity with this Info over a notify whose lookup always fails; what it was asked, and the outcome. */
  async function run(
    info: Partial<Info>,
    send: () => Promise<NotifyResult> = async () => ({ channel: 'email', via: 'mailgun', id: '<m1>' }),
  ) {
    const calls: Array<SendOptions | undefined> = [];
    const activity = notifyActivity(async (_input, options) => {
      calls.push(options);
      if (options?.sentSince) throw lookupFailed();
      return send();
    });
    const env = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - 1_000, ...info }, { logger: new DefaultLogger('ERROR') });
    const outcome = await env.run(activity, input).catch((error: unknown) => error);
    return { calls, outcome };
  }

  it('without a schedule-to-close budget, it is retried for as long as Temporal retries', async () => {
    const { calls, outcome } = await run({ attempt: 3, scheduleToCloseTimeoutMs: 0, retryPolicy: { maximumInterval: 60_000 } });
    expect(outcome).toMatchObject({ type: 'ProviderLookupFailed', nonRetryable: false });
    expect(calls).toHaveLength(1);
  });

  it('on the last attempt of a policy with a maximum of attempts (runs started before the budget), it sends', async () => {
    const policy = { maximumAttempts: 10, maximumInterval: 30_000 };
    expect((await run({ attempt: 9, scheduleToCloseTimeoutMs: 0, retryPolicy: policy })).outcome).toMatchObject({
      type: 'ProviderLookupFailed',
    });
    const last = await run({ attempt: 10, scheduleToCloseTimeoutMs: 0, retryPolicy: policy });
    expect(last.outcome).toEqual({ channel: 'email', via: 'mailgun', id: '<m1>' });
    expect(last.calls).toEqual([{ sentSince: expect.any(Date) }, {}]);
  });

  it('reads the longest backoff from its retry policy: a short one leaves room for a retry in a short budget', async () => {
    const budget = { attempt: 4, scheduledTimestampMs: Date.now() - 2_000, scheduleToCloseTimeoutMs: 60_000, startToCloseTimeoutMs: 1_000 };
    expect((await run({ ...budget, retryPolicy: { maximumInterval: 1_000 } })).outcome).toMatchObject({ type: 'ProviderLookupFailed' });
    expect((await run({ ...budget, retryPolicy: { maximumInterval: 60_000 } })).outcome).toEqual({
      channel: 'email',
      via: 'mailgun',
      id: '<m1>',
    });
  });

  it('a send failing after the lookup fell through is the send’s failure, as it is', async () => {
    const unavailable = ApplicationFailure.retryable('Mailgun unavailable: HTTP 503', 'ProviderUnavailable');
    const { calls, outcome } = await run({ attempt: 2, scheduleToCloseTimeoutMs: 30_000, retryPolicy: { maximumInterval: 60_000 } }, () =>
      Promise.reject(unavailable),
    );
    expect(outcome).toBe(unavailable);
    expect(calls).toEqual([{ sentSince: expect.any(Date) }, {}]);
  });
});

it('SANTA_NOTIFY_RETRY_BUDGET: an hour by default, in the forms RATE_LIMIT_WINDOW takes', () => {
  const budget = (value?: string) => loadConfig({ SANTA_NOTIFY_RETRY_BUDGET: value }).temporal.notifyRetryBudgetMs;
  expect([budget(), budget('30s'), budget('1 hour'), budget('60000'), budget('2 minutes')]).toEqual([
    3_600_000, 30_000, 3_600_000, 60_000, 120_000,
  ]);
  expect(() => budget('forever')).toThrow(/SANTA_NOTIFY_RETRY_BUDGET must be a duration such as 60000 \(milliseconds\), 30s/);
});
