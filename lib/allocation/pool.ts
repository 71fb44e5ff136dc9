import type { Rng } from '../random';
import { shuffle } from '../random';
import type { DrawGraph } from './graph';

/**
 * The people of one side not yet reached in the current search, bucketed by group.
 * The graph is nearly complete, so listing someone's neighbours would cost O(n) each time;
 * instead each search takes reached people out of this pool, and a look-up only pays for the
 * people it passes over (the asker's own exclusions, or their whole group at once).
 * A search therefore costs O(n + exclusions), however dense the graph.
 */
export class Pool {
  private readonly items: Int32Array;
  private readonly start: Int32Array;
  private readonly size: Int32Array;
  /** Live length of each bucket; taken people sit after it, so a reset is only a length restore. */
  private readonly len: Int32Array;
  private readonly bucketGroup: Int32Array;
  private readonly live: Int32Array;
  private liveCount: number;
  private readonly touched: number[] = [];
  private readonly isTouched: Uint8Array;

  constructor(
    private readonly graph: DrawGraph,
    rng: Rng,
  ) {
    const groups = graph.groupSize.length;
    const buckets = groups + 1; // the last bucket holds everyone without a group
    const bucketOf = (i: number) => (graph.group[i] >= 0 ? graph.group[i] : groups);
    this.size = new Int32Array(buckets);
    for (let i = 0; i < graph.n; i++) this.size[bucketOf(i)]++;
    this.start = new Int32Array(buckets);
    for (let b = 1; b < buckets; b++) this.start[b] = this.start[b - 1] + this.size[b - 1];
    this.len = this.size.slice();
    this.bucketGroup = new Int32Array(buckets).map((_, b) => (b < groups ? b : -1));

    // Random order inside buckets and between them, so searches do not always favour the same people.
    const fill = this.start.slice();
    this.items = new Int32Array(graph.n);
    for (const i of shuffle(
      Array.from({ length: graph.n }, (_, i) => i),
      rng,
    ))
      this.items[fill[bucketOf(i)]++] = i;
    const nonEmpty = Array.from({ length: buckets }, (_, b) => b).filter((b) => this.size[b] > 0);
    this.live = Int32Array.from(shuffle(nonEmpty, rng));
    this.liveCount = this.live.length;
    this.isTouched = new Uint8Array(buckets);
  }

  /** Takes out and returns someone `from` may be paired with, or -1 when no one is left. */
  take(from: number, allowed: (from: number, to: number) => boolean): number {
    const own = this.graph.group[from];
    for (let li = 0; li < this.liveCount; li++) {
      const b = this.live[li];
      if (own >= 0 && this.bucketGroup[b] === own) continue;
      const end = this.start[b] + this.len[b];
      for (let k = this.start[b]; k < end; k++) {
        const to = this.items[k];
        if (!allowed(from, to)) continue;
        this.items[k] = this.items[end - 1];
        this.items[end - 1] = to;
        this.len[b]--;
        if (!this.isTouched[b]) {
          this.isTouched[b] = 1;
          this.touched.push(b);
        }
        if (this.len[b] === 0) {
          // Emptied buckets move past liveCount, keeping their place for reset().
          this.live[li] = this.live[this.liveCount - 1];
          this.live[this.liveCount - 1] = b;
          this.liveCount--;
        }
        return to;
      }
    }
    return -1;
  }

  /** Puts everyone back, in time proportional to what the search touched. */
  reset(): void {
    for (const b of this.touched) {
      this.len[b] = this.size[b];
      this.isTouched[b] = 0;
    }
    this.touched.length = 0;
    this.liveCount = this.live.length;
  }
}
