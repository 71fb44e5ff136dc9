import { nameKey } from '../participants/fields';
import type { Pair, Participant } from '../types';

/**
 * Who may give to whom, kept implicitly: i may give to j unless i = j, they share a group, i
 * excludes j, or i gave to j in a draw to avoid. Only the exceptions are stored, so 100,000 people
 * cost memory in proportion to their exclusions, not to the 10^10 possible pairs.
 */
export class DrawGraph {
  readonly n: number;
  readonly names: string[];
  /** Group id per person, -1 for none. */
  readonly group: Int32Array;
  readonly groupSize: number[];
  /** Each group's name as first spelled in the file. */
  readonly groupName: string[];
  /** How many pairs to avoid were otherwise allowed: 0 means avoiding them changes nothing. */
  readonly avoided: number;
  // Exclusions in compressed rows: givers' lists (out) and the transposed recipients' lists (in).
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inList: Int32Array;

  constructor(participants: Participant[], avoid: Pair[] = []) {
    this.n = participants.length;
    this.names = participants.map((p) => p.name);
    const index = new Map<string, number>();
    participants.forEach((p, i) => {
      if (index.has(p.name)) throw new Error(`duplicate participant name: ${p.name}`);
      index.set(p.name, i);
    });
    // Validated exclusions are spelled as the names; matching loosely is only a fallback.
    let loose: Map<string, number> | undefined;
    const lookUp = (name: string): number | undefined => {
      const exact = index.get(name);
      if (exact !== undefined) return exact;
      loose ??= new Map(participants.map((p, i) => [nameKey(p.name), i]));
      return loose.get(nameKey(name));
    };

    const groupIds = new Map<string, number>();
    this.group = new Int32Array(this.n).fill(-1);
    this.groupSize = [];
    this.groupName = [];
    participants.forEach((p, i) => {
      const key = p.group?.trim().toLowerCase();
      if (!key) return;
      let id = groupIds.get(key);
      if (id === undefined) {
        id = this.groupSize.length;
        groupIds.set(key, id);
        this.groupSize.push(0);
        this.groupName.push(p.group?.trim() ?? '');
      }
      this.group[i] = id;
      this.groupSize[id]++;
    });

    // Pairs to avoid are exclusions too; people who have left since are simply skipped.
    const avoidedBy = new Map<number, number[]>();
    for (const { giver, recipient } of avoid) {
      const i = lookUp(giver);
      const j = lookUp(recipient);
      if (i === undefined || j === undefined) continue;
      const list = avoidedBy.get(i);
      if (list) list.push(j);
      else avoidedBy.set(i, [j]);
    }
    // Each giver's excluded recipients, deduplicated, in one flat array (100,000 people or 2
    // million exclusions, so no array per person). Unknown names and self-exclusions are the
    // validator's business; here they simply exclude no one.
    let capacity = avoid.length;
    for (const p of participants) capacity += p.exclusions.length;
    const rowStart = new Int32Array(this.n + 1);
    const row = new Int32Array(capacity);
    const listedBy = new Int32Array(this.n).fill(-1);
    let end = 0;
    let avoided = 0;
    for (let i = 0; i < this.n; i++) {
      rowStart[i] = end;
      for (const name of participants[i].exclusions) {
        const j = lookUp(name);
        if (j === undefined || j === i || listedBy[j] === i) continue;
        listedBy[j] = i;
        row[end++] = j;
      }
      for (const j of avoidedBy.get(i) ?? []) {
        if (j === i || listedBy[j] === i) continue;
        listedBy[j] = i;
        row[end++] = j;
        if (!this.sameGroup(i, j)) avoided++;
      }
    }
    rowStart[this.n] = end;
    this.avoided = avoided;
    // A transpose by counting comes out sorted, so transposing twice sorts both directions.
    [this.inStart, this.inList] = transpose(this.n, rowStart, row);
    [this.outStart, this.outList] = transpose(this.n, this.inStart, this.inList);
  }

  sameGroup(a: number, b: number): boolean {
    return this.group[a] >= 0 && this.group[a] === this.group[b];
  }

  excludes(giver: number, recipient: number): boolean {
    // Scan whichever list is shorter: the giver's exclusions or the recipient's excluders.
    const outLen = this.outStart[giver + 1] - this.outStart[giver];
    const inLen = this.inStart[recipient + 1] - this.inStart[recipient];
    if (outLen <= inLen) return includes(this.outList, this.outStart[giver], this.outStart[giver + 1], recipient);
    return includes(this.inList, this.inStart[recipient], this.inStart[recipient + 1], giver);
  }

  allowed(giver: number, recipient: number): boolean {
    return giver !== recipient && !this.sameGroup(giver, recipient) && !this.excludes(giver, recipient);
  }

  /** Number of people `giver` may give to. */
  outDegree(giver: number): number {
    return this.degree(giver, this.outList, this.outStart);
  }

  /** Number of people who may give to `recipient`. */
  inDegree(recipient: number): number {
    return this.degree(recipient, this.inList, this.inStart);
  }

  private degree(i: number, list: Int32Array, start: Int32Array): number {
    const g = this.group[i];
    let count = this.n - (g >= 0 ? this.groupSize[g] : 1);
    // Exclusions inside one's own group were never possible pairs anyway.
    for (let k = start[i]; k < start[i + 1]; k++) if (!this.sameGroup(i, list[k])) count--;
    return count;
  }
}

/** The transpose of compressed rows (row i lists j) by counting: its rows come out sorted. */
function transpose(n: number, start: Int32Array, list: Int32Array): [Int32Array, Int32Array] {
  const tStart = new Int32Array(n + 1);
  for (let k = 0; k < start[n]; k++) tStart[list[k] + 1]++;
  for (let j = 0; j < n; j++) tStart[j + 1] += tStart[j];
  const fill = tStart.slice(0, n);
  const tList = new Int32Array(start[n]);
  for (let i = 0; i < n; i++) for (let k = start[i]; k < start[i + 1]; k++) tList[fill[list[k]]++] = i;
  return [tStart, tList];
}

/** Whether the sorted list[from..to) holds value: a scan when short, halving when long. */
function includes(list: Int32Array, from: number, to: number, value: number): boolean {
  if (to - from <= 16) {
    for (let k = from; k < to; k++) if (list[k] === value) return true;
    return false;
  }
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < to && list[lo] === value;
}
