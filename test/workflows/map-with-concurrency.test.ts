import { mapWithConcurrency } from '../../workflows/map-with-concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('runs every item once, never more than the limit at a time, starting in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    await mapWithConcurrency([...Array(10).keys()], 3, async (item) => {
      started.push(item);
      peak = Math.max(peak, ++inFlight);
      await tick();
      inFlight--;
    });
    expect(started).toEqual([...Array(10).keys()]);
    expect(peak).toBe(3);
  });

  it('copes with fewer items than the limit, and with none', async () => {
    const seen: string[] = [];
    await mapWithConcurrency(['a'], 10, async (item) => void seen.push(item));
    await mapWithConcurrency([], 10, async () => void seen.push('never'));
    expect(seen).toEqual(['a']);
  });

  it('rejects a limit that is not a positive integer', async () => {
    await expect(mapWithConcurrency([1], 0, async () => undefined)).rejects.toThrow(/MaxConcurrency/);
  });
});
