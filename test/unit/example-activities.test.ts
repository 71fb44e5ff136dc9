/**
 * The example activities registered for state machines (activities/examples/) are bounded in what they allocate,
 * whatever a definition asks of them: the runtime's quotas bound the interpreter, these bound the activities.
 */
import { ApplicationFailure } from '@temporalio/common';
import { fetchRecords, MAX_PAGE_RECORDS } from '../../activities/examples/records';
import { runCase } from '../../packages/states-language/test/hostile/run-case';
import { EXAMPLE_HOSTILE_CASES, exampleActivities } from '../asl/example-hostile-cases';

describe('example activities bounded in what they allocate', () => {
  const source = { name: 's', total: 1e9 };

  it(`fetchRecords answers at most ${MAX_PAGE_RECORDS} records a page, and refuses more as a non-retryable failure`, async () => {
    await expect(fetchRecords({ source, cursor: 0, limit: MAX_PAGE_RECORDS })).resolves.toMatchObject({
      nextCursor: MAX_PAGE_RECORDS,
      hasMore: true,
    });
    const refused = fetchRecords({ source, cursor: 0, limit: 1e8 });
    await expect(refused).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(refused).rejects.toMatchObject({
      type: 'InvalidSource',
      nonRetryable: true,
      message: `limit is at most ${MAX_PAGE_RECORDS} records a page, not 100000000`,
    });
    await expect(fetchRecords({ source, cursor: -5, limit: 10 })).rejects.toMatchObject({ type: 'InvalidSource', nonRetryable: true });
  });
});

describe('hostile definitions aimed at the example activities', () => {
  it.each(EXAMPLE_HOSTILE_CASES.map((c) => [c.name, c] as const))('%s: fails as expected, on the interpreter alone', async (_name, c) => {
    const result = await runCase(c, exampleActivities);
    if (!('error' in c.expect)) throw new Error('every example case expects an error');
    expect(result).toMatchObject({ status: 'FAILED', error: c.expect.error });
    expect((result as { cause?: string }).cause).toContain(c.expect.causeContains);
  });
});
