import { ApplicationFailure } from '@temporalio/common';
import { allocate as drawPairs } from '../lib/allocation/allocate';
import { ErrorType, NoValidAllocationError } from '../lib/errors';
import type { Allocation, Participant } from '../lib/types';

export interface AllocateInput {
  participants: Participant[];
  seed: number;
}

/** An impossible draw stays impossible: answered as a non-retryable failure, never retried. */
export async function allocate({ participants, seed }: AllocateInput): Promise<Allocation> {
  try {
    return drawPairs(participants, seed);
  } catch (error) {
    if (error instanceof NoValidAllocationError) {
      throw ApplicationFailure.nonRetryable(error.message, ErrorType.NoValidAllocation, { blockers: error.blockers });
    }
    throw error;
  }
}
