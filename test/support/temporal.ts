/** Test access to the suite's shared Temporal dev server (started in global-setup.ts). */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DefaultLogger, type Logger, NativeConnection, Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { type Config, loadConfig } from '../../lib/config';
import { connectClient } from '../../lib/temporal-client';
import { createWorker } from '../../worker/create-worker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npm test\` (jest's global setup sets it)`);
  return value;
}

let runtimeInstalled = false;
/** Once per test file (each has its own module registry): the SDK's own log, quiet unless a test listens. */
function installRuntime(logger: Logger = new DefaultLogger('WARN')): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger });
}

export interface TestTemporal {
  client: Client;
  connection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(sdkLogger?: Logger): Promise<TestTemporal> {
  installRuntime(sdkLogger);
  const address = required('TEMPORAL_ADDRESS');
  // The suite's environment carries the encryption key, so this client seals payloads as the workers do.
  const client = await connectClient(loadConfig());
  const connection = await NativeConnection.connect({ address });
  return {
    client,
    connection,
    async close() {
      await client.connection.close();
      await connection.close();
    },
  };
}

export const workflowBundle = (): WorkerOptions['workflowBundle'] => ({ codePath: required('SANTA_WORKFLOW_BUNDLE') });

/** A worker on its own task queue (so test files never steal each other's tasks), from the suite's one bundle. */
export function createTestWorker(temporal: TestTemporal, config: Config, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  return createWorker(config, temporal.connection, {
    workflowBundle: workflowBundle(),
    workflowsPath: undefined,
    bundlerOptions: undefined,
    ...overrides,
  });
}

export const uniqueTaskQueue = (prefix: string): string => `${prefix}-${randomUUID()}`;
