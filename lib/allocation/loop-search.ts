import { type Rng, shuffle } from '../random';
import type { DrawGraph } from './graph';

export type LoopSearch =
  | { outcome: 'found'; successor: Int32Array }
  /** Every possibility was ruled out: no single loop exists. */
  | { outcome: 'none' }
  | { outcome: 'limit'; work: number };

/**
 * Randomised depth-first search for one loop through everyone (a Hamiltonian cycle), for when
 * joining the loops of a draw got stuck. Keeps for everyone the count of people still free to give
 * to them and to receive from them, and backs up as soon as one drops to zero; a person only one
 * giver can still reach is taken at once; among the rest, those with fewest ways on come first
 * (Warnsdorff), ties in random order. `budget` bounds the work (neighbours looked at), not the
 * time, so the result is the same on every machine.
 */
export function searchLoop(graph: DrawGraph, { out, into }: Adjacency, rng: Rng, budget: number): LoopSearch {
  const { n } = graph;
  const inFree = Int32Array.from(into, (list) => list.length); // free givers who may give to w
  const outFree = Int32Array.from(out, (list) => list.length); // free recipients w may give to
  const onPath = new Uint8Array(n);
  const path = new Int32Array(n);
  const candidates: Int32Array[] = new Array(n);
  const next = new Int32Array(n);

  // Start where the choice is narrowest; a loop passes everyone, so any start loses nothing.
  let start = 0;
  for (let i = 1; i < n; i++) if (out[i].length < out[start].length) start = i;
  path[0] = start;
  onPath[start] = 1;
  let depth = 1;
  let work = 0;

  // People without a successor yet: off the path, or its end. Without a predecessor: off the path, or its start.
  const needsGiver = (w: number) => !onPath[w] || w === start;

  const choices = (u: number): Int32Array => {
    const list: number[] = [];
    let forced = -1;
    for (const w of out[u]) {
      if (onPath[w]) continue;
      if (inFree[w] === 1) {
        if (forced >= 0) return new Int32Array(0); // two people only u could give to
        forced = w;
      }
      list.push(w);
    }
    work += out[u].length;
    if (forced >= 0) return Int32Array.of(forced);
    shuffle(list, rng);
    return Int32Array.from(list.sort((a, b) => outFree[a] - outFree[b]));
  };

  /** u gives to v; false when that leaves someone without a possible giver or recipient. */
  const step = (u: number, v: number, sign: 1 | -1): boolean => {
    let alive = true;
    for (const w of out[u]) {
      if (w === v || !needsGiver(w)) continue;
      inFree[w] -= sign;
      if (inFree[w] === 0) alive = false;
    }
    for (const x of into[v]) {
      if (x === u || onPath[x]) continue;
      outFree[x] -= sign;
      if (outFree[x] === 0) alive = false;
    }
    work += out[u].length + into[v].length;
    return alive;
  };
  const extend = (u: number, v: number): boolean => {
    const alive = step(u, v, 1);
    onPath[v] = 1;
    path[depth++] = v;
    return alive;
  };
  const retract = (u: number, v: number): void => {
    depth--;
    onPath[v] = 0;
    step(u, v, -1);
  };

  candidates[0] = choices(start);
  next[0] = 0;
  for (;;) {
    if (work > budget) return { outcome: 'limit', work };
    const top = depth - 1;
    const u = path[top];
    if (next[top] >= candidates[top].length) {
      if (top === 0) return { outcome: 'none' };
      retract(path[top - 1], u);
      continue;
    }
    const v = candidates[top][next[top]++];
    if (!extend(u, v)) {
      retract(u, v);
      continue;
    }
    if (depth === n) {
      if (graph.allowed(v, start)) return { outcome: 'found', successor: successors(path, n) };
      retract(u, v);
      continue;
    }
    candidates[depth - 1] = choices(v);
    next[depth - 1] = 0;
  }
}

function successors(path: Int32Array, n: number): Int32Array {
  const successor = new Int32Array(n);
  for (let k = 0; k < n; k++) successor[path[k]] = path[(k + 1) % n];
  return successor;
}

/** Who each person may give to (out), and who may give to them (into), as explicit lists. */
export interface Adjacency {
  out: Int32Array[];
  into: Int32Array[];
}

/** The explicit lists, each in one random order: O(n²) time and memory. */
export function adjacency(graph: DrawGraph, rng: Rng): Adjacency {
  const { n } = graph;
  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const out: Int32Array[] = [];
  const into: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (const j of order) {
      if (!graph.allowed(i, j)) continue;
      list.push(j);
      into[j].push(i);
    }
    out.push(Int32Array.from(list));
  }
  return { out, into: into.map((list) => Int32Array.from(list)) };
}
