import type { Rng } from '../random';
import { onlyLink, splitCircles } from './components';
import { everyLoopTried, searchLimitReached } from './explain';
import type { DrawGraph } from './graph';
import { adjacency, searchLoop } from './loop-search';

/** Random tries at joining the smallest loop to another before looking at every possible join. */
const JOIN_SAMPLES = 64;
/** Pairs of people looked at, in all, when joining loops one possibility after another. */
const JOIN_CHECKS = 20_000_000;
/** Past joining loops, neighbours are listed explicitly (n² time and memory): only up to this many people. */
const SEARCH_MAX_PEOPLE = 3_000;
/** Neighbours the depth-first search may look at: a bound on work, the same on every machine. */
const SEARCH_WORK = 30_000_000;

/**
 * Turns a valid draw (`successor`: who each person gives to, any number of loops) into one loop
 * through everyone, or throws a NoDrawError saying why not: proved when the giving graph splits
 * into pieces, hangs on one person, or the search tried everything; unproven when it stopped at
 * its limit.
 */
export function joinIntoOneLoop(graph: DrawGraph, successor: Int32Array, rng: Rng, searchWork = SEARCH_WORK): Int32Array {
  if (joinLoops(graph, successor, rng, 0)) return successor;
  const split = splitCircles(graph, rng);
  if (split) throw split;
  if (joinLoops(graph, successor, rng, JOIN_CHECKS)) return successor;
  if (graph.n > SEARCH_MAX_PEOPLE) {
    throw searchLimitReached(`trying ${JOIN_CHECKS.toLocaleString('en')} ways of joining the loops of a draw`);
  }
  const lists = adjacency(graph, rng);
  const link = onlyLink(graph, lists);
  if (link) throw link;
  const search = searchLoop(graph, lists, rng, searchWork);
  if (search.outcome === 'found') return search.successor;
  if (search.outcome === 'none') throw everyLoopTried();
  throw searchLimitReached(`${search.work.toLocaleString('en')} steps`);
}

/**
 * Joins loops two at a time: with a in one loop and b in another, a giving to b's recipient and b
 * to a's joins them into one. The smallest loop goes first; random pairs are tried, then, with
 * `checks` > 0, every pair up to that many. True when one loop is left.
 */
function joinLoops(graph: DrawGraph, successor: Int32Array, rng: Rng, checks: number): boolean {
  const { n } = graph;
  const loopOf = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (loopOf[i] >= 0) continue;
    const loop: number[] = [];
    for (let j = i; loopOf[j] < 0; j = successor[j]) {
      loopOf[j] = members.length;
      loop.push(j);
    }
    members.push(loop);
  }
  // Loops that were joined point to the loop they went into.
  const parent = Int32Array.from(members, (_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]];
    return k;
  };
  const canSwap = (a: number, b: number) =>
    find(loopOf[b]) !== find(loopOf[a]) && graph.allowed(a, successor[b]) && graph.allowed(b, successor[a]);
  const join = (a: number, b: number): void => {
    const into = find(loopOf[b]);
    const from = find(loopOf[a]);
    for (const m of members[from]) members[into].push(m);
    members[from] = [];
    parent[from] = into;
    const s = successor[a];
    successor[a] = successor[b];
    successor[b] = s;
  };

  const bySize = members.map((_, k) => k).sort((x, y) => members[x].length - members[y].length);
  for (let left = members.length, k = 0; left > 1; left--, k++) {
    // Each round joins loop bySize[k] into another, so the loops still to come are never joined away.
    const loop = members[bySize[k]];
    let joined = false;
    for (let t = 0; t < JOIN_SAMPLES && !joined; t++) {
      const a = loop[rng.int(loop.length)];
      const b = rng.int(n);
      if (canSwap(a, b)) {
        join(a, b);
        joined = true;
      }
    }
    const offset = rng.int(n);
    for (let ai = 0; ai < loop.length && !joined && checks > 0; ai++) {
      const a = loop[ai];
      for (let t = 0; t < n && checks > 0; t++, checks--) {
        const b = (offset + t) % n;
        if (canSwap(a, b)) {
          join(a, b);
          joined = true;
          break;
        }
      }
    }
    if (!joined) return false;
  }
  return true;
}
