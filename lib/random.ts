import { randomBytes } from 'node:crypto';

/** A seeded source of randomness: the same seed gives the same sequence on every machine. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in 0..n-1, without modulo bias. */
  int(n: number): number;
}

const TWO_POW_32 = 0x1_0000_0000;

/** A fresh seed from the OS: an integer in 0..2^32-1. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

export function isSeed(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < TWO_POW_32;
}

/** A seed: one 32-bit word (`santa allocate --seed`), or four (the service's draws, which no one may search). */
export type Seed = number | readonly [number, number, number, number];

/**
 * sfc32, seeded from one 32-bit word or four. Only 32-bit integer arithmetic (Math.imul, >>>),
 * so results do not depend on the platform.
 */
export function createRng(seed: Seed): Rng {
  const words = typeof seed === 'number' ? [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed] : seed;
  if (words.length !== 4 || !words.every(isSeed))
    throw new RangeError(`seed must be an integer in 0..${TWO_POW_32 - 1} (or four), got ${String(seed)}`);
  let [a, b, c, d] = words.map((word) => word | 0);
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs still resemble the seed; the usual remedy is to discard some.
  for (let i = 0; i < 15; i++) nextUint32();

  return {
    next: () => nextUint32() / TWO_POW_32,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`int(n) needs 1 <= n <= 2^32, got ${n}`);
      // Reject the top partial block of 2^32 so every residue is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** Fisher–Yates, in place; returns the same array. */
export function shuffle<T>(array: T[], rng: Rng): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
