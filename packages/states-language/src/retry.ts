/** Retry as the specification has it: the first retrier whose ErrorEquals matches decides, with its own count. */
import { errorMatches } from './errors';
import { MAX_RETRY_DELAY_SECONDS } from './quotas';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

/** The index of the first rule (retrier or catcher) matching the error, or -1. */
export function firstMatch(rules: readonly { ErrorEquals: string[] }[] | undefined, error: string | undefined): number {
  return (rules ?? []).findIndex((rule) => rule.ErrorEquals.some((pattern) => errorMatches(pattern, error)));
}

/**
 * Milliseconds to wait before the next attempt, or undefined when the matching retrier is used up (or none
 * matches). `counts` holds each retrier's retries so far in this visit to the state and is updated.
 */
export function retryDelay(
  retriers: readonly Retrier[] | undefined,
  counts: number[],
  error: string | undefined,
  random: () => number,
): number | undefined {
  const i = firstMatch(retriers, error);
  if (i < 0) return undefined;
  const r = retriers![i];
  const done = counts[i] ?? 0;
  if (done >= (r.MaxAttempts ?? 3)) return undefined;
  counts[i] = done + 1;
  return backoffSeconds(r, done, random) * 1000;
}

/**
 * IntervalSeconds × BackoffRate^retry, at most MaxDelaySeconds, or without it at most the largest MaxDelaySeconds
 * Step Functions takes (366 days): a BackoffRate of 1e300 would otherwise ask for a timer no one can schedule.
 * FULL jitter picks uniformly below it.
 */
export function backoffSeconds(r: Retrier, retry: number, random: () => number): number {
  let seconds = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** retry;
  seconds = Math.min(seconds, r.MaxDelaySeconds ?? MAX_RETRY_DELAY_SECONDS);
  if (r.JitterStrategy === 'FULL') seconds = random() * seconds;
  return seconds;
}
