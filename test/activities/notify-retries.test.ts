import { MockActivityEnvironment } from '@temporalio/testing';
import { CLOCK_SKEW_MS, notifyActivity } from '../../activities/notify-retries';
import type { NotifyInput, SendOptions } from '../../activities/notify-types';

const input: NotifyInput = { runId: 'run-1', name: 'Alice', recipient: 'Bob', to: 'alice@example.com' };
const SCHEDULED = Date.parse('2026-12-01T09:00:00Z');

/** What the activity passes its notify function on this attempt. */
async function optionsOnAttempt(attempt: number): Promise<SendOptions | undefined> {
  const calls: Array<SendOptions | undefined> = [];
  const activity = notifyActivity(async (_input, options) => {
    calls.push(options);
    return { channel: 'email', via: 'mailgun', id: '<m1>' };
  });
  const env = new MockActivityEnvironment({ attempt, scheduledTimestampMs: SCHEDULED, currentAttemptScheduledTimestampMs: SCHEDULED + attempt * 1_000 });
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
