import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createStateMachineWorker, createWorker } from './create-worker';
import { yieldCpuToThePipeline } from './priority';

/** Runs until SIGINT/SIGTERM: the SDK then stops polling, lets running tasks finish, and `run()` returns. */
async function main(): Promise<void> {
  const config = loadConfig();
  // LOG_LEVEL=WARN hides the SDK's bundling report and state changes; npm start sets it unless told otherwise.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL?.toUpperCase() ?? 'INFO') as LogLevel) });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    // `worker/main.ts state-machines`: the States Language worker, a process of its own.
    const stateMachines = process.argv[2] === 'state-machines';
    if (stateMachines) yieldCpuToThePipeline();
    const worker = await (stateMachines ? createStateMachineWorker : createWorker)(config, connection);
    const queue = stateMachines ? config.temporal.aslTaskQueue : config.temporal.taskQueue;
    console.log(`worker: polling task queue "${queue}" on ${config.temporal.address}`);
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
