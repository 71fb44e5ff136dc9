import { ApplicationFailure } from '@temporalio/common';
import { allocate as drawPairs } from '../lib/allocation/allocate';
import { ErrorType, NoValidAllocationError } from '../lib/errors';
import type { Allocation, Participant } from '../lib/types';
import { allocationOptions, type DrawOptions } from './draw-options';
import { type RunData, runKeys } from './run-data';

export interface AllocateInput {
  runId: string;
  participantsKey: string;
  seed: number;
  /** Which draw of the run this is (the re-draw loop's counter): each draw is kept under its own key. */
  attempt: number;
  options?: DrawOptions;
}

/** An impossible draw stays impossible: answered as a non-retryable failure, never retried. */
export function createAllocate(data: RunData) {
  return async function allocate({ runId, participantsKey, seed, attempt, options }: AllocateInput): Promise<{ drawKey: string; seed: number }> {
    const [participants, drawOptions] = await Promise.all([data.read<Participant[]>(participantsKey), allocationOptions(data, options)]);
    let allocation: Allocation;
    try {
      allocation = drawPairs(participants, seed, drawOptions);
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
