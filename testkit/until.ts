export interface UntilOptions {
  /** How long to wait before giving up (default 30 s). */
  timeoutMs?: number;
  /** When to give up, as a Date.now() time, instead of timeoutMs: for waits that share one deadline (a chaos run's). */
  deadline?: number;
  /** Time between two checks (default 100 ms). */
  everyMs?: number;
}

/**
 * Polls until `check` gives a value (errors count as "not yet", so a call that fails while a server restarts is
 * simply tried again): waiting on a condition, with a deadline. The third argument is the timeout in ms, or options.
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutOrOptions: number | UntilOptions = {},
  everyMs?: number,
): Promise<T> {
  const options = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, everyMs } : timeoutOrOptions;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = options.deadline ?? Date.now() + timeoutMs;
  const interval = options.everyMs ?? everyMs ?? 100;
  let lastError: unknown;
  for (;;) {
    const value = await check().catch((error: unknown) => {
      lastError = error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const after = options.deadline === undefined ? `after ${timeoutMs} ms ` : '';
      throw new Error(`timed out ${after}waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
