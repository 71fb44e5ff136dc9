import { ApplicationFailure } from '@temporalio/common';
import { allocate as drawPairs } from '../lib/allocation/allocate';
import { ErrorType, NoValidAllocationError } from '../lib/errors';
import type { Allocation, Participant } from '../lib/types';
import { type RunData, runKeys } from './run-data';

export interface AllocateInput {
  runId: string;
  participantsKey: string;
  seed: number;
  /** Which draw of the run this is (the re-draw loop's counter): each draw is kept under its own key. */
  attempt: number;
}

/** An impossible draw stays impossible: answered as a non-retryable failure, never retried. */
export function createAllocate(data: RunData) {
  return async function allocate({ runId, participantsKey, seed, attempt }: AllocateInput): Promise<{ drawKey: string; seed: number }> {
    const participants = await data.read<Participant[]>(participantsKey);
    let allocation: Allocation;
    try {
      allocation = drawPairs(participants, seed);
    } catch (error) {
      if (error instanceof NoValidAllocationError) {
        throw ApplicationFailure.nonRetryable(error.message, ErrorType.NoValidAllocation, { blockers: error.blockers });
      }
      throw error;
    }
    const drawKey = runKeys.draw(runId, attempt);
    await data.write(drawKey, allocation);
    return { drawKey, seed };
  };
}
