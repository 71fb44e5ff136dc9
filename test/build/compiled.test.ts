/**
 * `npm run build` and what it makes, run as the images and the `santa` command run it: plain node on dist/, no tsx.
 * (The Dockerfile's stages themselves are checked in test/compose/dockerfile.test.ts.)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../testkit/net';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { uniqueTaskQueue } from '../support/temporal';
import { until } from '../../testkit/until';

const root = join(__dirname, '../..');
const dist = join(root, 'dist');
const example = readFileSync(join(root, 'examples/participants.csv'), 'utf8');

let providers: FakeProviders;
const processes: ChildProcess[] = [];

/** `node dist/<file>`, as the image's CMD runs it. */
function node(file: string, env: Record<string, string | undefined>, stdio: 'ignore' | 'inherit' = 'inherit'): ChildProcess {
  const child = spawn(process.execPath, [join('dist', file)], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'ignore', stdio],
  });
  processes.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

beforeAll(async () => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  providers = await startFakeProviders();
}, 200_000);

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
  await providers?.close();
});

it('compiles to JavaScript only, with source maps, the page beside the API and the workflows bundled from their .js', () => {
  const files = readdirSync(dist, { recursive: true }) as string[];
  expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining([
      'worker/main.js',
      'worker/main.js.map',
      'api/main.js',
      'cli/main.js',
      'api/public/index.html',
      'package.json',
      '.build-stamp',
    ]),
  );
  const paths = spawnSync(
    process.execPath,
    [
      '-p',
      "[require('./dist/worker/create-worker.js').workflowsPath, " +
        "require('./dist/lib/codec/data-converter.js').failureConverterPath].join('\\n')",
    ],
    { cwd: root, encoding: 'utf8' },
  );
  expect(paths.stdout.trim().split('\n')).toEqual([join(dist, 'workflows/index.js'), join(dist, 'lib/codec/failure-converter.js')]);
});

it('the compiled worker and API take a run from POST to COMPLETED; the worker health check passes; SIGTERM stops both', async () => {
  const port = await freePort();
  const taskQueue = uniqueTaskQueue('compiled');
  const env = { ...providers.env, TEMPORAL_TASK_QUEUE: taskQueue, PORT: String(port), HOST: '127.0.0.1' };
  const worker = node('worker/main.js', env);
  const api = node('api/main.js', env);
  const base = `http://127.0.0.1:${port}`;
  await until('the API to be healthy', async () => ((await fetch(`${base}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);

  const page = await fetch(`${base}/`);
  expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);

  const posted = await fetch(`${base}/allocations`, { method: 'POST', body: example, headers: { 'content-type': 'text/csv' } });
  expect(posted.status).toBe(202);
  const { links } = (await posted.json()) as { links: { self: string } };
  const done = await until(
    'the run to finish',
    async () => {
      const view = (await (await fetch(`${base}${links.self}`)).json()) as { status: string };
      return view.status === 'RUNNING' ? undefined : view;
    },
    90_000,
  );
  expect(done).toMatchObject({ status: 'COMPLETED', participants: 6, email: { sent: 6, failed: 0 }, sms: { sent: 6, failed: 0 } });

  const healthcheck = () => exited(node('worker/healthcheck.js', { TEMPORAL_TASK_QUEUE: taskQueue }, 'ignore'));
  await until('the health check to pass', async () => ((await healthcheck()) === 0 ? true : undefined), 30_000, 500);

  worker.kill('SIGTERM');
  api.kill('SIGTERM');
  expect(await exited(worker)).toBe(0);
  expect(await exited(api)).toBe(0);
}, 180_000);

it('`santa` runs the compiled CLI, loading no TypeScript', () => {
  // Lists, as the process exits, every module it loaded that is TypeScript or tsx.
  const probe = join(mkdtempSync(join(tmpdir(), 'santa-probe-')), 'probe.js');
  writeFileSync(
    probe,
    "process.on('exit', () => process.stderr.write(JSON.stringify(" +
      'Object.keys(require.cache).filter((f) => /\\.ts$|[\\\\/]tsx[\\\\/]/.test(f)))));',
  );
  const result = spawnSync(
    process.execPath,
    ['--require', probe, join(root, 'bin/santa.js'), 'allocate', join(root, 'examples/participants.csv'), '--seed', '42', '--json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stderr)).toEqual([]);
  expect((JSON.parse(result.stdout) as { pairs: unknown[] }).pairs).toHaveLength(6);
});
