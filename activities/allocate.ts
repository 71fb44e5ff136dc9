import { ApplicationFailure } from '@temporalio/common';
import { allocate as drawPairs } from '../lib/allocation/allocate';
import { randomSeedWords } from '../lib/codec/draw-seal';
import { ErrorType, NoValidAllocationError } from '../lib/errors';
import type { AllocationOptions, Pair, Participant } from '../lib/types';
import { allocationOptions, type DrawOptions } from './draw-options';
import { type RunData, runKeys } from '../storage/run-data';

export interface AllocateInput {
  runId: string;
  participantsKey: string;
  /** The organiser's seed, by key (never a payload: with the draw key it computes the draw); null or absent: random. */
  seedKey?: string | null;
  /** Which draw of the run this is (the re-draw loop's counter): each draw is kept under its own key. */
  attempt: number;
  options?: DrawOptions;
}

/** A draw as the worker keeps it, sealed: `avoided` says whether last year's pairs were kept out. */
export interface SealedDraw {
  pairs: Pair[];
  avoided: boolean;
}

/**
 * Draws and keeps the draw sealed; answers with its key only. An impossible draw stays impossible: a non-retryable
 * failure. When last year's pairs cannot all be avoided, it draws without avoiding them and says nothing of it
 * (anything it said would tell which pairs came before).
 */
export function createAllocate(data: RunData) {
  return async function allocate({ runId, participantsKey, seedKey, attempt, options }: AllocateInput): Promise<{ drawKey: string }> {
    const [participants, drawOptions, organiserSeed] = await Promise.all([
      data.read<Participant[]>(participantsKey),
      allocationOptions(data, options),
      seedKey ? data.read<{ seed: number }>(seedKey).then((kept) => kept.seed) : undefined,
    ]);
    const seed = organiserSeed === undefined ? randomSeedWords() : data.drawSeal.mixSeed(organiserSeed, attempt);
    const draw = drawAvoidingIfPossible(participants, seed, drawOptions);
    const drawKey = runKeys.draw(runId, attempt);
    await data.writeSealed(drawKey, draw);
    return { drawKey };
  };
}

function drawAvoidingIfPossible(
  participants: Participant[],
  seed: Parameters<typeof drawPairs>[1],
  options: AllocationOptions,
): SealedDraw {
  try {
    try {
      return { pairs: drawPairs(participants, seed, options).pairs, avoided: options.avoid !== undefined };
    } catch (error) {
      if (!(error instanceof NoValidAllocationError) || options.avoid === undefined) throw error;
      return { pairs: drawPairs(participants, seed, { ...options, avoid: undefined }).pairs, avoided: false };
    }
  } catch (error) {
    if (error instanceof NoValidAllocationError) {
      throw ApplicationFailure.nonRetryable(error.message, ErrorType.NoValidAllocation, { blockers: error.blockers });
    }
    throw error;
  }
}
