import { createRng, type Rng, type Seed, shuffle } from '../random';
import type { Allocation, AllocationOptions, Participant } from '../types';
import { groupTooBig, isolatedPeople, NoDrawError, tooFewGivers, tooFewRecipients } from './explain';
import { DrawGraph } from './graph';
import { augment, augmentAll, greedy, IndexSet, type Reached, type Side } from './matching';
import { Pool } from './pool';
import { joinIntoOneLoop } from './single-cycle';

/**
 * A random valid draw: everyone gives to one person and receives from one, nobody draws themselves,
 * someone they exclude, someone of their own group, or (options.avoid) a pair drawn before; with
 * options.singleCycle, the draw is one loop through everyone. Deterministic for (participants, seed,
 * options); throws NoValidAllocationError (a NoDrawError), naming who blocks it, when no draw exists.
 */
export function allocate(participants: Participant[], seed: Seed, options: AllocationOptions = {}): Allocation {
  const graph = new DrawGraph(participants, options.avoid);
  try {
    return draw(graph, seed, options);
  } catch (error) {
    if (!(error instanceof NoDrawError) || graph.avoided === 0) throw error;
    // Blame last year's pairs only when the draw would exist without them.
    const withoutAvoiding = failure(() => draw(new DrawGraph(participants), seed, options));
    if (withoutAvoiding?.proved) throw withoutAvoiding;
    throw error.withoutRepeatingLastYear();
  }
}

function draw(graph: DrawGraph, seed: Seed, options: AllocationOptions): Allocation {
  const rng = createRng(seed);
  let recipientOf = perfectMatching(graph, rng);
  if (options.singleCycle) recipientOf = joinIntoOneLoop(graph, recipientOf, rng);
  const { names } = graph;
  return { seed, pairs: names.map((giver, i) => ({ giver, recipient: names[recipientOf[i]] })) };
}

function failure(attempt: () => unknown): NoDrawError | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (error instanceof NoDrawError) return error;
    throw error;
  }
}

/**
 * Who gives to whom in a random perfect matching of givers to recipients over the allowed pairs
 * (a draw, possibly made of several loops), or a NoDrawError naming who blocks every one.
 */
function perfectMatching(graph: DrawGraph, rng: Rng): Int32Array {
  const { n, names } = graph;
  const cannotGive = names.filter((_, i) => graph.outDegree(i) === 0);
  const cannotReceive = names.filter((_, i) => graph.inDegree(i) === 0);
  if (cannotGive.length > 0 || cannotReceive.length > 0) throw isolatedPeople(cannotGive, cannotReceive);
  const crowded = graph.groupSize.findIndex((size) => size > n - size);
  if (crowded >= 0) {
    const inGroup = (i: number) => graph.group[i] === crowded;
    throw groupTooBig(
      graph.groupName[crowded],
      names.filter((_, i) => inGroup(i)),
      names.filter((_, i) => !inGroup(i)),
    );
  }

  const recipientOf = new Int32Array(n).fill(-1);
  const giverOf = new Int32Array(n).fill(-1);
  const givers: Side & { free: IndexSet } = {
    matchFrom: recipientOf,
    matchTo: giverOf,
    allowed: (giver, recipient) => graph.allowed(giver, recipient),
    pool: new Pool(graph, rng),
    free: new IndexSet(n),
  };
  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  greedy(givers, order, rng);

  const stack = new Int32Array(n);
  const unmatched = augmentAll(
    givers,
    order.filter((giver) => recipientOf[giver] < 0),
    stack,
  );
  if (unmatched.length > 0) {
    // The matching is maximum: a fresh search from a giver left out shows who is to blame.
    const reached = augment(givers, unmatched[0], stack);
    if (!reached) throw new Error('internal error: a maximum matching grew');
    throw explain(graph, givers, reached, stack, rng);
  }
  return recipientOf;
}

/**
 * Both sides of an impossible draw have a Hall violator; the givers' one is known. With the
 * matching maximum, a search from any unmatched recipient yields the recipients' one: report
 * whichever names fewer people.
 */
function explain(graph: DrawGraph, givers: Side, reached: Reached, stack: Int32Array, rng: Rng): NoDrawError {
  const byInput = (list: number[]) => [...list].sort((a, b) => a - b).map((i) => graph.names[i]);
  const recipients: Side = {
    matchFrom: givers.matchTo,
    matchTo: givers.matchFrom,
    allowed: (recipient, giver) => graph.allowed(giver, recipient),
    pool: new Pool(graph, rng),
  };
  const unmatched = recipients.matchFrom.indexOf(-1);
  const other = unmatched >= 0 ? augment(recipients, unmatched, stack) : undefined;
  if (other && other.from.length < reached.from.length) return tooFewGivers(byInput(other.from), byInput(other.to));
  return tooFewRecipients(byInput(reached.from), byInput(reached.to));
}
