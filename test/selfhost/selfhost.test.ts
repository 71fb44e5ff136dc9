/**
 * `npm run selfhost` end to end: the full Temporal server on the local PostgreSQL (its own databases here),
 * its Web UI, MinIO, worker and API as separate processes. A run goes on while the Temporal server is
 * killed and started again by the supervisor, and completes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { allocationKey, loadAllocation } from '../../activities/store-allocations';
import { freeTemporalPort } from '../../scripts/selfhost/ports';
import { testConfig } from '../support/config';
import { freePort } from '../../testkit/net';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { uniqueTaskQueue } from '../support/temporal';
import { until } from '../../testkit/until';

const root = join(__dirname, '../..');
const example = readFileSync(join(root, 'examples/participants.csv'), 'utf8');
const suffix = randomBytes(4).toString('hex');
const databases = [`santa_selfhost_${suffix}`, `santa_selfhost_${suffix}_visibility`];

let providers: FakeProviders;
let selfhost: ChildProcess;
let output = '';
let api: string;
let ui: string;
let s3Endpoint: string;
let dataDir: string;
const drawKey = randomBytes(32).toString('base64');
const codecToken = randomBytes(24).toString('base64url');

/** Pids of the Temporal server, in the order the supervisor started them. */
const serverPids = () => [...output.matchAll(/^temporal +\| started \(pid (\d+)\)$/gm)].map((m) => Number(m[1]));

async function dropDatabases(): Promise<void> {
  const pg = new PgClient({
    host: process.env.POSTGRES_SEEDS ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.POSTGRES_USER ?? 'postgres',
    database: 'postgres',
  });
  await pg.connect();
  for (const db of databases) await pg.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await pg.end();
}

beforeAll(async () => {
  providers = await startFakeProviders();
  const [temporalPort, uiPort, apiPort, s3Port] = [await freeTemporalPort(), await freePort(), await freePort(), await freePort()];
  api = `http://127.0.0.1:${apiPort}`;
  ui = `http://127.0.0.1:${uiPort}`;
  s3Endpoint = `http://127.0.0.1:${s3Port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'santa-selfhost-'));
  selfhost = spawn(join(root, 'node_modules/.bin/tsx'), ['scripts/selfhost.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...providers.env,
      // The suite's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY become the root user of selfhost's MinIO.
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('selfhost'),
      TEMPORAL_UI_URL: ui,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      // No bucket given: selfhost starts its own MinIO and makes the bucket.
      S3_BUCKET: '',
      S3_ENDPOINT: s3Endpoint,
      // Its local state (MinIO's files here: the keys are given) goes under this folder alone.
      SANTA_DATA_DIR: dataDir,
      SANTA_OUTBOX_DIR: '',
      SANTA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SANTA_DRAW_KEY: drawKey,
      CODEC_TOKEN: codecToken,
      TEMPORAL_DB: databases[0],
      TEMPORAL_VISIBILITY_DB: databases[1],
    },
  });
  selfhost.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  selfhost.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(
    'selfhost to be ready',
    async () => {
      if (selfhost.exitCode !== null) throw new Error(`selfhost exited with ${selfhost.exitCode}:\n${output}`);
      return output.includes('selfhost: ready') ? true : undefined;
    },
    180_000,
  );
}, 200_000);

afterAll(async () => {
  await providers?.close();
  if (selfhost && selfhost.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => selfhost.once('exit', resolve));
    selfhost.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
  await dropDatabases();
}, 60_000);

interface View {
  status: string;
  stage: string;
  email: { sent: number };
  sms: { sent: number };
}

const view = async (id: string) => (await (await fetch(`${api}/allocations/${id}`)).json()) as View;

let runId: string;

it('finishes a run although the Temporal server is killed mid-run and started again', async () => {
  // Slow providers and one message at a time: the run is still notifying when the server goes.
  providers.mailgun.delayMs = 700;
  providers.twilio.delayMs = 700;
  const posted = await fetch(`${api}/allocations?maxConcurrency=1`, {
    method: 'POST',
    body: example,
    headers: { 'content-type': 'text/csv' },
  });
  expect(posted.status).toBe(202);
  runId = ((await posted.json()) as { id: string }).id;
  await until('the run to be sending', async () => {
    const { stage, email } = await view(runId);
    return stage === 'notifying' && email.sent >= 1 ? true : undefined;
  });

  const [first] = serverPids();
  process.kill(first, 'SIGKILL');
  await until('the supervisor to start the server again', async () => (serverPids().length >= 2 ? true : undefined));

  const done = await until(
    'the run to finish',
    async () => {
      const current = await view(runId);
      return current.status === 'RUNNING' ? undefined : current;
    },
    180_000,
  );
  expect(done).toMatchObject({ status: 'COMPLETED', participants: 6, email: { sent: 6, failed: 0 }, sms: { sent: 6, failed: 0 } });
  // Everyone told on both channels (a message whose completion was lost with the server may go twice).
  expect(new Set(providers.mailgun.messages.map((m) => m.to)).size).toBe(6);
  expect(new Set(providers.twilio.messages.map((m) => m.to)).size).toBe(6);

  // The draw is in the bucket selfhost made on its MinIO.
  const config = testConfig({ S3_BUCKET: 'secret-santa', S3_ENDPOINT: s3Endpoint, S3_FORCE_PATH_STYLE: 'true', SANTA_DRAW_KEY: drawKey });
  expect((await loadAllocation(config, allocationKey(runId))).pairs).toHaveLength(6);
  // MinIO keeps that bucket in the data folder.
  expect(existsSync(join(dataDir, 'selfhost/minio/secret-santa'))).toBe(true);
}, 240_000);

it('serves the Web UI, which shows the run from the server and points at the codec endpoint', async () => {
  expect(runId).toBeDefined();
  const page = await fetch(`${ui}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<html/i);
  const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
  expect(settings.Codec.Endpoint).toBe(`${api}/codec/t/${codecToken}`);
  const run = (await (await fetch(`${ui}/api/v1/namespaces/default/workflows/${runId}`)).json()) as {
    workflowExecutionInfo: { status: string };
  };
  expect(run.workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
});
