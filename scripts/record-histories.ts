/**
 * Re-records the workflow histories that the replay test checks (test/histories/*.json).
 * Run after an intended change of the workflow: `npm run record-histories`.
 * Starts its own Temporal dev server, fake providers and worker; the runs are fixed by their seeds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { loadConfig } from '../lib/config';
import type { Participant } from '../lib/types';
import { createWorker } from '../worker/create-worker';
import { secretSanta } from '../workflows';
import type { SecretSantaInput } from '../workflows/secret-santa';
import { startFakeProviders } from '../test/support/providers';

const historiesDir = join(__dirname, '../test/histories');
const csv = [
  'Alice,alice@example.com,+447700900001,Bob',
  'Bob,bob@example.com,,',
  'Carol,,+447700900003,Alice',
  'Dave,dave@example.com,+447700900004,',
].join('\n');

async function main(): Promise<void> {
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run `npm run record-histories`');
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: executable }, ui: false } });
  const providers = await startFakeProviders();
  const dir = mkdtempSync(join(tmpdir(), 'santa-record-'));
  const config = loadConfig({ ...providers.env, TEMPORAL_TASK_QUEUE: 'record-histories', SANTA_DATA_DIR: dir, SANTA_OUTBOX_DIR: dir });
  const activities = createActivities(config);
  try {
    const record = async (name: string, input: SecretSantaInput, overrides: Partial<typeof activities> = {}) => {
      const worker = await createWorker(config, env.nativeConnection, { activities: { ...activities, ...overrides } });
      const handle = await env.client.workflow.start(secretSanta, { workflowId: `history-${name}`, taskQueue: config.temporal.taskQueue, args: [input] });
      await worker.runUntil(handle.result().catch(() => undefined));
      writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(await handle.fetchHistory()) + '\n');
      console.log(`recorded ${name}`);
    };

    await record('completed', { csv, seed: 1, maxConcurrency: 2 });

    providers.mailgun.failNext(1, 500);
    providers.mailgun.failAlwaysFor('bob@example.com', 400);
    await record('retry-and-delivery-failure', { csv, seed: 2 });

    await record('redraws-exhausted', { csv, seed: 3 }, {
      // Everyone draws themselves, so every draw fails its check.
      allocate: async ({ participants, seed }: { participants: Participant[]; seed: number }) => ({
        seed,
        pairs: participants.map((p) => ({ giver: p.name, recipient: p.name })),
      }),
    });

    await record('invalid-file', { csv: 'Alice,,,\nAlice,alice@example.com,,' });
  } finally {
    await providers.close();
    await env.teardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
