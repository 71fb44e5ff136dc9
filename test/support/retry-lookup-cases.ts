/** What a retried message does the same way on every provider: the lookup's time bound, resends, a failing lookup. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { notifyActivity } from '../../activities/notify-retries';
import type { Notify, NotifyInput, NotifyResult } from '../../activities/notify-types';
import type { Failure, FakeHttpServer } from '../../testkit/fake-http-server';
import { failureOf } from '../../testkit/provider-failure';

/** When a retried activity was first scheduled: a little before now. */
export const since = () => new Date(Date.now() - 60_000);

export interface RetryLookupSubject {
  notify: Notify;
  fake: FakeHttpServer & { messages: Array<{ at: Date }> };
  input: NotifyInput;
  /** What no failure may carry: the recipient, the message. */
  secrets: string[];
}

/** The retry policy the workflow gives messages by default: an hour, backoff from 1 s doubling to at most a minute. */
const BUDGET_MS = 3_600_000;
const MAX_BACKOFF_MS = 60_000;
const ATTEMPT_MS = 30_000;

/**
 * The notify activity on attempt `attempt`, `elapsedMs` after Temporal first scheduled it, with the default budget:
 * what the activity reads of its Info decides what a failed lookup does. `logs` collects what it logged.
 */
function retried(
  notify: Notify,
  input: NotifyInput,
  { attempt = 2, elapsedMs = 1_000 } = {},
  logs: LogEntry[] = [],
): Promise<NotifyResult> {
  const now = Date.now();
  const env = new MockActivityEnvironment(
    {
      attempt,
      scheduledTimestampMs: now - elapsedMs,
      currentAttemptScheduledTimestampMs: now,
      scheduleToCloseTimeoutMs: BUDGET_MS,
      startToCloseTimeoutMs: ATTEMPT_MS,
      retryPolicy: { initialInterval: 1_000, backoffCoefficient: 2, maximumInterval: MAX_BACKOFF_MS },
    },
    { logger: new DefaultLogger('WARN', (entry) => logs.push(entry)) },
  );
  return env.run(notifyActivity(notify), input);
}

/** `subject` is called inside each test, after the file's beforeEach has started its fake. */
export function retryLookupCases(subject: () => RetryLookupSubject): void {
  it('a message accepted before the activity was first scheduled (an older run with the same text) does not count', async () => {
    const { notify, fake, input } = subject();
    await notify(input);
    // Scheduled a second after that message was accepted: both providers keep times in whole seconds.
    const sentSince = new Date(fake.messages[0].at.getTime() + 1_000);
    await notify(input, { sentSince });
    expect(fake.lookups).toBe(1);
    expect(fake.messages).toHaveLength(2);
  });

  it('a resend always sends, without asking', async () => {
    const { notify, fake, input } = subject();
    await notify(input);
    await notify({ ...input, again: true }, { sentSince: since() });
    expect(fake.lookups).toBe(0);
    expect(fake.messages).toHaveLength(2);
  });

  it('a failing lookup alone is a retryable ProviderLookupFailed and sends nothing: the activity decides what comes next', async () => {
    const { notify, fake, input, secrets } = subject();
    fake.failNextLookups(1, 503);
    const failure = await failureOf(notify(input, { sentSince: since() }), secrets);
    expect(failure).toMatchObject({ nonRetryable: false, type: 'ProviderLookupFailed' });
    expect(failure.message).toContain('HTTP 503');
    fake.failNextLookups(1, 'reset');
    expect(await failureOf(notify(input, { sentSince: since() }), secrets)).toMatchObject({
      nonRetryable: false,
      type: 'ProviderLookupFailed',
    });
    // Even a lookup refused for good is no reason to fail the message: thrown retryable, never dropping it.
    fake.failNextLookups(1, 403);
    expect(await failureOf(notify(input, { sentSince: since() }), secrets)).toMatchObject({
      nonRetryable: false,
      type: 'ProviderLookupRefused',
    });
    expect(fake.lookups).toBe(3);
    expect(fake.messages).toEqual([]);
  });

  describe('the activity when its lookup fails', () => {
    it.each([400, 401, 403, 404])('answered %i (failing for good): sends at once, with a warning that names no secret', async (status) => {
      const { notify, fake, input, secrets } = subject();
      fake.failNextLookups(1, status);
      const logs: LogEntry[] = [];
      const result = await retried(notify, input, { attempt: 2, elapsedMs: 1_000 }, logs);
      expect(result.id).not.toBe('');
      expect([fake.lookups, fake.messages.length]).toEqual([1, 1]);
      const warning = logs.find((entry) => entry.level === 'WARN')?.message ?? '';
      expect(warning).toContain(`HTTP ${status}`);
      for (const secret of secrets) expect(warning).not.toContain(secret);
    });

    it.each<Failure>([500, 503, 429, 408, 'reset'])(
      'with budget left, %p is retried: a retryable failure, nothing sent',
      async (failure) => {
        const { notify, fake, input, secrets } = subject();
        fake.failNextLookups(1, failure);
        // Two minutes left: more than a backoff and an attempt.
        const thrown = await failureOf(retried(notify, input, { attempt: 5, elapsedMs: BUDGET_MS - 120_000 }), secrets);
        expect(thrown).toMatchObject({ nonRetryable: false, type: 'ProviderLookupFailed' });
        expect([fake.lookups, fake.messages.length]).toEqual([1, 0]);
      },
    );

    it.each<Failure>([503, 429, 'reset'])('with the budget nearly spent, %p: sends without the lookup', async (failure) => {
      const { notify, fake, input } = subject();
      fake.failNextLookups(1, failure);
      // A minute left: a retry after the longest backoff might come too late.
      const result = await retried(notify, input, { attempt: 40, elapsedMs: BUDGET_MS - MAX_BACKOFF_MS });
      expect(result.id).not.toBe('');
      expect([fake.lookups, fake.messages.length]).toEqual([1, 1]);
    });

    it('a lookup failing on every retry never drops the message: sent once, on an attempt Temporal still makes', async () => {
      const { notify, fake, input, secrets } = subject();
      fake.failNextLookups(10_000, 503);
      // Temporal's schedule: each retry a backoff after the last one (1 s doubling, at most a minute), while the budget lasts.
      let result: NotifyResult | undefined;
      let attempts = 1;
      for (
        let elapsed = 0, backoff = 1_000;
        result === undefined && elapsed + backoff < BUDGET_MS;
        backoff = Math.min(2 * backoff, MAX_BACKOFF_MS)
      ) {
        elapsed += backoff;
        attempts++;
        result = await retried(notify, input, { attempt: attempts, elapsedMs: elapsed }).catch(async (error: unknown) => {
          expect(await failureOf(Promise.reject(error), secrets)).toMatchObject({ nonRetryable: false });
          return undefined;
        });
      }
      expect(result).toBeDefined();
      expect(fake.messages).toHaveLength(1);
      // Asked on every retry until the budget was nearly spent.
      expect(fake.lookups).toBe(attempts - 1);
      expect(attempts).toBeGreaterThan(60);
    });
  });
}
