import { randomInt } from 'node:crypto';

/** Probes past which a key's slot is not worth looking for here: only keys made to collide get that far. */
const MAX_PROBES = 64;

/**
 * The first row that holds each key, for a file's rows known by index. Sized once for all of them,
 * it costs a third of a Map grown one key at a time, which was the largest part of checking a file
 * of 100,000 people (bench/allocation.ts). The hash is seeded afresh for every file, and should
 * keys collide past MAX_PROBES anyway (a file made to), a Map takes over: a hostile file gets no
 * slower than with a Map all along.
 */
export class FirstRows {
  private readonly slots: Int32Array; // a row + 1; 0 for an empty slot
  private readonly mask: number;
  private readonly seed = randomInt(0x7fffffff);
  private fallback: Map<string, number> | undefined;
  /** Slots looked at so far: what a file made to collide would drive up. */
  probes = 0;

  /** `keys[row]` is each row's key. */
  constructor(
    private readonly keys: string[],
    private readonly maxProbes = MAX_PROBES,
  ) {
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Adds the row's key, if no earlier row holds it; answers the first row that holds it (`row` itself if none did). */
  add(row: number): number {
    const key = this.keys[row];
    if (this.fallback) return this.addToMap(this.fallback, key, row);
    let at = this.hash(key) & this.mask;
    for (let probes = 0; probes < this.maxProbes; probes++) {
      this.probes++;
      const held = this.slots[at];
      if (held === 0) {
        this.slots[at] = row + 1;
        return row;
      }
      if (this.keys[held - 1] === key) return held - 1;
      at = (at + 1) & this.mask;
    }
    this.fallback = new Map();
    for (const held of this.slots) if (held !== 0) this.fallback.set(this.keys[held - 1], held - 1);
    return this.addToMap(this.fallback, key, row);
  }

  /** The first row that holds the key, or -1. */
  get(key: string): number {
    if (this.fallback) return this.fallback.get(key) ?? -1;
    let at = this.hash(key) & this.mask;
    for (let probes = 0; probes < this.maxProbes; probes++) {
      this.probes++;
      const held = this.slots[at];
      if (held === 0) return -1;
      if (this.keys[held - 1] === key) return held - 1;
      at = (at + 1) & this.mask;
    }
    return -1; // add never placed a key past maxProbes
  }

  private addToMap(map: Map<string, number>, key: string, row: number): number {
    const held = map.get(key);
    if (held !== undefined) return held;
    map.set(key, row);
    return row;
  }

  /** FNV-1a from the seed, then mixed so that every bit of it reaches the slot's bits. */
  protected hash(key: string): number {
    let h = this.seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return h ^ (h >>> 13);
  }
}
