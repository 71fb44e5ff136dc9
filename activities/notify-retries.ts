import { Context } from '@temporalio/activity';
import type { Notify, NotifyInput, NotifyResult } from './notify-types';

/**
 * How far the provider's clock may be behind Temporal's: a lookup reaches back this much before the activity was
 * first scheduled. Twilio's times are whole seconds. A message counted by mistake for this margin has this very
 * text (Twilio) or this run's token (Mailgun), so the giver has been told either way.
 */
export const CLOCK_SKEW_MS = 60_000;

/**
 * A notify function as an activity. Neither Mailgun nor Twilio takes an idempotency key, so a retry (attempt 2 or
 * later: after a worker crash, a timeout, a lost answer, a retryable error) asks the provider first whether it
 * already accepted this message since the activity was first scheduled, and sends only if not. The first attempt
 * cannot have sent anything before: it sends at once.
 */
export function notifyActivity(notify: Notify) {
  return function (input: NotifyInput): Promise<NotifyResult> {
    const { attempt, scheduledTimestampMs } = Context.current().info;
    return notify(input, attempt > 1 ? { sentSince: new Date(scheduledTimestampMs - CLOCK_SKEW_MS) } : {});
  };
}
