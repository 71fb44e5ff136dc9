/**
 * Hostile definitions aimed at this app's example activities (activities/examples/), beside the runtime's own
 * corpus (packages/states-language/test/hostile/corpus.ts), which knows no activities but its test ones.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { HostileCase } from '../../packages/states-language/test/hostile/corpus';
import type { ActivityTools, TestActivity } from '../../packages/states-language/test/support/test-activities';
import { rollDie } from '../../activities/examples/dice';
import { fetchRecords, processBatch } from '../../activities/examples/records';

/** The example activities that take no store or network, failing as the interpreter's hosts do (type and message). */
export const exampleActivities: Record<string, TestActivity> = Object.fromEntries(
  Object.entries({ rollDie, fetchRecords, processBatch } as Record<string, (input: never) => Promise<unknown>>).map(([name, fn]) => [
    name,
    async (input: unknown, tools: ActivityTools) => {
      try {
        return await fn(input as never);
      } catch (error) {
        if (error instanceof ApplicationFailure) return tools.fail(error.type ?? 'Error', error.message);
        throw error;
      }
    },
  ]),
);

export const EXAMPLE_HOSTILE_CASES: HostileCase[] = [
  {
    name: 'fetchRecords with a limit of a hundred million',
    why: 'the example activity allocated every record of the page and killed the worker with out-of-memory; pages are at most 1000 records',
    definition: {
      StartAt: 'Fetch',
      States: {
        Fetch: {
          Type: 'Task',
          Resource: 'fetchRecords',
          Parameters: { source: { name: 'huge', total: 1e9 }, cursor: 0, limit: 1e8 },
          End: true,
        },
      },
    },
    expect: { error: 'InvalidSource', causeContains: '1000' },
    temporal: true,
  },
];
