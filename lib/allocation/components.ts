import type { Rng } from '../random';
import { closedCircle, type NoDrawError, unreachableCircle } from './explain';
import type { DrawGraph } from './graph';
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
  depthFirst(n, new Pool(graph, rng), (a, b) => graph.allowed(a, b), all, (u) => finished.push(u));

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
