import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
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

/**
 * Messages go out as ordinary activities, each retried on its own. On cancel, the run waits for messages
 * already on their way, so none is sent after it reports cancelled.
 */
export const io = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', cancellationType: 'WAIT_CANCELLATION_COMPLETED', retry });
