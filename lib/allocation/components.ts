import type { Rng } from '../random';
import { closedCircle, cutAt, type NoDrawError, unreachableCircle } from './explain';
import type { DrawGraph } from './graph';
import type { Adjacency } from './loop-search';
import { Pool } from './pool';

type Allowed = (from: number, to: number) => boolean;

/**
 * A single loop through everyone needs everyone to reach everyone. When the giving graph falls
 * into several strongly connected pieces, says why with the smallest closed set at hand: one
 * nobody may give out of, or one nobody may give into. Undefined when everyone reaches everyone.
 * Kosaraju's two passes, on the implicit graph through a Pool: O(n + exclusions).
 */
export function splitCircles(graph: DrawGraph, rng: Rng): NoDrawError | undefined {
  const { n } = graph;
  const finished: number[] = [];
  const all = Array.from({ length: n }, (_, i) => i);
  depthFirst(
    n,
    new Pool(graph, rng),
    (a, b) => graph.allowed(a, b),
    all,
    (u) => finished.push(u),
  );

  // On the reversed graph, in reverse finishing order, each tree is one piece, sources first.
  const pieceOf = new Int32Array(n);
  let pieces = 0;
  depthFirst(
    n,
    new Pool(graph, rng),
    (a, b) => graph.allowed(b, a),
    finished.reverse(),
    (u) => (pieceOf[u] = pieces - 1),
    () => pieces++,
  );
  if (pieces <= 1) return undefined;

  const names = (inside: (i: number) => boolean) => graph.names.filter((_, i) => inside(i));
  const source = names((i) => pieceOf[i] === 0);
  const sink = names((i) => pieceOf[i] === pieces - 1);
  // A set nobody leaves has a complement nobody enters, and the other way round: name the smaller.
  const choices = [
    closedCircle(sink),
    unreachableCircle(source),
    closedCircle(names((i) => pieceOf[i] !== 0)),
    unreachableCircle(names((i) => pieceOf[i] !== pieces - 1)),
  ];
  return choices.reduce((best, c) => (c.blockers.length < best.blockers.length ? c : best));
}

/**
 * Iterative depth-first search from each root not yet seen. The pool hands out each person once,
 * so the whole walk costs O(n + exclusions). `finish(u)` is called as u finishes, `newTree()` at each root.
 */
function depthFirst(n: number, pool: Pool, allowed: Allowed, roots: number[], finish: (u: number) => void, newTree = () => {}): void {
  const seen = new Uint8Array(n);
  const stack: number[] = [];
  for (const root of roots) {
    if (seen[root]) continue;
    seen[root] = 1;
    newTree();
    stack.push(root);
    while (stack.length > 0) {
      const u = stack[stack.length - 1];
      let v = pool.take(u, allowed);
      // Roots stay in the pool when they start a tree; anyone seen already is passed over.
      while (v >= 0 && seen[v]) v = pool.take(u, allowed);
      if (v < 0) {
        stack.pop();
        finish(u);
      } else {
        seen[v] = 1;
        stack.push(v);
      }
    }
  }
}

/**
 * A loop through everyone stays connected when any one person is taken out. When taking someone
 * out cuts the rest in two (an articulation point, ignoring direction), says so, naming the
 * smaller side (ties: the person first in the file). Tarjan's low-link search from person 0,
 * iterative: O(n + allowed pairs). The pieces cut off do not depend on the order of the search.
 */
export function onlyLink(graph: DrawGraph, { out, into }: Adjacency): NoDrawError | undefined {
  const { n } = graph;
  if (n < 3) return undefined;
  const degree = (u: number) => out[u].length + into[u].length;
  const neighbour = (u: number, k: number) => (k < out[u].length ? out[u][k] : into[u][k - out[u].length]);
  const found = new Int32Array(n).fill(-1); // discovery time
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const size = new Int32Array(n).fill(1); // of each subtree, which takes consecutive discovery times
  const next = new Int32Array(n);
  const byTime = new Int32Array(n);
  let time = 0;
  let rootChildren = 0;
  let best: { cut: number; child: number } | undefined;
  const stack = [0];
  found[0] = low[0] = time;
  byTime[time++] = 0;
  while (stack.length > 0) {
    const u = stack[stack.length - 1];
    if (next[u] < degree(u)) {
      const w = neighbour(u, next[u]++);
      if (found[w] < 0) {
        parent[w] = u;
        found[w] = low[w] = time;
        byTime[time++] = w;
        stack.push(w);
      } else low[u] = Math.min(low[u], found[w]);
      continue;
    }
    stack.pop();
    const p = parent[u];
    if (p < 0) continue;
    low[p] = Math.min(low[p], low[u]);
    size[p] += size[u];
    if (p === 0) rootChildren++;
    // Nothing below u reaches above p: taking p out cuts u's subtree off.
    const cuts = p !== 0 && low[u] >= found[p];
    if (cuts && (!best || size[u] < size[best.child] || (size[u] === size[best.child] && p < best.cut))) best = { cut: p, child: u };
  }
  if (time < n) return undefined; // not even connected: splitCircles says so first
  if (rootChildren >= 2) {
    const child = (w: number) => parent[w] === 0;
    const smallest = Array.from({ length: n }, (_, w) => w)
      .filter(child)
      .reduce((a, b) => (size[b] < size[a] ? b : a));
    if (!best || size[smallest] <= size[best.child]) best = { cut: 0, child: smallest };
  }
  if (!best) return undefined;
  const { cut, child } = best;
  const inPiece = new Uint8Array(n);
  for (let t = found[child]; t < found[child] + size[child]; t++) inPiece[byTime[t]] = 1;
  // The piece cut off, or everyone else but the cut person, whichever is smaller.
  const small = size[child] <= n - 1 - size[child];
  const piece = graph.names.filter((_, i) => i !== cut && (inPiece[i] === 1) === small);
  return cutAt(graph.names[cut], piece);
}
