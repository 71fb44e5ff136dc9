/**
 * The States Language worker of the asl bench, in a process of its own as in production (`worker/main.ts
 * state-machines`): createStateMachineWorker on TEMPORAL_ASL_TASK_QUEUE with the activities registered for
 * state machines, configured from the environment. One difference: its workflow bundle is bench/asl-workflows.ts,
 * the product's workflows plus the loop's hand-written floor. Prints `ready` once it polls, then `cpu <µs>` (the
 * process's CPU time, every thread) twice a second; stops when its standard input closes (its parent went away)
 * or on SIGTERM.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { createStateMachineWorker } from '../worker/create-worker';
import { yieldCpuToThePipeline } from '../worker/priority';

async function main(): Promise<void> {
  const config = loadConfig();
  yieldCpuToThePipeline(); // as worker/main.ts state-machines does
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createStateMachineWorker(config, connection, { workflowsPath: require.resolve('./asl-workflows') });
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.stdin.on('close', stop).resume();
  process.once('SIGTERM', stop);
  const running = worker.run();
  process.stdout.write('ready\n');
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${user + system}\n`);
  };
  setInterval(cpu, 500).unref();
  await running;
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench asl worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
