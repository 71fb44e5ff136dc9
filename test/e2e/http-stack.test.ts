/** The whole stack as separate processes, as `npm start` runs it: one HTTP run from POST to COMPLETED. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocationKey, loadAllocation } from '../../activities/store-allocations';
import { testConfig } from '../support/config';
import { freePort } from '../../testkit/net';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { uniqueTaskQueue } from '../support/temporal';
import { until } from '../../testkit/until';

const root = join(__dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const example = readFileSync(join(root, 'examples/participants.csv'), 'utf8');

let providers: FakeProviders;
const processes: ChildProcess[] = [];

function start(script: string, env: Record<string, string | undefined>): ChildProcess {
  const child = spawn(tsx, [script], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  processes.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

beforeAll(async () => {
  providers = await startFakeProviders();
});

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
  await providers?.close();
});

it('POST /allocations → COMPLETED, one message per channel per participant, the draw in S3; SIGTERM stops both cleanly', async () => {
  const port = await freePort();
  const env = { ...providers.env, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('e2e'), PORT: String(port), HOST: '127.0.0.1' };
  const worker = start('worker/main.ts', env);
  const api = start('api/main.ts', env);
  const base = `http://127.0.0.1:${port}`;
  await until('the API to be healthy', async () => ((await fetch(`${base}/health`)).ok ? true : undefined));

  const posted = await fetch(`${base}/allocations`, { method: 'POST', body: example, headers: { 'content-type': 'text/csv' } });
  expect(posted.status).toBe(202);
  const { id, links } = (await posted.json()) as { id: string; links: { self: string } };

  const done = await until(
    'the run to finish',
    async () => {
      const view = (await (await fetch(`${base}${links.self}`)).json()) as { status: string };
      return view.status === 'RUNNING' ? undefined : view;
    },
    60_000,
  );
  expect(done).toMatchObject({ id, status: 'COMPLETED', participants: 6, email: { sent: 6, failed: 0 }, sms: { sent: 6, failed: 0 } });

  const ranThisRun = (to: string[]) => new Set(to).size;
  expect(ranThisRun(providers.mailgun.messages.map((m) => m.to))).toBe(6);
  expect(ranThisRun(providers.twilio.messages.map((m) => m.to))).toBe(6);
  const stored = await loadAllocation(testConfig(), allocationKey(id));
  expect(stored.pairs).toHaveLength(6);

  worker.kill('SIGTERM');
  api.kill('SIGTERM');
  expect(await exited(worker)).toBe(0);
  expect(await exited(api)).toBe(0);
}, 120_000);
