/**
 * The byte ranges a sliced Distributed Map reads (integrations/item-slices.ts) hold exactly the items the
 * whole-object parsers find: each range, parsed alone, gives the same item.
 */
import { parseCsv } from '../../src/integrations/csv';
import { csvRowRanges, cutSlices, jsonElementRanges, jsonLineRanges } from '../../src/integrations/item-slices';
import { SLICED_MAP_LIMITS } from '../../src/map-slices';

const text = (buf: Buffer, [start, end]: [number, number]) => buf.subarray(start, end).toString('utf8');

it('CSV: quoted cells with delimiters, newlines and doubled quotes, CRLF, blank lines, a BOM, non-ASCII text', () => {
  const csv = '\ufeffname,note\r\n"Zoë, the 2nd","said ""hi""\nthen left"\r\n\r\n,\nplain,ünïcödé\n""\nlast,"x"';
  const buf = Buffer.from(csv, 'utf8');
  const rows = parseCsv(csv);
  const ranges = csvRowRanges(buf, ',', Number.POSITIVE_INFINITY);
  expect(ranges.map((range) => parseCsv(text(buf, range)))).toEqual(rows.map((row) => [row]));
  expect(rows).toHaveLength(5);
  expect(csvRowRanges(buf, ',', 2)).toEqual(ranges.slice(0, 2));
  // A range spanning several rows parses to those rows.
  expect(parseCsv(text(buf, [ranges[1][0], ranges[3][1]]))).toEqual(rows.slice(1, 4));
});

it('JSON array: elements with nested brackets, commas and escaped quotes in strings, whitespace between', () => {
  const items = [{ a: '],[', b: [1, { c: '"}' }] }, 'plain \\ "quoted"', 42, null, [[]], { 'k,': 'ünï' }, true];
  const json = ` [\n ${items.map((item) => JSON.stringify(item, null, 1)).join(' ,\n')} \n] `;
  const buf = Buffer.from(json, 'utf8');
  const ranges = jsonElementRanges(buf);
  expect(ranges.map((range) => JSON.parse(text(buf, range)))).toEqual(items);
  expect(JSON.parse(`[${text(buf, [ranges[2][0], ranges[5][1]])}]`)).toEqual(items.slice(2, 6));
  expect(jsonElementRanges(Buffer.from('[]'))).toEqual([]);
});

it('JSON Lines: blank lines skipped, byte offsets past multi-byte characters', () => {
  const lines = '{"a":"ünï"}\n\n  \n{"b":2}\r\n[3]';
  const buf = Buffer.from(lines, 'utf8');
  const ranges = jsonLineRanges(lines, Number.POSITIVE_INFINITY);
  expect(ranges.map((range) => JSON.parse(text(buf, range)))).toEqual([{ a: 'ünï' }, { b: 2 }, [3]]);
  expect(jsonLineRanges(lines, 1)).toHaveLength(1);
});

it('slices hold whole iterations, at most the iterations and bytes a shard may hold; an iteration too large is named', () => {
  const count = 2_000;
  const ranges = Array.from({ length: count }, (_, i) => [i * 10, i * 10 + 9] as [number, number]);
  const slices = cutSlices(ranges, Array(count).fill(100), 3);
  if ('tooLarge' in slices) throw new Error('no iteration is too large here');
  expect(slices.reduce((sum, s) => sum + s.Count, 0)).toBe(count);
  for (const [k, slice] of slices.entries()) {
    expect(slice.First % 3).toBe(0);
    expect(slice.Count / 3).toBeLessThanOrEqual(SLICED_MAP_LIMITS.iterationsPerSlice);
    expect(slice.Count * 101).toBeLessThanOrEqual(SLICED_MAP_LIMITS.sliceBytes);
    expect([slice.Start, slice.End]).toEqual([slice.First * 10, (slice.First + slice.Count - 1) * 10 + 9]);
    if (k > 0) expect(slice.First).toBe(slices[k - 1].First + slices[k - 1].Count);
  }
  const sizes = Array(count).fill(10);
  sizes[1_500] = SLICED_MAP_LIMITS.sliceBytes;
  expect(cutSlices(ranges, sizes, 1)).toEqual({ tooLarge: 1_500 });
});
