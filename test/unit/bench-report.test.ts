import { formatMs, formatRatio, median, replaceSection } from '../../bench/report';

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
});
