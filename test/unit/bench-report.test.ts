import { type AnyAslPart, keptRecords, partsReport } from '../../bench/asl-part';
import { formatMs, formatRatio, formatStamp, median, parseStamp, replaceSection } from '../../bench/report';

describe('bench report helpers', () => {
  it('replaces one suite section and leaves the others as they were', () => {
    const doc = '# Results\n\n<!-- suite:a -->\nold a\n<!-- /suite:a -->\n\n<!-- suite:b -->\nb\n<!-- /suite:b -->\n';
    const next = replaceSection(doc, 'a', 'new a');
    expect(next).toBe('# Results\n\n<!-- suite:a -->\nnew a\n<!-- /suite:a -->\n\n<!-- suite:b -->\nb\n<!-- /suite:b -->\n');
    expect(replaceSection(next, 'c', 'c')).toBe(`${next.trimEnd()}\n\n<!-- suite:c -->\nc\n<!-- /suite:c -->\n`);
  });

  it('takes medians and formats times and ratios', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect([formatMs(0.123), formatMs(153.4), formatMs(1520)]).toEqual(['0.12 ms', '153 ms', '1.52 s']);
    expect([formatRatio(65.2, true), formatRatio(4.31), formatRatio(0.5)]).toEqual(['> 65×', '4.3×', '0.50×']);
  });

  it('reads back the machine line it writes', () => {
    const stamp = { date: '2026-12-03', machine: 'Node v20.20.2, 2 × AMD EPYC', load: 7 };
    expect(formatStamp(stamp)).toBe('Node v20.20.2, 2 × AMD EPYC, load 7.0 at the end, 2026-12-03');
    expect(parseStamp(formatStamp(stamp))).toEqual(stamp);
    expect(parseStamp('a line of another shape')).toBeUndefined();
  });
});

describe('asl parts run apart', () => {
  const stamp = (date: string, load: number) => ({ date, machine: 'Node v20, 2 × CPU', load });
  const part = (name: string, markdown: (result: { n: number }) => string): AnyAslPart => ({
    name,
    title: `Part ${name}`,
    run: async () => ({ n: 0 }),
    markdown,
  });

  it("keeps each part with its own stamp; results from before stamps take the file's machine line", () => {
    const kept = keptRecords({
      machine: 'Node v20, 2 × CPU, load 15.4 at the end, 2026-12-01',
      data: { old: { n: 1 }, stamped: { ran: stamp('2026-12-03T19:00:00Z', 7), result: { n: 2 } } },
    });
    expect(kept).toEqual({
      old: { ran: stamp('2026-12-01', 15.4), result: { n: 1 } },
      stamped: { ran: stamp('2026-12-03T19:00:00Z', 7), result: { n: 2 } },
    });
    expect(keptRecords({ machine: 'unreadable', data: { old: { n: 1 } } })).toEqual({});
    expect(keptRecords(undefined)).toEqual({});
  });

  it("writes the parts that have figures, in the list's order, each under its stamp", () => {
    const parts = [part('a', (r) => `a is ${r.n}`), part('b', () => 'never'), part('c', (r) => `c is ${r.n}`)];
    const records = {
      c: { ran: stamp('2026-12-03T19:00:00Z', 7), result: { n: 3 } },
      a: { ran: stamp('2026-12-01', 15.4), result: { n: 1 } },
    };
    expect(partsReport(parts, records)).toBe(
      '## Part a\n\n_Part `a`: Node v20, 2 × CPU, load 15.4 at the end, 2026-12-01_\n\na is 1\n\n' +
        '## Part c\n\n_Part `c`: Node v20, 2 × CPU, load 7.0 at the end, 2026-12-03_\n\nc is 3',
    );
  });

  it("says so when kept figures no longer fit their part's report", () => {
    const broken = part('a', (r) => (r as unknown as { rows: number[] }).rows.join());
    expect(partsReport([broken], { a: { ran: stamp('2026-12-01', 1), result: { n: 1 } } })).toMatch(
      /figures from 2026-12-01 not readable by this version: .*; run ASL_PARTS=a\)$/,
    );
  });
});
