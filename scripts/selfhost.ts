/**
 * `npm run selfhost`: the topology of docker-compose.yml without containers, in the foreground. The full
 * Temporal server (built from go.temporal.io/server) on the local PostgreSQL, its Web UI pointed at the
 * API's codec, MinIO with the bucket, the worker and the API. Any process that dies is started again;
 * Ctrl-C (SIGINT) or SIGTERM stops them all. scripts/selfhost.sh installs the binaries first.
 *
 * PostgreSQL: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD (defaults 127.0.0.1, 5432, postgres, none),
 * databases TEMPORAL_DB and TEMPORAL_VISIBILITY_DB (temporal, temporal_visibility). Everything else is the
 * contract's configuration; with no S3_BUCKET, the draws go to the bucket `secret-santa` on the MinIO started here.
 * Local state (MinIO's files, the keys made here, the outbox) is under SANTA_DATA_DIR (default `.data`).
 */
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { loadConfig } from '../lib/config';
import { until } from '../testkit/until';
import { codecToken, dataDirEnv, dataDirOf, drawKey, encryptionKey } from './data-dir';
import { freeTemporalPort } from './selfhost/ports';
import { Supervisor } from './supervisor';

const root = resolve(__dirname, '..');
const DEFAULT_BUCKET = 'secret-santa';
const supervisor = new Supervisor(root);

function tool(name: string): string {
  const path = process.env[name];
  if (!path) throw new Error(`${name} is not set: run this through \`npm run selfhost\`, which builds it`);
  return path;
}

async function createBucket(endpoint: string, bucket: string, accessKeyId: string, secretAccessKey: string, region: string) {
  const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof S3ServiceException && /BucketAlready(OwnedByYou|Exists)/.test(error.name))) throw error;
  } finally {
    s3.destroy();
  }
}

async function main(): Promise<void> {
  const dataDir = dataDirOf();
  // The operator's CODEC_TOKEN opens the API's /codec for the Web UI (the organiser's API_TOKEN does not).
  const env: NodeJS.ProcessEnv = {
    ...dataDirEnv(dataDir),
    SANTA_ENCRYPTION_KEY: encryptionKey(dataDir),
    CODEC_TOKEN: codecToken(dataDir),
  };
  const config = loadConfig({ ...process.env, ...env });
  supervisor.exitOnSignals();

  // MinIO, unless the storage is elsewhere: S3_BUCKET set by hand means a bucket that already exists.
  if (!config.storage.bucket) {
    const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? 'santa';
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY ?? 'santa-selfhost-secret';
    const { host } = new URL(endpoint);
    supervisor.start('minio', {
      command: tool('MINIO_BIN'),
      args: [
        'server',
        join(dataDir, 'selfhost/minio'),
        '--quiet',
        '--address',
        host,
        '--console-address',
        `127.0.0.1:${await freeTemporalPort()}`,
      ],
      env: { MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey, MINIO_BROWSER: 'off' },
    });
    await until('MinIO to be ready', async () => ((await fetch(`${endpoint}/minio/health/ready`)).ok ? true : undefined), 90_000, 250);
    await createBucket(endpoint, DEFAULT_BUCKET, accessKeyId, secretAccessKey, config.storage.region);
    Object.assign(env, {
      S3_BUCKET: DEFAULT_BUCKET,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: config.storage.region,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    });
  }

  // The Temporal server: schema first (idempotent), then the server, then the namespace.
  const setup = { command: 'sh', args: [join(root, 'scripts/selfhost/temporal-setup.sh')] };
  await supervisor.once('schema', { ...setup, args: [...setup.args, 'schema'] });
  const [host, frontendPort = '7233'] = config.temporal.address.split(':');
  const serverEnv: NodeJS.ProcessEnv = {
    TEMPORAL_BIND_IP: host === 'localhost' ? '127.0.0.1' : host,
    TEMPORAL_FRONTEND_PORT: frontendPort,
  };
  // Internal ports are picked once and kept across restarts of the server.
  for (const name of [
    'FRONTEND_HTTP',
    'FRONTEND_MEMBERSHIP',
    'HISTORY',
    'HISTORY_MEMBERSHIP',
    'MATCHING',
    'MATCHING_MEMBERSHIP',
    'WORKER',
    'WORKER_MEMBERSHIP',
  ]) {
    serverEnv[`TEMPORAL_${name}_PORT`] = String(await freeTemporalPort());
  }
  supervisor.start('temporal', {
    command: tool('TEMPORAL_SERVER_BIN'),
    args: ['--config-file', join(root, 'scripts/selfhost/temporal.yaml'), '--allow-no-auth', 'start'],
    env: serverEnv,
  });
  await supervisor.once('namespace', {
    ...setup,
    args: [...setup.args, 'namespace'],
    env: { TEMPORAL_ADDRESS: config.temporal.address, TEMPORAL_NAMESPACE: config.temporal.namespace },
  });

  const api = `http://${config.api.host}:${config.api.port}`;
  const ui = new URL(config.temporal.uiUrl);
  supervisor.start('ui', {
    command: tool('TEMPORAL_UI_SERVER_BIN'),
    args: ['--root', join(root, 'scripts/selfhost'), '--config', 'ui', '--env', 'selfhost', 'start'],
    env: {
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_UI_IP: ui.hostname === 'localhost' ? '127.0.0.1' : ui.hostname,
      TEMPORAL_UI_PORT: ui.port || '80',
      TEMPORAL_DEFAULT_NAMESPACE: config.temporal.namespace,
      TEMPORAL_CORS_ORIGINS: api,
      // The browser of whoever looks calls the codec: the API's address as they reach it, with the operator's token
      // in the path, as that browser sends no header of ours (passAccessToken sends only an OIDC login's token).
      TEMPORAL_CODEC_ENDPOINT: `${api}/codec/t/${config.api.codecToken}`,
    },
  });

  const tsx = join(root, 'node_modules/.bin/tsx');
  // The draw key goes to the worker alone.
  supervisor.start('worker', {
    command: tsx,
    args: ['worker/main.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', ...env, SANTA_DRAW_KEY: drawKey(dataDir) },
  });
  // The States Language worker, a process of its own with no draw key.
  supervisor.start('state-machines', {
    command: tsx,
    args: ['worker/main.ts', 'state-machines'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', ...env, SANTA_DRAW_KEY: '' },
  });
  supervisor.start('api', { command: tsx, args: ['api/main.ts'], env });
  await until('the API to be healthy', async () => ((await fetch(`${api}/health`)).ok ? true : undefined), 90_000, 250);
  const uiSettings = `${config.temporal.uiUrl}/api/v1/settings`;
  await until('the Temporal UI to answer', async () => ((await fetch(uiSettings)).ok ? true : undefined), 90_000, 250);
  console.log(
    [
      '',
      `  Upload page:  ${api}/   (API docs: ${api}/docs)`,
      `  Temporal UI:  ${config.temporal.uiUrl}`,
      `  Temporal:     ${config.temporal.address} (PostgreSQL ${process.env.POSTGRES_SEEDS ?? '127.0.0.1'}:${process.env.DB_PORT ?? 5432})`,
      `  Draws:        ${env.S3_BUCKET ? `bucket ${env.S3_BUCKET} on MinIO at ${env.S3_ENDPOINT}` : `bucket ${config.storage.bucket}`}`,
      `  Local state:  ${dataDir}`,
      '  Ctrl-C stops everything.',
      '',
      'selfhost: ready',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(`selfhost: ${error instanceof Error ? error.message : error}`);
  supervisor.exit(1);
});
