import type { Rng } from '../random';
import type { Pool } from './pool';

/** A set of small integers with O(1) removal and random access, for the people still unmatched. */
export class IndexSet {
  readonly items: Int32Array;
  private readonly pos: Int32Array;
  size: number;

  constructor(n: number) {
    this.items = Int32Array.from({ length: n }, (_, i) => i);
    this.pos = Int32Array.from({ length: n }, (_, i) => i);
    this.size = n;
  }

  swap(i: number, j: number): void {
    const a = this.items[i];
    const b = this.items[j];
    this.items[i] = b;
    this.items[j] = a;
    this.pos[a] = j;
    this.pos[b] = i;
  }

  delete(value: number): void {
    this.swap(this.pos[value], this.size - 1);
    this.size--;
  }
}

/** One direction of the matching: `from` people look for `to` people. */
export interface Side {
  matchFrom: Int32Array;
  matchTo: Int32Array;
  allowed: (from: number, to: number) => boolean;
  pool: Pool;
  /** The unmatched `to` people, when kept: checked first, as they end a search at once. */
  free?: IndexSet;
}

/** When a search fails, who it reached: |to| = |from| - 1, a Hall violator. */
export interface Reached {
  from: number[];
  to: number[];
}

/** Tries at most this many random candidates per giver before leaving them to the search. */
const GREEDY_TRIES = 16;
/** Scanning the free list is worth it only while it is short. */
const FREE_SCAN_LIMIT = 64;

/** Random greedy pass: each `from`, in the given order, tries a few random free `to`s. */
export function greedy(side: Side & { free: IndexSet }, order: number[], rng: Rng): void {
  const { free } = side;
  for (const from of order) {
    const tries = Math.min(free.size, GREEDY_TRIES);
    for (let t = 0; t < tries; t++) {
      // A partial Fisher–Yates over the free list: distinct random candidates.
      free.swap(t, t + rng.int(free.size - t));
      const to = free.items[t];
      if (side.allowed(from, to)) {
        side.matchFrom[from] = to;
        side.matchTo[to] = from;
        free.delete(to);
        break;
      }
    }
  }
}

/**
 * Kuhn's augmenting-path search from the unmatched `u`, depth first with an explicit stack
 * (no recursion, so path length is not limited by the call stack). Returns undefined after
 * augmenting, or who was reached when no augmenting path exists. With `keepVisited`, people
 * reached stay out of the pool for the next search (see augmentAll); what it returns on failure
 * then describes only this search's share.
 */
export function augment(side: Side, u: number, stack: Int32Array, keepVisited = false): Reached | undefined {
  const { matchFrom, matchTo, allowed, pool, free } = side;
  const reachedTo: number[] = [];
  let depth = 0;
  stack[depth++] = u;
  try {
    while (depth > 0) {
      const from = stack[depth - 1];
      let to = -1;
      if (free && free.size <= FREE_SCAN_LIMIT) {
        for (let k = 0; k < free.size && to < 0; k++) if (allowed(from, free.items[k])) to = free.items[k];
      }
      if (to < 0) {
        to = pool.take(from, allowed);
        if (to < 0) {
          depth--; // everyone `from` may reach has been reached
          continue;
        }
        reachedTo.push(to);
        if (matchTo[to] >= 0) {
          stack[depth++] = matchTo[to];
          continue;
        }
      }
      // `to` is free: shift every pair along the path held on the stack.
      free?.delete(to);
      for (let k = depth - 1; k >= 0; k--) {
        const f = stack[k];
        const previous = matchFrom[f];
        matchFrom[f] = to;
        matchTo[to] = f;
        to = previous;
      }
      return undefined;
    }
    // Every `to` reached is matched to a `from` that was pushed, plus `u`: |from| = |to| + 1.
    return { from: [u, ...reachedTo.map((to) => matchTo[to])], to: reachedTo };
  } finally {
    if (!keepVisited) pool.reset();
  }
}

/**
 * Augments from each unmatched `from` in turn, in phases: within a phase nobody is visited twice,
 * so a phase costs O(n + exclusions) however many paths it finds. Repeats while a phase makes
 * progress; a phase without any means the matching is maximum. Returns who is still unmatched.
 */
export function augmentAll(side: Side, unmatched: number[], stack: Int32Array): number[] {
  let left = unmatched;
  for (;;) {
    const before = left.length;
    left = left.filter((u) => augment(side, u, stack, true) !== undefined);
    side.pool.reset();
    if (left.length === 0 || left.length === before) return left;
  }
}
