/**
 * Re-records the workflow histories that the replay test checks (test/histories/*.json).
 * Run after an intended change of the workflow: `npm run record-histories` (`-- --out DIR` writes them elsewhere).
 * Starts its own Temporal dev server, fake providers and worker; the runs are fixed by their seeds, and started
 * the API's way (testkit's startRun), so the histories begin with the input the API gives.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { DrawSeal } from '../lib/codec/draw-seal';
import { loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { createObjectStore } from '../storage/object-store';
import { RunData } from '../storage/run-data';
import { createWorker } from '../worker/create-worker';
import { startFakeProviders } from '../testkit/providers';
import { type RunRequest, startRun } from '../testkit/runs';
import { selfDrawingAllocate } from '../testkit/self-drawing-allocate';
import { DevServer } from './dev-server';

const { values: flags } = parseArgs({ options: { out: { type: 'string' } } });
const historiesDir = flags.out ? resolve(flags.out) : join(__dirname, '../test/histories');
const csv = [
  'Alice,alice@example.com,+447700900001,Bob',
  'Bob,bob@example.com,,',
  'Carol,,+447700900003,Alice',
  'Dave,dave@example.com,+447700900004,',
].join('\n');

async function main(): Promise<void> {
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run `npm run record-histories`');
  const server = await DevServer.start({ cli: executable });
  const providers = await startFakeProviders();
  const dir = mkdtempSync(join(tmpdir(), 'santa-record-'));
  const config = loadConfig({
    ...providers.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'record-histories',
    SANTA_DATA_DIR: dir,
    SANTA_OUTBOX_DIR: dir,
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
  });
  const activities = createActivities(config);
  const client = await connectClient(config);
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    const save = async (workflowId: string) => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(join(historiesDir, `${workflowId}.json`), historyToJSON(history) + '\n');
      console.log(`recorded ${workflowId}`);
    };
    const record = async (name: string, request: RunRequest, overrides: Partial<typeof activities> = {}) => {
      const worker = await createWorker(config, connection, { activities: { ...activities, ...overrides } });
      const handle = await startRun(client, config, request, name);
      await worker.runUntil(handle.result().catch(() => undefined));
      await save(name);
    };

    await record('completed', { csv, seed: 1, maxConcurrency: 2 });

    providers.mailgun.failNext(1, 500);
    providers.mailgun.failAlwaysFor('bob@example.com', 400);
    await record('retry-and-delivery-failure', { csv, seed: 2 });

    await record(
      'redraws-exhausted',
      { csv, seed: 3 },
      { allocate: selfDrawingAllocate(new RunData(createObjectStore(config.storage), new DrawSeal(config.drawKeys!))) },
    );

    // A file the API would refuse, so that the history shows the workflow's own check failing it.
    await record('invalid-file', { csv: 'Alice,,,\nAlice,alice@example.com,,', unchecked: true });

    // Batches of 2: the notification Maps fan out into child workflows; one child's history is kept too.
    await record('batched', { csv, seed: 4, batchSize: 2, maxConcurrency: 2 });
    await save('batched-email-0');
  } finally {
    await providers.close();
    await client.connection.close();
    await connection.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
