import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorType } from '../lib/errors';
import type { Channel, Pair, Participant } from '../lib/types';
import { mapWithConcurrency } from './map-with-concurrency';
import { initialStatus, type RunStatus } from './status';

export interface SecretSantaInput {
  csv: string;
  /** Fixes the draw; without it the workflow picks one (deterministically, from its own seeded randomness). */
  seed?: number;
  /** Parse, validate, draw and check only: nothing is stored or sent. */
  dryRun?: boolean;
  /** MaxConcurrency of each notification Map. */
  maxConcurrency?: number;
}

export const DEFAULT_MAX_CONCURRENCY = 10;
/** The original's Catch → Allocate loop, bounded. */
export const MAX_DRAWS = 3;

export const statusQuery = defineQuery<RunStatus>('status');

const NON_RETRYABLE = Object.values(ErrorType);

// Pure steps only retry when a worker is lost mid-task.
const steps = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Storage and providers: network errors, 5xx and 429 back off exponentially; 4xx fail at once.
const io = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

export async function secretSanta(input: SecretSantaInput): Promise<RunStatus> {
  const status = initialStatus(input.dryRun ?? false);
  setHandler(statusQuery, () => status);
  const runId = workflowInfo().workflowId;

  const parsed = await steps.parseParticipants(input.csv);
  status.stage = 'validating';
  const participants = await steps.validateParticipants(parsed);
  status.participants = participants.length;

  const { seed, pairs } = await drawValidAllocation(participants, input.seed, status);
  status.seed = seed;
  if (status.dryRun) {
    status.stage = 'done';
    return status;
  }

  // Stored before any message, so no retry can ever re-draw after someone was told.
  status.stage = 'storing';
  const stored = await io.storeAllocations({ runId, allocation: { seed, pairs }, participants: participants.length });
  status.stored = stored.key;

  status.stage = 'notifying';
  const limit = input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  const byName = new Map(participants.map((p) => [p.name, p]));
  await Promise.all([
    notifyBranch('email', pairs, limit, byName, status, (p) => p.email, io.notifyEmail),
    notifyBranch('sms', pairs, limit, byName, status, (p) => p.phone, io.notifySms),
  ]);
  status.stage = 'done';
  return status;
}

async function drawValidAllocation(participants: Participant[], requestedSeed: number | undefined, status: RunStatus) {
  const firstSeed = requestedSeed ?? Math.floor(Math.random() * 2 ** 32);
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    status.stage = 'allocating';
    const seed = (firstSeed + draw * 0x9e3779b9) >>> 0;
    const allocation = await steps.allocate({ participants, seed });
    status.stage = 'checking';
    try {
      await steps.validateAllocations({ participants, pairs: allocation.pairs });
      return allocation;
    } catch (error) {
      if (!isFailureOfType(error, ErrorType.InvalidAllocation)) throw error;
    }
  }
  throw ApplicationFailure.nonRetryable(`no draw passed the check in ${MAX_DRAWS} attempts`, ErrorType.InvalidAllocation);
}

/** One Parallel branch: a Map over the draw whose items are a Choice (contact known? send : skip) with a Catch. */
async function notifyBranch(
  channel: Channel,
  pairs: Pair[],
  limit: number,
  byName: Map<string, Participant>,
  status: RunStatus,
  contactOf: (p: Participant) => string | undefined,
  send: Activities['notifyEmail'],
): Promise<void> {
  const counts = status[channel];
  await mapWithConcurrency(pairs, limit, async ({ giver, recipient }) => {
    const to = contactOf(byName.get(giver)!);
    if (!to) {
      counts.skipped++;
      return;
    }
    try {
      await send({ runId: workflowInfo().workflowId, name: giver, recipient, to });
      counts.sent++;
    } catch (error) {
      if (isCancellation(error)) throw error;
      counts.failed++;
      status.failures.push({ name: giver, channel, error: failureMessage(error) });
    }
  });
}

function isFailureOfType(error: unknown, type: string): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === type;
}

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
