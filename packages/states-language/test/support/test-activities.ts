/**
 * Task resources of the conformance cases, written once for both runners: the pure one (virtual time) and
 * the Temporal one (real activities). `tools` is how each runner fails, sleeps and heartbeats.
 */
export interface ActivityTools {
  fail(error: string, cause?: string): never;
  sleep(ms: number): Promise<void>;
  heartbeat(): void;
}

export type TestActivity = (input: any, tools: ActivityTools) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls so far per key, for failUntil: a key should be unique per execution (use $$.Execution.Id). */
const calls = new Map<string, number>();

/** Forgets the calls counted so far (the pure runner gives every execution the same Id). */
export function resetTestActivities(): void {
  calls.clear();
}

export const testActivities: Record<string, TestActivity> = {
  async echo(input) {
    return input;
  },
  async add({ a, b }) {
    return a + b;
  },
  async greet({ name }) {
    return `Hello, ${name}!`;
  },
  async fail({ error, cause }, tools) {
    return tools.fail(error, cause);
  },
  /** Fails `times` times for `key` with `error`, then answers `result`. */
  async failUntil({ key, times, error, cause, result }, tools) {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    if (n <= times) tools.fail(error, cause ?? `attempt ${n}`);
    return result ?? { attempts: n };
  },
  /** Sleeps `ms`, heartbeating every `beatMs` if given, then answers `result`. */
  async sleep({ ms, beatMs, result }, tools) {
    if (!beatMs) {
      await tools.sleep(ms);
      return result ?? null;
    }
    for (let slept = 0; slept < ms; slept += beatMs) {
      tools.heartbeat();
      await tools.sleep(Math.min(beatMs, ms - slept));
    }
    return result ?? null;
  },
  /** Answers a string of `chars` x's (at most 1 MiB: the hostile corpus's oversized result). */
  async grow({ chars }) {
    return 'x'.repeat(Math.min(Number(chars) || 0, 1024 * 1024));
  },
  /** A Lambda-style function: answers what it was given, wrapped. */
  async lambdaEcho(input) {
    return { received: input };
  },
};
