/** Test access to the suite's shared Temporal dev server (started in global-setup.ts). */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker, type WorkerOptions, DefaultLogger } from '@temporalio/worker';
import type { Config } from '../../lib/config';
import { createWorker } from '../../worker/create-worker';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npm test\` (jest's global setup sets it)`);
  return value;
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface TestTemporal {
  client: Client;
  connection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  quietRuntime();
  const address = required('TEMPORAL_ADDRESS');
  const clientConnection = await Connection.connect({ address });
  const connection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection: clientConnection, namespace: 'default' }),
    connection,
    async close() {
      await clientConnection.close();
      await connection.close();
    },
  };
}

export const workflowBundle = (): WorkerOptions['workflowBundle'] => ({ codePath: required('SANTA_WORKFLOW_BUNDLE') });

/** A worker on its own task queue (so test files never steal each other's tasks), from the suite's one bundle. */
export function createTestWorker(temporal: TestTemporal, config: Config, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  return createWorker(config, temporal.connection, { workflowBundle: workflowBundle(), workflowsPath: undefined, ...overrides });
}

export const uniqueTaskQueue = (prefix: string): string => `${prefix}-${randomUUID()}`;
