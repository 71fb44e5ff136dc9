import { ActivityFailure, TimeoutFailure, defineQuery, isCancellation, setHandler } from '@temporalio/workflow';
import type { NotificationItem } from '../activities/load-batch';
import type { Channel } from '../lib/types';
import { notifyBy, steps } from './activity-proxies';
import { mapWithConcurrency } from './map-with-concurrency';
import { type BatchReport, noCounts, recordFailures } from './status';

export interface NotifyBatchInput {
  runId: string;
  channel: Channel;
  participantsKey: string;
  /** Participants [start, end) of the run, in the file's order. */
  start: number;
  end: number;
  /** Messages in flight at once in this batch. */
  maxConcurrency: number;
  /** How long each message is retried, in ms (the run's); without it, an hour. */
  notifyRetryBudgetMs?: number;
}

export const batchStatusQuery = defineQuery<BatchReport>('batchStatus');

const contactOf = (item: NotificationItem, channel: Channel) => (channel === 'email' ? item.email : item.phone);

/** A batch of one channel's Map, run as a child workflow so no history grows with the whole run. */
export async function notifyBatch(input: NotifyBatchInput): Promise<BatchReport> {
  const report: BatchReport = { counts: noCounts(), failures: [] };
  setHandler(batchStatusQuery, () => report);
  await runBatch(input, report);
  return report;
}

/**
 * The Map's items over a slice of the stored draw, each a Choice (contact known? send : skip) with a Catch that
 * records a message failing for good. Also called inline by the parent when the whole run is one batch.
 */
export async function runBatch(input: NotifyBatchInput, report: BatchReport): Promise<void> {
  const { channel, runId } = input;
  const items = await steps.loadBatch({ participantsKey: input.participantsKey, start: input.start, end: input.end });
  const send = notifyBy(input.notifyRetryBudgetMs);
  await mapWithConcurrency(items, input.maxConcurrency, async (item) => {
    const to = contactOf(item, channel);
    if (!to) {
      report.counts.skipped++;
      return;
    }
    try {
      // Only the giver and their own address: the activity finds whom they give to, inside the worker.
      await send[channel]({ runId, name: item.name, to });
      report.counts.sent++;
    } catch (error) {
      if (isCancellation(error)) throw error;
      report.counts.failed++;
      recordFailures(report.failures, [{ name: item.name, channel, error: failureMessage(error) }]);
    }
  });
}

function failureMessage(error: unknown): string {
  // A budget that ran out is a timeout whose own cause is the provider's last answer: that is the reason to report.
  let cause: unknown = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof TimeoutFailure && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
