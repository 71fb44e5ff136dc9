/** A private Temporal dev server, fake providers, storage and a worker for one bench suite. */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createStateMachineActivities } from '../activities';
import { type Config, loadConfig } from '../lib/config';
import { DEV_SERVER_ARGS } from '../lib/dev-server';
import { createWorker } from '../worker/create-worker';
import type { Progress } from './report';

export interface BenchStack {
  env: TestWorkflowEnvironment;
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
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: executable }, ui: false, extraArgs: DEV_SERVER_ARGS },
  });
  const providers = await startProvidersProcess();
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const config = loadConfig({
    ...providers.env,
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    SANTA_DATA_DIR: dir,
    SANTA_OUTBOX_DIR: dir,
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
  });
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
      await env.teardown();
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
