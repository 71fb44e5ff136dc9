import type { Pair } from '../types';

/** A previous draw that cannot be read: the message says what is wrong with it. */
export class InvalidPreviousDrawError extends Error {}

/**
 * The pairs of an earlier draw, to avoid repeating them: from a stored allocation once the worker has opened it
 * (`{runId, pairs, ...}`, as activities/store-allocations.ts keeps it, sealed) or the output of
 * `santa allocate --json` (`{seed, pairs}`), given as JSON text or already parsed.
 */
export function previousPairs(draw: unknown): Pair[] {
  if (typeof draw === 'string') {
    try {
      draw = JSON.parse(draw) as unknown;
    } catch (error) {
      throw new InvalidPreviousDrawError(
        `it is not JSON (${(error as Error).message}); give a stored draw or the output of santa allocate --json`,
      );
    }
  }
  if (typeof draw === 'object' && draw !== null && 'sealed' in draw) {
    throw new InvalidPreviousDrawError(
      "it is a stored draw, sealed: only the service's worker can open it; " +
        'start the run through the API with avoidPrevious=<run id>, or give the output of santa allocate --json',
    );
  }
  const pairs = typeof draw === 'object' && draw !== null ? (draw as { pairs?: unknown }).pairs : undefined;
  if (!Array.isArray(pairs))
    throw new InvalidPreviousDrawError('it has no "pairs" list; give a stored draw or the output of santa allocate --json');
  return pairs.map((pair: unknown, i): Pair => {
    const { giver, recipient } = (typeof pair === 'object' && pair !== null ? pair : {}) as Record<string, unknown>;
    if (typeof giver !== 'string' || typeof recipient !== 'string') {
      throw new InvalidPreviousDrawError(`pairs[${i}] needs a "giver" and a "recipient", both text`);
    }
    return { giver, recipient };
  });
}
