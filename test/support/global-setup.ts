/**
 * Starts, once for the whole suite: the Temporal dev server (through @temporalio/testing's createLocal,
 * pointed at our own CLI build), MinIO with a bucket, and one bundle of the workflows.
 * Test files reach them through the environment variables set here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../../lib/codec/data-converter';
import { DEV_SERVER_ARGS } from '../../lib/dev-server';
import { workflowsPath } from '../../worker/create-worker';
import { freePort } from '../../testkit/net';

declare global {
  var __santaTestServers: { temporal: TestWorkflowEnvironment; minio: ChildProcess } | undefined;
}

const MINIO_USER = 'santa-test';
const MINIO_PASSWORD = 'santa-test-secret';
export const TEST_BUCKET = 'santa-test';

async function startMinio(workDir: string): Promise<{ process: ChildProcess; endpoint: string }> {
  const bin = process.env.MINIO_BIN;
  if (!bin) throw new Error('MINIO_BIN is not set: run the suite with `npm test`, which builds MinIO');
  const [port, consolePort] = [await freePort(), await freePort()];
  const child = spawn(
    bin,
    ['server', join(workDir, 'minio'), '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    {
      env: { ...process.env, MINIO_ROOT_USER: MINIO_USER, MINIO_ROOT_PASSWORD: MINIO_PASSWORD, MINIO_BROWSER: 'off' },
      stdio: 'ignore',
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with code ${child.exitCode}`);
    const ready = await fetch(`${endpoint}/minio/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('MinIO did not become ready within 30s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, endpoint };
}

export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'santa-test-'));
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run the suite with `npm test`, which builds the Temporal CLI');

  const [temporal, minio, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: executable }, ip: '127.0.0.1', ui: false, extraArgs: DEV_SERVER_ARGS },
    }),
    startMinio(workDir),
    bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietLogger }),
  ]);
  globalThis.__santaTestServers = { temporal, minio: minio.process };

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
