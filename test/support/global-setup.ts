/**
 * Starts, once for the whole suite: the Temporal dev server (the project's one starter, scripts/dev-server.ts,
 * with our own CLI build), MinIO with a bucket, and one bundle of the workflows.
 * Test files reach them through the environment variables set here.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../../lib/codec/data-converter';
import { DevServer } from '../../scripts/dev-server';
import { quiet, Supervisor } from '../../scripts/supervisor';
import { bundlerOptions } from '../../worker/workflow-bundle';
import { freePort } from '../../testkit/net';
import { until } from '../../testkit/until';

// The workflows' entry, by path: jest's global setup runs without the test files' module mapper, so importing
// worker/create-worker here would load the workspace packages from their last build (dist/) rather than their sources.
const workflowsPath = require.resolve('../../workflows');
declare global {
  /** What globalTeardown stops: the Temporal dev server and MinIO. */
  var __santaTestServers: Supervisor | undefined;
}

const MINIO_USER = 'santa-test';
const MINIO_PASSWORD = 'santa-test-secret';
export const TEST_BUCKET = 'santa-test';

/** MinIO on free ports, kept by the suite's supervisor; answers once it is ready. */
async function startMinio(supervisor: Supervisor, workDir: string): Promise<{ endpoint: string }> {
  const bin = process.env.MINIO_BIN;
  if (!bin) throw new Error('MINIO_BIN is not set: run the suite with `npm test`, which builds MinIO');
  const [port, consolePort] = [await freePort(), await freePort()];
  const minio = supervisor.start('minio', {
    command: bin,
    args: ['server', join(workDir, 'minio'), '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    env: { MINIO_ROOT_USER: MINIO_USER, MINIO_ROOT_PASSWORD: MINIO_PASSWORD, MINIO_BROWSER: 'off' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await until('MinIO to be ready', async () => ((await fetch(`${endpoint}/minio/health/ready`)).ok ? true : undefined), 30_000);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}; its last lines:\n${minio.tail.join('\n')}`);
  }
  return { endpoint };
}

export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'santa-test-'));
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run the suite with `npm test`, which builds the Temporal CLI');

  const supervisor = new Supervisor(workDir, quiet);
  globalThis.__santaTestServers = supervisor;
  const [temporal, minio, bundle] = await Promise.all([
    DevServer.start({ cli: executable, supervisor }),
    startMinio(supervisor, workDir),
    bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietLogger, ...bundlerOptions }),
  ]).catch(async (error: unknown) => {
    // Jest runs no teardown after a failed setup, and the servers run in process groups of their own.
    await supervisor.stop();
    throw error;
  });

  const bundlePath = join(workDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    SANTA_WORKFLOW_BUNDLE: bundlePath,
    SANTA_TEST_DIR: workDir,
    // Every run of the suite seals its payloads, as a real deployment does.
    SANTA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The worker's draw key, a different one: tests read stored draws with it, as only a worker host could.
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
    S3_ENDPOINT: minio.endpoint,
    S3_BUCKET: TEST_BUCKET,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: MINIO_USER,
    AWS_SECRET_ACCESS_KEY: MINIO_PASSWORD,
  });
  const s3 = new S3Client({
    endpoint: minio.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: MINIO_USER, secretAccessKey: MINIO_PASSWORD },
  });
  await s3.send(new CreateBucketCommand({ Bucket: TEST_BUCKET }));
  s3.destroy();
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
