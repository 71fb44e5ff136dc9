/**
 * Step Functions' Map with MaxConcurrency: runs `fn` over `items`, never more than `limit` at once,
 * starting items in order. Deterministic, so it is safe inside a workflow.
 */
export async function mapWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`MaxConcurrency must be a positive integer, got ${limit}`);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index], index);
    }
  };
  await settleAll(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Like Promise.all, but on a failure it still waits for the others before rethrowing the first one:
 * a cancelled run must not report itself closed while a message is still on its way.
 */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
