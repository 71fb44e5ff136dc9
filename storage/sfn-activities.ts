import type { ObjectStore } from './object-store';

/** A Step Functions activity, as CreateActivity made it. Dates in epoch ms. */
export interface ActivityRecord {
  name: string;
  creationDate: number;
  tags: Record<string, string>;
}

/** AWS's default quota: activities per account and region. */
export const MAX_ACTIVITIES = 10_000;

const INDEX_KEY = 'sfn/activities.json';

export class ActivityLimitError extends Error {}

/**
 * The Step Functions API's activities: one index object (the object store lists nothing). Only their names live
 * here: the tasks waiting for a worker are Temporal's (a task queue per activity, see api/sfn/activities.ts).
 * Changes go one at a time through this process, as the MachineRegistry's.
 */
export class ActivityRegistry {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: ObjectStore) {}

  async list(): Promise<ActivityRecord[]> {
    const body = await this.store.get(INDEX_KEY);
    return body === undefined ? [] : (JSON.parse(body) as { activities: ActivityRecord[] }).activities;
  }

  async get(name: string): Promise<ActivityRecord | undefined> {
    return (await this.list()).find((a) => a.name === name);
  }

  /** Runs `change` with nothing else changing the records; it answers the new list (or undefined: no change) and a result. */
  update<T>(change: (activities: ActivityRecord[]) => { activities?: ActivityRecord[]; result: T }): Promise<T> {
    const run = this.queue.then(async () => {
      const { activities, result } = change(await this.list());
      if (activities && activities.length > MAX_ACTIVITIES) throw new ActivityLimitError(`at most ${MAX_ACTIVITIES} activities`);
      if (activities) await this.store.put(INDEX_KEY, JSON.stringify({ activities }));
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
