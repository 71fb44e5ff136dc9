import { mapWithConcurrency, settleAll } from '../../workflows/map-with-concurrency';

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

describe('settleAll', () => {
  it('waits for every promise before rethrowing the first failure', async () => {
    let slowDone = false;
    const slow = new Promise<void>((resolve) => setTimeout(() => ((slowDone = true), resolve()), 20));
    await expect(settleAll([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });

  it('makes the Map wait for items in flight when one fails', async () => {
    const finished: number[] = [];
    const run = mapWithConcurrency([0, 1], 2, async (item) => {
      if (item === 0) throw new Error('cancelled');
      await tick();
      finished.push(item);
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(finished).toEqual([1]);
  });
});
