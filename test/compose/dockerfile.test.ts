/**
 * The root Dockerfile without a Docker engine: each target copies every file its entry points import (and the
 * build context lets them through), runs them with production dependencies only, as a non-root user, with a
 * health check.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dependencies = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: object }).dependencies);

/** The Dockerfile's stages by name, each with the lines of its own and of the stages it builds on. */
function stage(name: string): string[] {
  const stages = new Map<string, { from: string; lines: string[] }>();
  let current: { from: string; lines: string[] } | undefined;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = { from: from[1], lines: [] };
      stages.set(from[2] ?? from[1], current);
    } else if (current && line.trim() && !line.startsWith('#')) current.lines.push(line);
  }
  const own = stages.get(name);
  if (!own) throw new Error(`no stage ${name}`);
  return [...(stages.has(own.from) ? stage(own.from) : []), ...own.lines];
}

/** Files reached from `entry` through relative imports that stay at run time (type-only imports are erased). */
function imported(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  if (!entry.endsWith('.ts')) return seen;
  const source = readFileSync(join(root, entry), 'utf8');
  for (const [, typeOnly, fromSpecifier, requireSpecifier] of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|require(?:\.resolve)?\('([^']+)'\)/gm)) {
    const specifier = fromSpecifier ?? requireSpecifier;
    if (typeOnly || !specifier.startsWith('.')) continue;
    const base = join(dirname(entry), specifier);
    const file = [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile());
    if (!file) throw new Error(`${entry}: cannot resolve ${specifier}`);
    imported(file, seen);
  }
  return seen;
}

/** Bare package names imported (at run time) by these files. */
function packagesOf(files: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(join(root, file), 'utf8');
    for (const [, typeOnly, specifier] of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^'.][^']*)'/gm)) {
      if (typeOnly || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      names.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  }
  return names;
}

const copied = (lines: string[]) => lines.flatMap((line) => /^COPY\s+(?!--from)(.+)\s+\S+$/.exec(line)?.[1].split(/\s+/) ?? []);
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1).replace(/\/$/, ''));

describe.each([
  { target: 'worker', entries: ['worker/main.ts', 'worker/healthcheck.ts'] },
  { target: 'api', entries: ['api/main.ts'] },
])('Dockerfile target $target', ({ target, entries }) => {
  const lines = stage(target);
  const files = new Set(entries.flatMap((entry) => [...imported(entry)]));

  it('copies every file its entry points import, and the build context lets each through', () => {
    const sources = copied(lines);
    const missing = [...files].filter((file) => !sources.some((source) => file === source || file.startsWith(`${source}/`)));
    expect(missing).toEqual([]);
    const ignored = [...files].filter((file) => !dockerignore.some((kept) => file === kept || file.startsWith(`${kept}/`)));
    expect(ignored).toEqual([]);
    expect(files.size).toBeGreaterThan(10);
  });

  it('needs only production dependencies, installed from the lock file without dev ones', () => {
    const devOnly = [...packagesOf(files)].filter((name) => !dependencies.includes(name));
    expect(devOnly).toEqual([]);
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
  });

  it('runs as a non-root user, with a health check and a command', () => {
    const users = lines.filter((line) => line.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(lines.some((line) => line.startsWith('HEALTHCHECK '))).toBe(true);
    const command = lines.filter((line) => line.startsWith('CMD ')).at(-1);
    expect(command).toContain(`"${entries[0]}"`);
    expect(lines).toContain('WORKDIR /app');
  });
});
