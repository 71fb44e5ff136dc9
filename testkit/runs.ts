import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createObjectStore } from '../storage/object-store';
import { keepSeed, uploadParticipants } from '../storage/run-data';
import type { Config } from '../lib/config';
import { secretSanta } from '../workflows';
import type { SecretSantaInput } from '../workflows/secret-santa';

export type RunRequest = Omit<SecretSantaInput, 'csvKey' | 'seedKey'> & { csv: string; seed?: number };

/** Starts a run as the API does: the file uploaded to the run's storage first, then the workflow with its key. */
export async function startRun(client: Client, config: Config, { csv, seed, ...options }: RunRequest, workflowId = `run-${randomUUID()}`) {
  const store = createObjectStore(config.storage);
  try {
    const csvKey = await uploadParticipants(store, workflowId, csv);
    const seedKey = seed === undefined ? undefined : await keepSeed(store, workflowId, seed);
    return await client.workflow.start(secretSanta, {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ ...options, csvKey, seedKey }],
    });
  } finally {
    store.close();
  }
}
