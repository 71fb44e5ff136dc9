/**
 * Runs the whole stack in the foreground: Temporal dev server (with its Web UI, state under .data/),
 * the worker and the API. A process that dies is started again, as an orchestrator would;
 * Ctrl-C (SIGINT) or SIGTERM stops every process started here, the API and worker before the server.
 */
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { DEV_SERVER_ARGS } from '../lib/dev-server';
import { codecToken, drawKey, encryptionKey, Supervisor, waitUntil } from './supervisor';

const root = join(__dirname, '..');
process.env.SANTA_ENCRYPTION_KEY = encryptionKey(join(root, '.data'));
// The operator's token for /codec (the API reads it from here too); the organiser's API_TOKEN does not open /codec.
const codecTokenFrom = process.env.CODEC_TOKEN ? '' : ', kept in .data/codec-token';
process.env.CODEC_TOKEN = codecToken(join(root, '.data'));
const config = loadConfig();
const temporalCli = process.env.TEMPORAL_CLI ?? 'temporal';
const [temporalHost, temporalPort = '7233'] = config.temporal.address.split(':');
const uiPort = Number(new URL(config.temporal.uiUrl).port || 8233);
const tsx = join(root, 'node_modules/.bin/tsx');
const supervisor = new Supervisor(root);

async function temporalAnswers(): Promise<boolean> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  supervisor.exitOnSignals();
  console.log('starting the Temporal dev server…');
  supervisor.start('temporal', {
    command: temporalCli,
    args: [
      'server',
      'start-dev',
      '--db-filename',
      join(root, '.data/temporal.db'),
      '--ip',
      temporalHost === 'localhost' ? '127.0.0.1' : temporalHost,
      '--port',
      temporalPort,
      '--ui-port',
      String(uiPort),
      // The UI decodes payloads through the API's codec endpoint, in the browser of whoever looks. That browser
      // sends no header of ours (only an OIDC token, which the dev server's UI has not), so the token is in the path.
      '--ui-codec-endpoint',
      `http://${config.api.host}:${config.api.port}/codec/t/${config.api.codecToken}`,
      ...(config.temporal.namespace === 'default' ? [] : ['--namespace', config.temporal.namespace]),
      '--log-level',
      'error',
      ...DEV_SERVER_ARGS,
    ],
  });
  await waitUntil(`Temporal at ${config.temporal.address}`, temporalAnswers, 60_000);
  // The draw key goes to the worker alone.
  const workerEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', SANTA_DRAW_KEY: drawKey(join(root, '.data')) };
  supervisor.start('worker', { command: tsx, args: ['worker/main.ts'], env: workerEnv });
  // The States Language worker, a process of its own with no draw key: a runaway definition never slows the draws.
  supervisor.start('state-machines', {
    command: tsx,
    args: ['worker/main.ts', 'state-machines'],
    env: { LOG_LEVEL: workerEnv.LOG_LEVEL, SANTA_DRAW_KEY: '' },
  });
  supervisor.start('api', { command: tsx, args: ['api/main.ts'] });
  const api = `http://${config.api.host}:${config.api.port}`;
  await waitUntil(`the API at ${api}`, async () => (await fetch(`${api}/health`)).ok, 60_000);
  console.log(
    [
      '',
      `  API:          ${api}   (POST ${api}/allocations with a participants CSV; the upload page at ${api}/)`,
      `  Temporal UI:  ${config.temporal.uiUrl}   (decoding through ${api}/codec with the operator's CODEC_TOKEN${codecTokenFrom})`,
      `  Temporal:     ${config.temporal.address}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  supervisor.exit(1);
});
