import type { ObjectStore } from '../../storage/object-store';
import { rollDie } from './dice';
import { createOnboardingActivities } from './onboarding';
import type { StateMachineActivity } from './names';
import { createSaveResults, fetchRecords, processBatch } from './records';

export { STATE_MACHINE_ACTIVITIES, type StateMachineActivity } from './names';

/** Where the onboarding example reaches its team API and database, from the environment. */
export function exampleOptionsFromEnv(env: Record<string, string | undefined> = process.env) {
  return {
    teamApiUrl: env.TEAM_API_URL?.trim() || undefined,
    databaseUrl: env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test',
  };
}

/**
 * The activities the example state machines (examples/state-machines/) bind their Tasks to: the ones registered
 * for state machines, exactly STATE_MACHINE_ACTIVITIES (./names.ts; test/unit/asl-allowlist.test.ts checks both ways).
 */
export function createExampleActivities(store: ObjectStore, options = exampleOptionsFromEnv()) {
  return {
    rollDie,
    fetchRecords,
    processBatch,
    saveResults: createSaveResults(store),
    ...createOnboardingActivities(options),
  } satisfies Record<StateMachineActivity, (input: never) => Promise<unknown>>;
}
