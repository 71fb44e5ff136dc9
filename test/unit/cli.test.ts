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
    [['frobnicate']],
    [[]],
  ])('prints usage on stderr and exits 2 for %j', (args) => {
    const result = santa(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('usage');
  });
});
