import { ApplicationFailure } from '@temporalio/common';
import { checkAllocation } from '../lib/allocation/check';
import { ErrorType } from '../lib/errors';
import type { Pair, Participant } from '../lib/types';

export interface ValidateAllocationsInput {
  participants: Participant[];
  pairs: Pair[];
}

/** The independent check of a draw; the workflow answers its failure by drawing again. */
export async function validateAllocations({ participants, pairs }: ValidateAllocationsInput): Promise<void> {
  const violations = checkAllocation(participants, pairs);
  if (violations.length > 0) {
    throw ApplicationFailure.nonRetryable(`invalid draw: ${violations.join('; ')}`, ErrorType.InvalidAllocation);
  }
}
