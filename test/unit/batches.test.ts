import { MAX_IN_FLIGHT_PER_BATCH, planBatches } from '../../workflows/batches';

describe('planBatches', () => {
  it('cuts the items into batches of the batch size, the last one shorter', () => {
    expect(planBatches(1050, 500, 10).ranges).toEqual([
      [0, 500],
      [500, 1000],
      [1000, 1050],
    ]);
  });

  it('keeps a low MaxConcurrency in one batch at a time', () => {
    expect(planBatches(2000, 500, 10)).toMatchObject({ perBatch: 10, batchesAtOnce: 1 });
  });

  it(`spreads a high MaxConcurrency over batches of at most ${MAX_IN_FLIGHT_PER_BATCH} in flight each`, () => {
    expect(planBatches(100_000, 500, 100)).toMatchObject({ perBatch: 20, batchesAtOnce: 5 });
    // Whole batches only: never more than MaxConcurrency in flight.
    const { perBatch, batchesAtOnce } = planBatches(100_000, 500, 30);
    expect(perBatch * batchesAtOnce).toBeLessThanOrEqual(30);
  });

  it('never lets a batch keep more in flight than it has items', () => {
    expect(planBatches(1000, 5, 10)).toMatchObject({ perBatch: 5, batchesAtOnce: 2 });
  });

  it('without a cap, plans as runs started before the cap did (their histories replay)', () => {
    expect(planBatches(100_000, 500, 100, Infinity)).toMatchObject({ perBatch: 100, batchesAtOnce: 1 });
  });

  it('refuses a batch size or MaxConcurrency that is not a positive integer', () => {
    expect(() => planBatches(10, 0, 10)).toThrow(RangeError);
    expect(() => planBatches(10, 10, 1.5)).toThrow(RangeError);
  });
});
