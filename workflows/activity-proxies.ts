import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorType } from '../lib/errors';

const NON_RETRYABLE = Object.values(ErrorType);

/** The run's own steps: they only retry when a worker is lost mid-task. */
export const steps = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Storage and providers: network errors, 5xx and 429 back off exponentially; 4xx fail at once.
 * On cancel, the run waits for messages already on their way, so none is sent after it reports cancelled.
 */
export const io = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  cancellationType: 'WAIT_CANCELLATION_COMPLETED',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});
