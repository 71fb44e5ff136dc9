/**
 * The root Dockerfile without a Docker engine. Its `build` stage copies every source file each target's entry points
 * import (and the build context lets them through) and compiles them with `npm run build`; each target then copies
 * the compiled files (dist/) and the files they read at run time, with production dependencies only, and runs them
 * with node (no tsx, no TypeScript, no sources), as a non-root user, with a health check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';

const root = join(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: object;
  scripts: Record<string, string>;
};
const dependencies = Object.keys(packageJson.dependencies);
/** The npm workspace packages (packages/*): name and folder. */
const workspacePackages = readdirSync(join(root, 'packages')).map((folder) => ({
  dir: `packages/${folder}`,
  name: (JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as { name: string }).name,
}));
const buildScript = readFileSync(join(root, 'scripts/build.sh'), 'utf8');
// tsconfig.build.json may hold comments (tsc reads JSONC); its `include` is a plain list of folders.
const buildInclude = JSON.parse(
  /"include"\s*:\s*(\[[^\]]*\])/.exec(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'))![1],
) as string[];

interface Stage {
  from: string;
  lines: string[];
}
const stages = new Map<string, Stage>();
{
  let current: Stage | undefined;
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = { from: from[1], lines: [] };
      stages.set(from[2] ?? from[1], current);
    } else if (current && line.trim() && !line.startsWith('#')) current.lines.push(line);
  }
}

/** The names of a stage and of the stages it builds on, itself first. */
function chain(name: string): string[] {
  const own = stages.get(name);
  if (!own) throw new Error(`no stage ${name}`);
  return [name, ...(stages.has(own.from) ? chain(own.from) : [])];
}

/** A stage's lines, with those of the stages it builds on first. */
function stage(name: string): string[] {
  return chain(name)
    .reverse()
    .flatMap((each) => stages.get(each)!.lines);
}

/** Files reached from `entry` through relative imports that stay at run time (type-only imports are erased). */
function imported(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  if (!entry.endsWith('.ts')) return seen;
  const source = readFileSync(join(root, entry), 'utf8');
  for (const [, typeOnly, fromSpecifier, requireSpecifier] of source.matchAll(
    /^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|require(?:\.resolve)?\('([^']+)'\)/gm,
  )) {
    const specifier = fromSpecifier ?? requireSpecifier;
    if (typeOnly || !specifier.startsWith('.')) continue;
    const base = join(dirname(entry), specifier);
    const file = [`${base}.ts`, join(base, 'index.ts'), base].find(
      (candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile(),
    );
    if (!file) throw new Error(`${entry}: cannot resolve ${specifier}`);
    imported(file, seen);
  }
  return seen;
}

/** Folders and files these sources read at run time beside themselves: `join(__dirname, '…')`. */
function assetsOf(files: Set<string>): string[] {
  const assets = new Set<string>();
  for (const file of files) {
    if (!file.endsWith('.ts')) continue;
    for (const [, path] of readFileSync(join(root, file), 'utf8').matchAll(/join\(__dirname,\s*'([^']+)'\)/g))
      assets.add(relative(root, join(root, dirname(file), path)));
  }
  return [...assets];
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

/** What `tsc -p tsconfig.build.json` writes for a source file: dist/<path>.js (a JSON module as itself). */
const compiled = (file: string) => `dist/${file.replace(/\.ts$/, '.js')}`;
const covers = (paths: string[], file: string) => paths.some((path) => file === path || file.startsWith(`${path}/`));
const strip = (path: string) =>
  path
    .replace(/^\/app\//, '')
    .replace(/^\.\//, '')
    .replace(/\/$/, '');

/** COPY lines: from the build context (`from` undefined) or from a stage; each source with where it lands in /app. */
function copies(lines: string[]) {
  return lines.flatMap((line) => {
    const match = /^COPY\s+(?:--from=(\S+)\s+)?(.+)\s+(\S+)$/.exec(line);
    if (!match) return [];
    const [, from, sources, destination] = match;
    return sources.split(/\s+/).map((source) => ({
      from,
      source: strip(source),
      // `COPY a/b ./x/` puts b in x/; `COPY a/b ./x` makes x of it.
      lands: destination.endsWith('/') ? join(strip(destination), basename(source)) : strip(destination),
    }));
  });
}

/** What the build stage's dist/ puts in the image, by where it lands; each must land where it was built. */
function landed(lines: string[], from: string): string[] {
  const fromStage = copies(lines).filter((copy) => copy.from === from);
  expect(fromStage.filter((copy) => copy.lands !== copy.source)).toEqual([]);
  return fromStage.map((copy) => copy.lands);
}

const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1).replace(/\/$/, ''));

it('the build stage copies the sources, the compiler settings and the build script from the context, and builds', () => {
  const build = stage('build');
  const sources = copies(build)
    .filter((copy) => copy.from === undefined)
    .map((copy) => copy.lands);
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.sh']) {
    expect([file, covers(sources, file), covers(dockerignore, file)]).toEqual([file, true, true]);
  }
  expect(copies(build).filter((copy) => copy.from === undefined && copy.lands !== copy.source)).toEqual([]);
  expect(build).toContain('RUN npm run build');
  expect(packageJson.scripts.build).toBe('bash scripts/build.sh');
  expect(buildScript).toMatch(/tsc -p tsconfig\.build\.json/);
});

describe.each([
  { target: 'worker', entries: ['worker/main.ts', 'worker/healthcheck.ts'] },
  { target: 'api', entries: ['api/main.ts'] },
])('Dockerfile target $target', ({ target, entries }) => {
  const lines = stage(target);
  const files = new Set(entries.flatMap((entry) => [...imported(entry)]));
  const assets = assetsOf(files);

  it('compiles every file its entry points import: copied by the build stage, let through by the context, in tsconfig.build.json', () => {
    const sources = copies(stage('build'))
      .filter((copy) => copy.from === undefined)
      .map((copy) => copy.lands);
    const needed = [...files, ...assets];
    expect(needed.filter((file) => !covers(sources, file))).toEqual([]);
    expect(needed.filter((file) => !covers(dockerignore, file))).toEqual([]);
    expect([...files].filter((file) => file.endsWith('.ts') && !covers(buildInclude, file))).toEqual([]);
    expect(files.size).toBeGreaterThan(10);
  });

  it('copies the compiled files and the files they read at run time from the build stage, and no source', () => {
    const fromBuild = landed(lines, 'build');
    expect([...files].map(compiled).filter((file) => !covers(fromBuild, file))).toEqual([]);
    // Files read beside the code (api/public/) are copied into dist/ by the build, and from there into the image.
    // The build copies them (`cp -R <folder or file> "$out/…"`), each or a folder holding it.
    const copiedByBuild = [...buildScript.matchAll(/^\s*cp -R (\S+) /gm)].map(([, path]) => path);
    for (const asset of assets) {
      expect([asset, covers(copiedByBuild, asset)]).toEqual([asset, true]);
      expect([asset, covers(fromBuild, `dist/${asset}`)]).toEqual([asset, true]);
    }
    expect(assets.length > 0).toBe(target === 'api');
    // Nothing from the build context: only what the build and deps stages made.
    expect(copies(lines).filter((copy) => copy.from === undefined)).toEqual([]);
    expect(copies(lines).every((copy) => copy.from === 'build' || copy.from === 'deps')).toBe(true);
  });

  it('ships each workspace package it imports compiled: manifest in the deps stage, sources built, dist/ copied', () => {
    const used = workspacePackages.filter(({ name }) => packagesOf(files).has(name));
    expect(used.map(({ name }) => name)).toContain('states-language-temporal');
    const fromContext = (stageName: string) =>
      copies(stages.get(stageName)!.lines)
        .filter((copy) => copy.from === undefined)
        .map((copy) => copy.lands);
    for (const { dir } of used) {
      expect([dir, covers(fromContext('deps'), `${dir}/package.json`)]).toEqual([dir, true]);
      for (const file of [`${dir}/package.json`, `${dir}/tsconfig.json`, `${dir}/src/index.ts`]) {
        expect([file, covers(fromContext('build'), file), covers(dockerignore, file)]).toEqual([file, true, true]);
      }
      const fromBuild = landed(lines, 'build');
      expect([dir, covers(fromBuild, `${dir}/dist`), covers(fromBuild, `${dir}/package.json`)]).toEqual([dir, true, true]);
      expect(covers(fromBuild, `${dir}/src`)).toBe(false);
    }
    expect(buildScript).toMatch(/tsc -p "\$package\/tsconfig\.json"/);
  });

  it('needs only production dependencies, installed from the lock file without dev ones', () => {
    const devOnly = [...packagesOf(files)].filter((name) => !dependencies.includes(name));
    expect(devOnly).toEqual([]);
    // node_modules comes from the deps stage alone, which installs without dev dependencies.
    const modules = copies(lines).filter((copy) => copy.lands === 'node_modules');
    expect(modules.map((copy) => copy.from)).toEqual(['deps']);
    expect(stage('deps').some((line) => /^RUN npm install --omit=dev /.test(line))).toBe(true);
    expect(stage('deps')).toContain('COPY package.json package-lock.json ./');
    expect(lines.filter((line) => /^RUN npm (install|ci)\b/.test(line))).toEqual([]);
    // Nothing that runs TypeScript in the production dependencies, nor in the image's commands.
    expect(dependencies.filter((name) => ['tsx', 'typescript', 'ts-node', '@swc-node/register'].includes(name))).toEqual([]);
    expect(lines.filter((line) => /\btsx\b|\.ts\b/.test(line))).toEqual([]);
  });

  it('runs the compiled entry point with node, as a non-root user, with a health check', () => {
    const users = lines.filter((line) => line.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    const healthcheck = lines.filter((line) => line.startsWith('HEALTHCHECK ')).at(-1);
    expect(healthcheck).toBeDefined();
    for (const entry of entries.slice(1)) expect(healthcheck).toContain(`CMD ["node", "${compiled(entry)}"]`);
    const command = lines.filter((line) => line.startsWith('CMD ')).at(-1);
    expect(command).toBe(`CMD ["node", "${compiled(entries[0])}"]`);
    expect(lines).toContain('WORKDIR /app');
    expect(lines).toContain('ENV NODE_ENV=production');
  });
});
