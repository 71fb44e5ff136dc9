/**
 * Runs the whole stack in the foreground: Temporal dev server (with its Web UI), the worker, the States Language
 * worker and the API. All its local state is under SANTA_DATA_DIR (default `.data`): the dev server's database, the
 * keys made here, the draws and the outbox, so two stacks with different folders (and ports) share nothing.
 * A process that dies is started again, as an orchestrator would; Ctrl-C (SIGINT) or SIGTERM stops every process
 * started here, the API and workers before the server.
 */
import { join } from 'node:path';
import { loadConfig } from '../lib/config';
import { until } from '../testkit/until';
import { codecToken, dataDirEnv, dataDirOf, drawKey, encryptionKey } from './data-dir';
import { DevServer } from './dev-server';
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
  // The draw key goes to the worker alone.
  const workerEnv = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', SANTA_DRAW_KEY: drawKey(dataDir) };
  supervisor.start('worker', { command: tsx, args: ['worker/main.ts'], env: workerEnv });
  // The States Language worker, a process of its own with no draw key: a runaway definition never slows the draws.
  supervisor.start('state-machines', {
    command: tsx,
    args: ['worker/main.ts', 'state-machines'],
    env: { LOG_LEVEL: workerEnv.LOG_LEVEL, SANTA_DRAW_KEY: '' },
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
      `  Local state:  ${dataDir}`,
      '  Ctrl-C stops everything.',
      '',
      'start: ready',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  supervisor.exit(1);
});
