/**
 * A DISTRIBUTED Map whose ItemReader reads more than an execution may hold: the reader answers only where the
 * items lie in the object (slices: byte ranges of whole iterations), and each slice becomes a shard, a child
 * execution that reads its own slice, runs each iteration as a child of its own and writes its results to S3
 * itself, answering only a summary. Shared by the interpreter (the Map), the reader and the shard workflow. Pure.
 */

/** Temporal's limits these bounds keep to: 10,240 events a history, 256 KiB a payload, 2,000 pending children. */
export const SLICED_MAP_LIMITS = {
  /** Iterations a shard runs: each costs it up to 6 events (child started and ended, a workflow task) and a flush. */
  iterationsPerSlice: 500,
  /** The JSON of a slice's items, as the shard's read answers them, under the 256 KiB payload. */
  sliceBytes: 192 * 1024,
  /** Shards a Map starts (about 6 events each in the parent's history): 500,000 iterations at most. */
  slices: 1_000,
  /** Iteration children open at once across a Map's shards, whatever MaxConcurrency says. */
  openChildren: 1_000,
  /** Above this many iterations the items are sliced even when they would fit in a payload. */
  heldIterations: 1_000,
  /** Results a shard sends to the writer at once. */
  flushBytes: 160 * 1024,
} as const;

/** What the interpreter adds to its ItemReader request when the host can run shards. */
export interface SlicingRequest {
  /** ItemBatcher's MaxItemsPerBatch, else 1: slices hold whole iterations. */
  ItemsPerIteration: number;
}

/** Items `First`..`First + Count - 1`, bytes [Start, End) of the object. */
export interface ItemSlice {
  Start: number;
  End: number;
  First: number;
  Count: number;
}

/** The reader's answer instead of the items. */
export interface SlicedItems {
  Sliced: {
    ItemCount: number;
    Slices: ItemSlice[];
    /** A CSV's header (FIRST_ROW as read, or the GIVEN one): a slice has none of its own. */
    CSVHeaders?: string[];
    /** The object's ETag: a slice read fails if the object changed since. */
    ETag?: string;
  };
}

/** What a shard's reader is asked: the Map's ItemReader request with one slice. */
export interface SliceRead {
  Slice: ItemSlice & { CSVHeaders?: string[]; ETag?: string };
}

export const isSliced = (answer: unknown): answer is SlicedItems =>
  typeof answer === 'object' && answer !== null && !Array.isArray(answer) && 'Sliced' in answer;

/** One shard's work, as the parent gives it (the shard's StateMachineInput.mapShard). */
export interface MapShardRequest {
  /** The Map state's name, for errors. */
  map: string;
  /** The shard's place among the Map's shards: its result files are named after it. */
  shard: number;
  /** The ItemReader request for this shard's slice. */
  read: Record<string, unknown> & SliceRead;
  /** The index (among the Map's iterations) of the slice's first iteration. */
  firstIteration: number;
  /** ItemBatcher: items an iteration, and BatchInput as the parent evaluated it. */
  batcher?: { size: number; batchInput?: { value: unknown } };
  /** ItemSelector, with what it reads: the Map's input (`$`), `$$` and, in JSONata, the variables. */
  selector?: { template: unknown; jsonata: boolean; input: unknown; context: Record<string, unknown>; variables: Record<string, unknown> };
  /** Iterations open at once. */
  concurrency: number;
  /** Failures the Map tolerates (undefined: none, an iteration's failure is the Map's); iterations in all. */
  tolerance?: { failures: number; iterations: number };
  /** ResultWriter's destination: the shard writes its results there itself. */
  writer?: { Bucket: string; Prefix?: string; MapRunArn: string; MapRunId: string };
}

/** A shard's answer: counts, and the results themselves only when no ResultWriter takes them. */
export interface MapShardSummary {
  succeeded: number;
  failed: number;
  results?: unknown[];
}

/** One result as a shard hands it to the writer: an iteration's output, or its Error and Cause. */
export type WrittenResult = { Index: number; Output: unknown } | { Index: number; Error?: string; Cause?: string };

/**
 * The most failures ToleratedFailureCount and ToleratedFailurePercentage allow together (the interpreter's
 * tolerance fails once `failed > count` or `failed * 100 / total > percentage`).
 */
export function toleratedFailures(count: number | undefined, percentage: number | undefined, total: number): number {
  let allowed = count ?? total;
  if (percentage !== undefined) {
    let byPercentage = Math.max(0, Math.floor((percentage * total) / 100));
    while (byPercentage > 0 && (byPercentage * 100) / total > percentage) byPercentage--;
    while (byPercentage < total && ((byPercentage + 1) * 100) / total <= percentage) byPercentage++;
    allowed = Math.min(allowed, byPercentage);
  }
  return allowed;
}
