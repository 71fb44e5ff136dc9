import { previousPairs } from '../lib/allocation/previous';
import type { AllocationOptions } from '../lib/types';
import type { RunData } from '../storage/run-data';

/** How a run wants its draw, as the workflow passes it: last year's draw by key, so it never travels as a payload. */
export interface DrawOptions {
  singleCycle?: boolean;
  /** Key of a stored (sealed) draw whose pairs should not come again. */
  avoidKey?: string;
}

export async function allocationOptions(data: RunData, { singleCycle, avoidKey }: DrawOptions = {}): Promise<AllocationOptions> {
  return { singleCycle, avoid: avoidKey ? previousPairs(await data.readSealed<unknown>(avoidKey)) : undefined };
}
