import { ApplicationFailure } from '@temporalio/common';
import { checkAllocation } from '../lib/allocation/check';
import { ErrorType } from '../lib/errors';
import type { Participant } from '../lib/types';
import type { SealedDraw } from './allocate';
import { allocationOptions, type DrawOptions } from './draw-options';
import type { RunData } from '../storage/run-data';

export interface ValidateAllocationsInput {
  participantsKey: string;
  drawKey: string;
  options?: DrawOptions;
}

/**
 * The independent check of a draw; the workflow answers its failure by drawing again. Its failure is in the history,
 * so it counts the problems and names nobody: a giver beside "drew someone they exclude" narrows down whom they drew.
 */
export function createValidateAllocations(data: RunData) {
  return async function validateAllocations({ participantsKey, drawKey, options }: ValidateAllocationsInput): Promise<void> {
    const [participants, draw, drawOptions] = await Promise.all([
      data.read<Participant[]>(participantsKey),
      data.readSealed<SealedDraw>(drawKey),
      allocationOptions(data, options),
    ]);
    // Last year's pairs bind only a draw that could avoid them (allocate says whether it did).
    const violations = checkAllocation(participants, draw.pairs, { ...drawOptions, avoid: draw.avoided ? drawOptions.avoid : undefined });
    if (violations.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `invalid draw: ${violations.length} ${violations.length === 1 ? 'problem' : 'problems'}`,
        ErrorType.InvalidAllocation,
      );
    }
  };
}
