import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  defineQuery,
  executeChild,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DrawOptions } from '../activities/draw-options';
import { ErrorType } from '../lib/errors';
import { remoteSteps, steps } from './activity-proxies';
import { MAX_IN_FLIGHT_PER_BATCH, planBatches } from './batches';
import { mapWithConcurrency, settleAll } from './map-with-concurrency';
import { notifyBatch, type NotifyBatchInput, runBatch } from './notify-batch';
import { addBatchReport, CHANNELS, initialStatus, type RunningBatch, type RunProgress, type RunStatus } from './status';

export interface SecretSantaInput {
  /** The uploaded participants file, by key in the run's storage (a claim check: files can be large). */
  csvKey: string;
  /**
   * The organiser's seed, by key in the run's storage: the worker mixes it with the draw key, so the same seed repeats
   * a draw on this server only. Never a payload. Without it, each draw is random.
   */
  seedKey?: string;
  /** Parse, validate, draw and check only: nothing is stored or sent. */
  dryRun?: boolean;
  /** MaxConcurrency of each notification Map: messages in flight per channel, over all its batches. */
  maxConcurrency?: number;
  /** How long each message is retried before it counts as failed, in ms (SANTA_NOTIFY_RETRY_BUDGET); without it, an hour. */
  notifyRetryBudgetMs?: number;
  /** Pairs per child workflow of a notification Map. */
  batchSize?: number;
  /** One loop through everyone, and/or last year's stored draw (by key) whose pairs must not come again. */
  draw?: DrawOptions;
  /** false runs the short steps as ordinary activities instead of local ones: for the bench's comparison. */
  localSteps?: boolean;
}

export const DEFAULT_MAX_CONCURRENCY = 10;
export const DEFAULT_BATCH_SIZE = 500;
/** The original's Catch → Allocate loop, bounded. */
export const MAX_DRAWS = 3;

export const statusQuery = defineQuery<RunStatus>('status');
/** The status and the batches under way, whose own counts (their `batchStatus` query) are not in it yet. */
export const progressQuery = defineQuery<RunProgress>('progress');

export async function secretSanta(input: SecretSantaInput): Promise<RunStatus> {
  const status = initialStatus(input.dryRun ?? false);
  const running = new Map<string, RunningBatch>();
  setHandler(statusQuery, () => status);
  setHandler(progressQuery, () => ({ status, running: [...running.values()] }));
  const runId = workflowInfo().workflowId;
  const run = input.localSteps === false ? remoteSteps : steps;

  const { parsedKey } = await run.parseParticipants({ runId, csvKey: input.csvKey });
  status.stage = 'validating';
  const { participantsKey, participants } = await run.validateParticipants({ runId, parsedKey });
  status.participants = participants;

  const { drawKey } = await drawValidAllocation(run, { runId, participantsKey, seedKey: input.seedKey, options: input.draw }, status);
  if (status.dryRun) {
    status.stage = 'done';
    return status;
  }

  // Stored before any message, so no retry can ever re-draw after someone was told.
  status.stage = 'storing';
  const stored = await run.storeAllocations({ runId, drawKey, participants });
  status.stored = stored.key;

  status.stage = 'notifying';
  // Runs started before batches had a cap on messages in flight keep their plan when replayed.
  const perBatchCap = patched('in-flight-per-batch-cap') ? MAX_IN_FLIGHT_PER_BATCH : Infinity;
  const plan = planBatches(
    participants,
    input.batchSize ?? DEFAULT_BATCH_SIZE,
    input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    perBatchCap,
  );
  // Parallel: both channels' Maps at once.
  await settleAll(
    CHANNELS.map((channel) => {
      const batch = (start: number, end: number): NotifyBatchInput => ({
        runId,
        channel,
        participantsKey,
        start,
        end,
        maxConcurrency: plan.perBatch,
        notifyRetryBudgetMs: input.notifyRetryBudgetMs,
      });
      if (plan.ranges.length === 1) return runBatch(batch(...plan.ranges[0]), { counts: status[channel], failures: status.failures });
      return mapWithConcurrency(plan.ranges, plan.batchesAtOnce, async ([start, end], index) => {
        const workflowId = `${runId}-${channel}-${index}`;
        running.set(workflowId, { workflowId, channel });
        try {
          // Counted and no longer listed as running in the same step: a progress reader never counts it twice.
          addBatchReport(status, channel, await executeChild(notifyBatch, { workflowId, args: [batch(start, end)] }));
        } finally {
          running.delete(workflowId);
        }
      });
    }),
  );
  // Messages already on their way when a cancel came finish first; the run still ends as cancelled.
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('run cancelled');
  status.stage = 'done';
  return status;
}

/** Draws, in the worker and sealed, until one passes the check: the workflow only ever holds the draw's key. */
export async function drawValidAllocation(
  run: typeof steps,
  { runId, participantsKey, seedKey, options }: { runId: string; participantsKey: string; seedKey?: string; options?: DrawOptions },
  status: RunStatus,
) {
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    status.stage = 'allocating';
    const draw = await run.allocate({ runId, participantsKey, seedKey, attempt, options });
    status.stage = 'checking';
    try {
      await run.validateAllocations({ participantsKey, drawKey: draw.drawKey, options });
      return draw;
    } catch (error) {
      if (!isFailureOfType(error, ErrorType.InvalidAllocation)) throw error;
    }
  }
  throw ApplicationFailure.nonRetryable(`no draw passed the check in ${MAX_DRAWS} attempts`, ErrorType.InvalidAllocation);
}

/** A step's failure, whether it ran as an ordinary activity (wrapped in ActivityFailure) or a local one. */
function isFailureOfType(error: unknown, type: string): boolean {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === type;
}
