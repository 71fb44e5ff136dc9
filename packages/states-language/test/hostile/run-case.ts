/** Runs one hostile case on the virtual host (the interpreter alone) and says what happened. */
import { ApplicationFailure } from '@temporalio/common';
import { rollDie } from '../../../activities/examples/dice';
import { fetchRecords, processBatch } from '../../../activities/examples/records';
import { checkDefinition } from '../../../lib/asl/checker';
import type { ActivityTools, TestActivity } from '../support/test-activities';
import { runPure } from '../support/run-pure';
import type { Outcome } from '../support/conformance';
import type { HostileCase } from './corpus';

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

export type CaseResult = { problems: string[] } | (Outcome & { elapsedMs: number });

export async function runCase(c: HostileCase): Promise<CaseResult> {
  const problems = checkDefinition(c.definition);
  if ('problems' in c.expect || problems.length > 0) return { problems: problems.map((p) => p.path) };
  const { host: _host, ...outcome } = await runPure(c.definition, c.input ?? {}, c.examples ? { activities: exampleActivities } : {});
  return outcome;
}
