/**
 * Runs the whole stack in the foreground: Temporal dev server (with its Web UI), the worker, the States Language
 * worker, the stand-ins its service integrations call (dynalite, fauxqs) and the API. All its local state is under
 * SANTA_DATA_DIR (default `.data`): the dev server's database, the keys made here, the draws, the outbox and
 * dynalite's tables, so two stacks with different folders (and ports) share nothing.
 * A process that dies is started again, as an orchestrator would; Ctrl-C (SIGINT) or SIGTERM stops every process
 * started here, the API and workers before the server.
 */
import { join } from 'node:path';
import { loadConfig } from '../lib/config';
import { until } from '../testkit/until';
import { codecToken, dataDirEnv, dataDirOf, drawKey, encryptionKey } from './data-dir';
import { DevServer } from './dev-server';
import { startStandIns } from './stand-ins';
import { Supervisor } from './supervisor';

const root = join(__dirname, '..');
const dataDir = dataDirOf();
// The worker and the API (and loadConfig here) read their folders from these, under the data folder.
Object.assign(process.env, dataDirEnv(dataDir));
process.env.SANTA_ENCRYPTION_KEY = encryptionKey(dataDir);
// The operator's token for /codec (the API reads it from here too); the organiser's API_TOKEN does not open /codec.
const codecTokenFrom = process.env.CODEC_TOKEN ? '' : `, kept in ${join(dataDir, 'codec-token')}`;
process.env.CODEC_TOKEN = codecToken(dataDir);
const config = loadConfig();
const tsx = join(root, 'node_modules/.bin/tsx');
const supervisor = new Supervisor(root);

async function main(): Promise<void> {
  supervisor.exitOnSignals();
  console.log(`starting the Temporal dev server (state in ${join(dataDir, 'temporal.db')})…`);
  await DevServer.start({
    supervisor,
    address: config.temporal.address,
    dbFile: join(dataDir, 'temporal.db'),
    namespaces: [config.temporal.namespace],
    // The UI decodes payloads through the API's codec endpoint, in the browser of whoever looks. That browser
    // sends no header of ours (only an OIDC token, which the dev server's UI has not), so the token is in the path.
    ui: {
      port: Number(new URL(config.temporal.uiUrl).port || 8233),
      codecEndpoint: `http://${config.api.host}:${config.api.port}/codec/t/${config.api.codecToken}`,
    },
  });
  const integrations = await integrationEnv();
  // The draw key goes to the worker alone.
  const workerEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', SANTA_DRAW_KEY: drawKey(dataDir) };
  supervisor.start('worker', { command: tsx, args: ['worker/main.ts'], env: workerEnv });
  // The States Language worker, a process of its own with no draw key: a runaway definition never slows the draws.
  supervisor.start('state-machines', {
    command: tsx,
    args: ['worker/main.ts', 'state-machines'],
    env: { LOG_LEVEL: workerEnv.LOG_LEVEL, SANTA_DRAW_KEY: '', ...integrations.env },
  });
  supervisor.start('api', { command: tsx, args: ['api/main.ts'] });
  const api = `http://${config.api.host}:${config.api.port}`;
  await until(`the API at ${api}`, async () => ((await fetch(`${api}/health`)).ok ? true : undefined), 60_000, 250);
  console.log(
    [
      '',
      `  API:          ${api}   (POST ${api}/allocations with a participants CSV; the upload page at ${api}/)`,
      `  Temporal UI:  ${config.temporal.uiUrl}   (decoding through ${api}/codec with the operator's CODEC_TOKEN${codecTokenFrom})`,
      `  Temporal:     ${config.temporal.address}`,
      ...integrations.lines,
      `  Local state:  ${dataDir}`,
      '  Ctrl-C stops everything.',
      '',
      'start: ready',
    ].join('\n'),
  );
}

/**
 * Where the state machines' service integrations go: the operator's AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>,
 * else the stand-ins started here (dynalite's tables under the data folder; fauxqs keeps its queues in memory), with
 * local credentials and a region when none are set, so the examples run on a fresh clone. S3 Tasks go to the
 * app's own bucket endpoint (S3_ENDPOINT) when there is one.
 */
async function integrationEnv(): Promise<{ env: NodeJS.ProcessEnv; lines: string[] }> {
  const env: NodeJS.ProcessEnv = {};
  const given = (service: string) => Boolean(process.env[`AWS_ENDPOINT_URL_${service}`] || process.env.AWS_ENDPOINT_URL);
  if (!given('S3') && config.storage.endpoint) env.AWS_ENDPOINT_URL_S3 = config.storage.endpoint;
  if (['DYNAMODB', 'SNS', 'SQS'].every(given)) return { env, lines: [] };
  console.log(`starting dynalite (DynamoDB, tables in ${join(dataDir, 'dynamodb')}) and fauxqs (SNS and SQS)…`);
  const endpoints = await startStandIns(supervisor, {
    dynamoPort: port('SANTA_DYNALITE_PORT', 4567),
    messagingPort: port('SANTA_FAUXQS_PORT', 4566),
    dynamoDir: join(dataDir, 'dynamodb'),
    restart: true,
  });
  for (const [name, url] of Object.entries(endpoints)) if (!given(name.replace('AWS_ENDPOINT_URL_', ''))) env[name] = url;
  // The stand-ins take any credentials; the SDK still wants some, and a region.
  if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE)
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  if (!process.env.AWS_REGION) env.AWS_REGION = config.storage.region;
  return {
    env,
    lines: [
      `  DynamoDB:     ${endpoints.AWS_ENDPOINT_URL_DYNAMODB}   SNS, SQS: ${endpoints.AWS_ENDPOINT_URL_SQS}   (for state machines' Tasks)`,
    ],
  };
}

function port(name: string, fallback: number): number {
  const value = process.env[name]?.trim() || String(fallback);
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new Error(`${name} must be a port number, not "${value}"`);
  return Number(value);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  supervisor.exit(1);
});
