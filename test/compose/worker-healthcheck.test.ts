/** The worker image's HEALTHCHECK (worker/healthcheck.ts), run as the container runs it, against the suite's Temporal. */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { testConfig } from '../support/config';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';
import { until } from '../../testkit/until';

const root = join(__dirname, '../..');
const taskQueue = uniqueTaskQueue('healthcheck');
let temporal: TestTemporal;
let worker: Worker;
let running: Promise<void>;

/** Exit code of `node --import tsx worker/healthcheck.ts`, the image's command, with this task queue. */
function healthcheck(queue: string): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/healthcheck.ts'], {
    cwd: root,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: queue },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  worker = await createTestWorker(temporal, testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }));
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await temporal?.close();
});

it('passes while a worker of this host polls the task queue', async () => {
  // The first poll registers the poller; the check may run before it.
  await until('the health check to pass', async () => ((await healthcheck(taskQueue)) === 0 ? true : undefined), 30_000, 500);
  expect(worker.options.identity).toMatch(new RegExp(`@${hostname()}$`));
}, 40_000);

it('fails when no worker polls the task queue', async () => {
  expect(await healthcheck(uniqueTaskQueue('nobody'))).toBe(1);
}, 20_000);
