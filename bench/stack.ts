/** A private Temporal dev server, fake providers, storage and a worker for one bench suite. */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createStateMachineActivities } from '../activities';
import { type Config, loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { DevServer } from '../scripts/dev-server';
import { createWorker } from '../worker/create-worker';
import type { Progress } from './report';

/** The Temporal side of a bench stack: its dev server's address, a client and the worker's connection. */
export interface BenchTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
}

export interface BenchStack {
  env: BenchTemporal;
  config: Config;
  worker: Worker;
  close(): Promise<void>;
}

/** `extraActivities` join the product's (a floor's no-op, say); `workerOptions` override the worker's. */
export async function startBenchStack(
  name: string,
  progress: Progress,
  {
    extraActivities = {},
    ...workerOptions
  }: Partial<WorkerOptions> & { extraActivities?: Record<string, (...args: never[]) => Promise<unknown>> } = {},
): Promise<BenchStack> {
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run through `npm run bench`');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  progress('starting a Temporal dev server and the fake providers');
  const server = await DevServer.start({ cli: executable });
  const providers = await startProvidersProcess();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const config = loadConfig({
    ...providers.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    SANTA_DATA_DIR: dir,
    SANTA_OUTBOX_DIR: dir,
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
  });
  const env: BenchTemporal = {
    address: server.address,
    client: await connectClient(config),
    nativeConnection: await NativeConnection.connect({ address: server.address }),
  };
  const worker = await createWorker(config, env.nativeConnection, {
    activities: { ...createActivities(config), ...createStateMachineActivities(config), ...extraActivities },
    ...workerOptions,
  });
  return {
    env,
    config,
    worker,
    async close() {
      await providers.close();
      // A worker that never ran still holds the connection: the server goes regardless.
      await env.client.connection.close().catch(console.error);
      await env.nativeConnection.close().catch(console.error);
      await server.stop();
    },
  };
}

/** bench/fake-providers-main.ts in a child process: its environment, and a way to stop it. */
async function startProvidersProcess(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-providers-main.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    env: JSON.parse(line) as Record<string, string>,
    async close() {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}
