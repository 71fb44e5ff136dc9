/** `npx santa run FILE.csv` against a real API (in process, on a port) and a worker on the suite's Temporal server. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { testConfig } from '../support/config';
import { freePort } from '../../testkit/net';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';
import { until } from '../../testkit/until';

const root = join(__dirname, '../..');
const EXAMPLE = join(root, 'examples/participants.csv');

let temporal: TestTemporal;
let providers: FakeProviders;
let worker: Worker;
let workerRun: Promise<void>;
let app: FastifyInstance;
let apiUrl: string;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it, in its own process (asynchronously: the API answering it lives in this one). */
function startSanta(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(root, 'bin/santa.js'), ...args], {
    cwd: root,
    env: { ...process.env, API_TOKEN: '', SANTA_API_URL: apiUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, ...output })));
  return { output, result };
}

const santa = (args: string[], env: Record<string, string> = {}) => startSanta(args, env).result;

beforeAll(async () => {
  temporal = await connectTestTemporal();
  providers = await startFakeProviders();
  const config = testConfig({ ...providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('santa-run'), S3_BUCKET: undefined });
  worker = await createTestWorker(temporal, config);
  workerRun = worker.run();
  app = await buildApp({ config, client: temporal.client, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await workerRun;
  await providers?.close();
  await temporal?.close();
});

it('posts the file, shows progress on stderr as it changes, and exits 0 when the run completes', async () => {
  const result = await santa(['run', EXAMPLE, '--seed', '3']);
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^run santa-\S+ started; watch it at http:\/\/\S+\/workflows\/santa-/m);
  expect(result.stdout).toMatch(/^COMPLETED: 6 participants; email 6 sent, 0 skipped, 0 failed; sms 6 sent, 0 skipped, 0 failed$/m);
  // Not a terminal: one plain line per change, ending on every message handled.
  const progress = result.stderr.trim().split('\n');
  expect(progress.every((line) => /^\[[#.]{24}\] \d+\/\d+ · \w+ · email \d+ sent, \d+ failed · sms \d+ sent, \d+ failed$/.test(line))).toBe(
    true,
  );
  expect(progress.at(-1)).toBe('[########################] 12/12 · done · email 6 sent, 0 failed · sms 6 sent, 0 failed');
  expect(new Set(progress).size).toBe(progress.length);
});

it('exits 2 and prints every problem of an invalid file by line, starting nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'santa-run-'));
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'Alice,not-an-email,,\nBob,,,\nAlice,alice@example.com,,\n');
  const result = await santa(['run', file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/line 1, email: /);
  expect(result.stderr).toMatch(/line 2, /);
  expect(result.stderr).toMatch(/line 3, name: /);
  expect(result.stdout).toBe('');
});

it('exits non-zero when the run does not complete (here: cancelled mid-notification)', async () => {
  providers.mailgun.delayMs = 3000; // keeps the run in its notifying stage long enough to cancel it there
  try {
    const running = startSanta(['run', EXAMPLE]);
    const id = await until('the CLI to print the run id', async () => /^run (\S+) started/m.exec(running.output.stdout)?.[1]);
    await until('the run to reach the notifying stage', async () => {
      const view = (await (await fetch(`${apiUrl}/allocations/${id}`)).json()) as { stage: string };
      return view.stage === 'notifying' ? true : undefined;
    });
    await temporal.client.workflow.getHandle(id).cancel();
    const result = await running.result;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^CANCELLED: 6 participants/m);
  } finally {
    providers.mailgun.delayMs = 0;
  }
});

it('exits 1 with a plain message when the API is not there', async () => {
  const result = await santa(['run', EXAMPLE], { SANTA_API_URL: `http://127.0.0.1:${await freePort()}` });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^santa run: cannot reach the API at http:\/\/127\.0\.0\.1:\d+ .*is the stack running/m);
});
