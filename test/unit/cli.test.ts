import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const santa = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'santa.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
const EXAMPLE = join(ROOT, 'examples', 'participants.csv');
const NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank'];

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'santa-cli-')), name);
  writeFileSync(file, text);
  return file;
}

describe('santa allocate', () => {
  it('prints the draw and the seed, exit 0', () => {
    const result = santa('allocate', EXAMPLE, '--seed', '42');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('seed: 42');
    const pairs = lines.slice(0, -1).map((line) => line.split(' → '));
    expect(pairs.map(([giver]) => giver)).toEqual(NAMES);
    expect([...pairs.map(([, recipient]) => recipient)].sort()).toEqual(NAMES);
  });

  it('prints {"seed", "pairs"} with --json, the same draw for the same seed', () => {
    const result = santa('allocate', EXAMPLE, '--json', '--seed=7');
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { seed: number; pairs: { giver: string; recipient: string }[] };
    expect(Object.keys(parsed)).toEqual(['seed', 'pairs']);
    expect(parsed.seed).toBe(7);
    expect(parsed.pairs.map((p) => Object.keys(p))).toEqual(NAMES.map(() => ['giver', 'recipient']));
    expect(parsed.pairs.map((p) => p.giver)).toEqual(NAMES);
    expect(JSON.parse(santa('allocate', EXAMPLE, '--json', '--seed', '7').stdout)).toEqual(parsed);
  });

  it('picks a random seed and reports it', () => {
    const parsed = JSON.parse(santa('allocate', EXAMPLE, '--json').stdout) as { seed: number };
    expect(Number.isInteger(parsed.seed)).toBe(true);
  });

  it('reads the header form with groups', () => {
    const result = santa('allocate', join(ROOT, 'examples', 'participants-with-header.csv'), '--json', '--seed', '1');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).pairs).toHaveLength(6);
  });

  it('lists every problem of an invalid file with line and field, exit 2', () => {
    const file = tempFile('bad.csv', 'Alice,alice@example,,Zed\nBob,,,\nalice,a2@example.com,07700900001,\n');
    const result = santa('allocate', file);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('line 1, email: "alice@example" is not a valid email address');
    expect(result.stderr).toContain('line 1, exclusions: "Zed" is not a participant');
    expect(result.stderr).toContain('line 2, email: an email or a phone is needed');
    expect(result.stderr).toContain('line 3, name: "alice" is already on line 1');
    expect(result.stderr).toContain('line 3, phone:');
  });

  it('explains an impossible draw, exit 2', () => {
    const file = tempFile('stuck.csv', 'Ann,ann@example.com,,Bob;Cy\nBob,bob@example.com,,\nCy,cy@example.com,,\n');
    const result = santa('allocate', file, '--seed', '1');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Ann cannot give to anyone');
  });

  it('makes one loop through everyone with --single-cycle', () => {
    const result = santa('allocate', EXAMPLE, '--json', '--seed', '3', '--single-cycle');
    expect(result.status).toBe(0);
    const { pairs } = JSON.parse(result.stdout) as { pairs: { giver: string; recipient: string }[] };
    const next = new Map(pairs.map((p) => [p.giver, p.recipient]));
    const visited = new Set<string>();
    for (let p = NAMES[0]; !visited.has(p); p = next.get(p)!) visited.add(p);
    expect(visited.size).toBe(NAMES.length);
  });

  it('says why no single loop exists, exit 2', () => {
    const file = tempFile(
      'two-pairs.csv',
      'Ann,ann@example.com,,Cy;Di\nBob,bob@example.com,,Cy;Di\nCy,cy@example.com,,Ann;Bob\nDi,di@example.com,,Ann;Bob\n',
    );
    expect(santa('allocate', file, '--seed', '1').status).toBe(0);
    const result = santa('allocate', file, '--seed', '1', '--single-cycle');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('No single loop through everyone exists: Ann and Bob may only give to each other');
  });

  it('avoids the pairs of an earlier --json draw with --avoid, and of a stored draw', () => {
    const first = santa('allocate', EXAMPLE, '--json', '--seed', '5');
    const previous = tempFile('previous.json', first.stdout);
    const lastYear = new Set(
      (JSON.parse(first.stdout) as { pairs: { giver: string; recipient: string }[] }).pairs.map((p) => `${p.giver}>${p.recipient}`),
    );
    const stored = tempFile(
      'stored.json',
      JSON.stringify({ runId: 'r', ...JSON.parse(first.stdout), participants: 6, storedAt: '2025-12-24T00:00:00.000Z' }),
    );
    for (const file of [previous, stored]) {
      // The same seed as last year's draw: without --avoid it would repeat every pair.
      const result = santa('allocate', EXAMPLE, '--json', '--seed', '5', '--avoid', file);
      expect(result.status).toBe(0);
      const { pairs } = JSON.parse(result.stdout) as { pairs: { giver: string; recipient: string }[] };
      expect(pairs.filter((p) => lastYear.has(`${p.giver}>${p.recipient}`))).toEqual([]);
    }
  });

  it("blames last year's pairs when avoiding them leaves no draw, exit 2", () => {
    const file = tempFile('three.csv', 'Ann,ann@example.com,,\nBob,bob@example.com,,\nCy,cy@example.com,,\n');
    const previous = tempFile(
      'previous.json',
      JSON.stringify({
        seed: 1,
        pairs: [
          { giver: 'Ann', recipient: 'Bob' },
          { giver: 'Bob', recipient: 'Cy' },
          { giver: 'Cy', recipient: 'Ann' },
        ],
      }),
    );
    const result = santa('allocate', file, '--avoid', previous);
    // The other way round, Ann→Cy→Bob→Ann, repeats none of them.
    expect(result.status).toBe(0);
    const both = tempFile(
      'both.json',
      JSON.stringify({
        seed: 2,
        pairs: [
          { giver: 'Ann', recipient: 'Bob' },
          { giver: 'Ann', recipient: 'Cy' },
        ],
      }),
    );
    const blocked = santa('allocate', file, '--avoid', both);
    expect(blocked.status).toBe(2);
    expect(blocked.stderr).toContain("No valid draw exists without repeating last year's pairs: Ann cannot give to anyone");
  });

  it('exits 2 when the draw to avoid is not one', () => {
    const result = santa('allocate', EXAMPLE, '--avoid', tempFile('bad.json', '{"seed": 1}'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot use');
    expect(result.stderr).toContain('no "pairs" list');
    expect(santa('allocate', EXAMPLE, '--avoid', join(ROOT, 'no-such.json')).stderr).toContain('cannot read');
  });

  it('exits 2 when the file cannot be read', () => {
    const result = santa('allocate', join(ROOT, 'no-such-file.csv'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot read');
  });

  it.each([
    [['allocate']],
    [['allocate', EXAMPLE, '--bogus']],
    [['allocate', EXAMPLE, '--seed', 'abc']],
    [['allocate', EXAMPLE, '--seed', '4294967296']],
    [['allocate', EXAMPLE, EXAMPLE]],
    [['allocate', EXAMPLE, '--avoid']],
    [['frobnicate']],
    [[]],
  ])('prints usage on stderr and exits 2 for %j', (args) => {
    const result = santa(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('usage');
  });
});
