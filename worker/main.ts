import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createWorker } from './create-worker';

/** Runs until SIGINT/SIGTERM: the SDK then stops polling, lets running tasks finish, and `run()` returns. */
async function main(): Promise<void> {
  const config = loadConfig();
  // LOG_LEVEL=WARN hides the SDK's bundling report and state changes; npm start sets it unless told otherwise.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL?.toUpperCase() ?? 'INFO') as LogLevel) });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createWorker(config, connection);
    console.log(`worker: polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    await worker.run();
    console.log('worker: stopped');
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error('worker: failed:', error);
  process.exit(1);
});
