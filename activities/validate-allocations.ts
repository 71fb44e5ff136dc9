import { ApplicationFailure } from '@temporalio/common';
import { checkAllocation } from '../lib/allocation/check';
import { ErrorType } from '../lib/errors';
import type { Allocation, Participant } from '../lib/types';
import { allocationOptions, type DrawOptions } from './draw-options';
import type { RunData } from './run-data';

export interface ValidateAllocationsInput {
  participantsKey: string;
  drawKey: string;
  options?: DrawOptions;
}

/** The independent check of a draw; the workflow answers its failure by drawing again. */
export function createValidateAllocations(data: RunData) {
  return async function validateAllocations({ participantsKey, drawKey, options }: ValidateAllocationsInput): Promise<void> {
    const [participants, { pairs }, drawOptions] = await Promise.all([
      data.read<Participant[]>(participantsKey),
      data.read<Allocation>(drawKey),
      allocationOptions(data, options),
    ]);
    const violations = checkAllocation(participants, pairs, drawOptions);
    if (violations.length > 0) {
      throw ApplicationFailure.nonRetryable(`invalid draw: ${violations.slice(0, 20).join('; ')}`, ErrorType.InvalidAllocation);
    }
  };
}
