/** Array helpers shared by the intrinsics (States.ArrayPartition, States.ArrayRange) and JSONata's $partition, $range. */

/** Chunks of `size` items; throws a RangeError for a size that is not a positive integer. */
export function partition<T>(array: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError('the chunk size must be a positive integer');
  const out: T[][] = [];
  for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
  return out;
}

export const MAX_RANGE = 1000;

/** start, start + step, … up to and including end; at most 1000 items, and a step of 0 is refused (RangeError). */
export function range(start: number, end: number, step: number): number[] {
  if (step === 0) throw new RangeError('the step cannot be 0');
  const out: number[] = [];
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
    out.push(v);
    if (out.length > MAX_RANGE) throw new RangeError(`the range has more than ${MAX_RANGE} items`);
  }
  return out;
}
