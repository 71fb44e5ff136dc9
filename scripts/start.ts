/**
 * Runs the whole stack in the foreground: Temporal dev server (with its Web UI, state under .data/),
 * the worker and the API. A worker that dies is restarted, as an orchestrator would;
 * Ctrl-C (SIGINT) or SIGTERM stops every process started here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { DEV_SERVER_ARGS } from '../lib/dev-server';

const root = join(__dirname, '..');
ensureEncryptionKey();
const config = loadConfig();
const temporalCli = process.env.TEMPORAL_CLI ?? 'temporal';
const [temporalHost, temporalPort = '7233'] = config.temporal.address.split(':');
const uiPort = Number(new URL(config.temporal.uiUrl).port || 8233);
const tsx = join(root, 'node_modules/.bin/tsx');
const children = new Set<ChildProcess>();
let stopping = false;
let temporalServer: ChildProcess | undefined;

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, onExit?: (code: number | null) => void): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const prefix = (line: string) => (line ? `${name.padEnd(8)}| ${line}\n` : '');
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk.toString().split('\n').map(prefix).join('')));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk.toString().split('\n').map(prefix).join('')));
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    console.error(`${name} exited (${signal ?? `code ${code}`})`);
    onExit ? onExit(code) : stop(1);
  });
  return child;
}

/** Payloads are sealed from the first run: without SANTA_ENCRYPTION_KEY, a key is made once and kept in .data/. */
function ensureEncryptionKey(): void {
  if (process.env.SANTA_ENCRYPTION_KEY) return;
  const file = join(root, '.data/encryption-key');
  if (!existsSync(file)) {
    mkdirSync(join(root, '.data'), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    console.log(`made an encryption key for payloads: ${file} (set SANTA_ENCRYPTION_KEY to use your own)`);
  }
  process.env.SANTA_ENCRYPTION_KEY = readFileSync(file, 'utf8').trim();
}

function startWorker(): void {
  run('worker', tsx, ['worker/main.ts'], { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN' }, () => {
    console.error('restarting the worker in 1s…');
    setTimeout(() => !stopping && startWorker(), 1000);
  });
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await fetch(url).then((res) => res.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForTemporal(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal did not answer at ${config.temporal.address} within 60s: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  // The worker and API first, so they finish talking to Temporal before it goes.
  for (const child of children) if (child !== temporalServer) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  force.unref();
  const check = setInterval(() => {
    if (children.size === 1 && temporalServer && children.has(temporalServer)) temporalServer.kill('SIGTERM');
    if (children.size === 0) {
      clearInterval(check);
      process.exit(code);
    }
  }, 50);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  console.log('starting the Temporal dev server…');
  temporalServer = run('temporal', temporalCli, [
    'server', 'start-dev',
    '--db-filename', join(root, '.data/temporal.db'),
    '--ip', temporalHost === 'localhost' ? '127.0.0.1' : temporalHost,
    '--port', temporalPort,
    '--ui-port', String(uiPort),
    // The UI decodes payloads through the API's codec endpoint, in the browser of whoever looks.
    '--ui-codec-endpoint', `http://${config.api.host}:${config.api.port}/codec`,
    ...(config.temporal.namespace === 'default' ? [] : ['--namespace', config.temporal.namespace]),
    '--log-level', 'error',
    ...DEV_SERVER_ARGS,
  ]);
  await waitForTemporal();
  startWorker();
  run('api', tsx, ['api/main.ts']);
  const api = `http://${config.api.host}:${config.api.port}`;
  await waitFor(`${api}/health`);
  console.log(
    [
      '',
      `  API:          ${api}   (POST ${api}/allocations with a participants CSV)`,
      `  Temporal UI:  ${config.temporal.uiUrl}`,
      `  Temporal:     ${config.temporal.address}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  stop(1);
});
