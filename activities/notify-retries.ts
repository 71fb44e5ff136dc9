import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Notify, NotifyInput, NotifyResult } from './notify-types';
import { PROVIDER_LOOKUP_FAILED, PROVIDER_LOOKUP_REFUSED } from './provider-errors';

/**
 * How far the provider's clock may be behind Temporal's: a lookup reaches back this much before the activity was
 * first scheduled. Twilio's times are whole seconds. A message counted by mistake for this margin has this very
 * text (Twilio) or this run's token (Mailgun), so the giver has been told either way.
 */
export const CLOCK_SKEW_MS = 60_000;

/** The longest backoff between attempts when the activity's Info carries no retry policy: the workflow's cap. */
const DEFAULT_MAX_BACKOFF_MS = 60_000;

/**
 * A notify function as an activity. Neither Mailgun nor Twilio takes an idempotency key, so a retry (attempt 2 or
 * later: after a worker crash, a timeout, a lost answer, a retryable error) asks the provider first whether it
 * already accepted this message since the activity was first scheduled, and sends only if not. The first attempt
 * cannot have sent anything before: it sends at once.
 *
 * A lookup that fails must not cost the message (a second message harms less than none): refused for good (4xx), or
 * failing when a later attempt might not come (the retry budget nearly spent), the activity sends without it; failing
 * otherwise (5xx, 429, network), it is retried like a failed send.
 */
export function notifyActivity(notify: Notify) {
  return async function (input: NotifyInput): Promise<NotifyResult> {
    const { info, log } = Context.current();
    if (info.attempt === 1) return notify(input, {});
    try {
      return await notify(input, { sentSince: new Date(info.scheduledTimestampMs - CLOCK_SKEW_MS) });
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || (err.type !== PROVIDER_LOOKUP_REFUSED && err.type !== PROVIDER_LOOKUP_FAILED)) throw err;
      const refused = err.type === PROVIDER_LOOKUP_REFUSED;
      if (!refused && !lastChance(info)) throw err;
      // The failure's text is scrubbed of the message and the recipient (lookupFailure).
      log.warn(
        `${err.message}; sending without knowing whether an earlier attempt did ` +
          `(${refused ? 'asking again would not help' : 'the retry budget is nearly spent'})`,
      );
      return notify(input, {});
    }
  };
}

/**
 * Whether another attempt might not come: this is the policy's last attempt, or less of the schedule-to-close budget is
 * left than the longest backoff plus one attempt's time. Without either limit, Temporal retries for as long as it takes.
 */
function lastChance(info: Info, now = Date.now()): boolean {
  const policy = info.retryPolicy;
  if (policy?.maximumAttempts && info.attempt >= policy.maximumAttempts) return true;
  if (!info.scheduleToCloseTimeoutMs) return false;
  const left = info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs - now;
  const longestBackoff = policy?.maximumInterval === undefined ? DEFAULT_MAX_BACKOFF_MS : msToNumber(policy.maximumInterval);
  return left < longestBackoff + info.startToCloseTimeoutMs;
}
