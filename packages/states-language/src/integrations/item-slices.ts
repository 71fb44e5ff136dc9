/**
 * Where each item of an ItemReader's object lies, in bytes, so that a shard reads only its slice (a ranged
 * GetObject). Each scanner finds exactly the items the whole-object parser (items.ts) finds, in the same order:
 * the reader checks the counts agree.
 */
import { SLICED_MAP_LIMITS, type ItemSlice } from '../map-slices';

export type Ranges = Array<[number, number]>;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const hasBom = (buf: Uint8Array) => buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;

/** A CSV's rows, as parseCsv (csv.ts) reads them: quoted cells, blank rows dropped; at most `maxRows`. */
export function csvRowRanges(buf: Uint8Array, delimiter: string, maxRows: number): Ranges {
  const d = delimiter.charCodeAt(0);
  const rows: Ranges = [];
  let i = hasBom(buf) ? 3 : 0;
  let start = i;
  // Whether the current cell has text and how many cells the row has before it: a row of one empty cell is blank.
  let cellText = false;
  let cells = 0;
  let quoted = false;
  const endRow = (end: number) => {
    if (cells > 0 || cellText) rows.push([start, end]);
    cells = 0;
    cellText = false;
  };
  for (; i < buf.length && rows.length < maxRows; i++) {
    const c = buf[i];
    if (quoted) {
      if (c === QUOTE && buf[i + 1] === QUOTE) (cellText = true), i++;
      else if (c === QUOTE) quoted = false;
      else cellText = true;
    } else if (c === QUOTE && !cellText) quoted = true;
    else if (c === d) cells++, (cellText = false);
    else if (c === LF) endRow(i), (start = i + 1);
    else if (c !== CR) cellText = true;
  }
  if (rows.length < maxRows && (cellText || cells > 0)) endRow(i);
  return rows;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === LF || c === CR;

/** A JSON array's elements (the array already parsed whole, so known to be valid). */
export function jsonElementRanges(buf: Uint8Array): Ranges {
  const out: Ranges = [];
  let i = hasBom(buf) ? 3 : 0;
  while (i < buf.length && isSpace(buf[i])) i++;
  i++; // '['
  let depth = 0;
  let start = -1;
  let last = -1;
  for (; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      if (start < 0) start = i;
      for (i++; i < buf.length && buf[i] !== QUOTE; i++) if (buf[i] === 0x5c) i++;
      last = i;
      continue;
    }
    if (isSpace(c)) continue;
    if (depth === 0 && (c === 0x2c || c === 0x5d)) {
      if (start >= 0) out.push([start, last + 1]);
      start = -1;
      if (c === 0x5d) break;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    if (start < 0) start = i;
    last = i;
  }
  return out;
}

/** JSON Lines' items: the lines that are not blank (JavaScript's trim), at most `max`. */
export function jsonLineRanges(text: string, max: number): Ranges {
  const out: Ranges = [];
  let offset = text.charCodeAt(0) === 0xfeff ? 3 : 0;
  const lines = (offset ? text.slice(1) : text).split('\n');
  for (const line of lines) {
    const bytes = Buffer.byteLength(line);
    if (out.length >= max) break;
    if (line.trim() !== '') out.push([offset, offset + bytes]);
    offset += bytes + 1;
  }
  return out;
}

/**
 * Cuts the items into slices of whole iterations (`perIteration` items each), each at most
 * SLICED_MAP_LIMITS.iterationsPerSlice iterations and sliceBytes of items' JSON. `sizes[i]`: item i's JSON bytes.
 * Undefined when one iteration alone is larger than a slice may be, with its index.
 */
export function cutSlices(ranges: Ranges, sizes: number[], perIteration: number): ItemSlice[] | { tooLarge: number } {
  const slices: ItemSlice[] = [];
  let current: ItemSlice | undefined;
  let bytes = 0;
  let iterations = 0;
  for (let first = 0; first < ranges.length; first += perIteration) {
    const last = Math.min(first + perIteration, ranges.length) - 1;
    let size = 2;
    for (let i = first; i <= last; i++) size += sizes[i] + 1;
    if (size > SLICED_MAP_LIMITS.sliceBytes) return { tooLarge: first / perIteration };
    if (!current || bytes + size > SLICED_MAP_LIMITS.sliceBytes || iterations >= SLICED_MAP_LIMITS.iterationsPerSlice) {
      current = { Start: ranges[first][0], End: ranges[last][1], First: first, Count: 0 };
      slices.push(current);
      bytes = 0;
      iterations = 0;
    }
    current.End = ranges[last][1];
    current.Count += last - first + 1;
    bytes += size;
    iterations++;
  }
  return slices;
}
