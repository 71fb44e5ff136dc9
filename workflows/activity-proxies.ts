import { type ActivityOptions, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorType } from '../lib/errors';

/** Network errors, 5xx and 429 back off exponentially; bad input and 4xx fail at once. */
const retry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: Object.values(ErrorType),
} as const;

/**
 * The run's own short steps (parse, validate, allocate, check, store, load a batch) as local activities: the worker
 * runs them inside the workflow task, with no server round trip each (bench/RESULTS.md, "Local activities").
 */
export const steps = proxyLocalActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });

/** The same steps as ordinary activities, kept so the bench can measure what local ones buy. */
export const remoteSteps = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });

/** How long a message is retried when its run names no budget (SANTA_NOTIFY_RETRY_BUDGET's default; older runs). */
export const DEFAULT_NOTIFY_RETRY_BUDGET_MS = 60 * 60_000;

/**
 * Each channel's notify activity. Messages go out as ordinary activities, each retried on its own for a time budget
 * (schedule-to-close, `budgetMs`: the run's SANTA_NOTIFY_RETRY_BUDGET), however many attempts that takes: network
 * errors, 5xx, 429 and failed lookups. A count ran out: with providers failing 30% of calls and 5 worker kills, 10
 * attempts left 1 text in 1,000 unsent. 4xx fail at once. Backoff from 1 s, doubling, at most a minute apart, or a
 * 60th of a shorter budget (but 1 s), so that a short budget still gets many tries. On cancel, the run waits for
 * messages already on their way, so none is sent after it reports cancelled.
 */
export function notifyBy(budgetMs = DEFAULT_NOTIFY_RETRY_BUDGET_MS) {
  const { notifyEmail, notifySms } = proxyActivities<Activities>(notifyOptions(budgetMs));
  return { email: notifyEmail, sms: notifySms } as const;
}

/** The options of every message's activity (a run's, an exchange's): retried for the time budget, as above. */
export function notifyOptions(budgetMs = DEFAULT_NOTIFY_RETRY_BUDGET_MS): ActivityOptions {
  const maximumInterval = Math.min(60_000, Math.max(1_000, Math.floor(budgetMs / 60)));
  return {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: budgetMs,
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval, nonRetryableErrorTypes: Object.values(ErrorType) },
  };
}
