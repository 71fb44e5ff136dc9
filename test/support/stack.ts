/** What most tests run against: the suite's Temporal server, fake providers, a worker on its own queue, and the API. */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Logger, Worker, WorkerOptions } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import type { Config } from '../../lib/config';
import { testConfig } from './config';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { createStateMachineWorker } from '../../worker/create-worker';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue, workflowBundle } from './temporal';

export interface TestStack {
  temporal: TestTemporal;
  providers: FakeProviders;
  config: Config;
  worker: Worker;
  app: FastifyInstance;
  /** Shuts the States Language worker down and waits until it has stopped (its executions wait in Temporal). */
  stopStateMachines(): Promise<void>;
  /** Starts a new States Language worker on the same queue (after stopStateMachines). */
  startStateMachines(): Promise<void>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Environment overrides on top of the suite's and the fake providers'. */
  env?: Record<string, string | undefined>;
  workerOptions?: Partial<WorkerOptions>;
  /** The API's pino options; silent unless given. */
  apiLogger?: FastifyServerOptions['logger'];
  /** The SDK's logger for this test file. */
  sdkLogger?: Logger;
}

export async function startTestStack(
  name: string,
  { env = {}, workerOptions, apiLogger = false, sdkLogger }: TestStackOptions = {},
): Promise<TestStack> {
  const temporal = await connectTestTemporal(sdkLogger);
  const providers = await startFakeProviders();
  const config = testConfig({
    ...providers.env,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue(name),
    TEMPORAL_ASL_TASK_QUEUE: uniqueTaskQueue(`${name}-asl`),
    ...env,
  });
  const worker = await createTestWorker(temporal, config, workerOptions);
  // The States Language worker, on its own queue with its own activities, as in production.
  const startStateMachineWorker = () =>
    createStateMachineWorker(config, temporal.connection, {
      workflowBundle: workflowBundle(),
      workflowsPath: undefined,
      bundlerOptions: undefined,
    });
  let stateMachines: Worker | undefined = await startStateMachineWorker();
  let stateMachinesRunning = stateMachines.run();
  const running = worker.run();
  const app = await buildApp({ config, client: temporal.client, logger: apiLogger });
  return {
    temporal,
    providers,
    config,
    worker,
    app,
    async stopStateMachines() {
      stateMachines?.shutdown();
      stateMachines = undefined;
      await stateMachinesRunning;
    },
    async startStateMachines() {
      if (stateMachines) throw new Error('the States Language worker already runs');
      stateMachines = await startStateMachineWorker();
      stateMachinesRunning = stateMachines.run();
    },
    async close() {
      await app.close();
      // A test may have stopped the worker and put another in its place (stack.worker): stop whichever still runs.
      for (const each of new Set([worker, (this as TestStack).worker, stateMachines])) if (each?.getState() === 'RUNNING') each.shutdown();
      await Promise.all([running, stateMachinesRunning]);
      await providers.close();
      await temporal.close();
    },
  };
}
