/** Runs one hostile case on the virtual host (the interpreter alone) and says what happened. */
import { checkDefinition } from '../../src/checker';
import type { TestActivity } from '../support/test-activities';
import { runPure } from '../support/run-pure';
import type { Outcome } from '../support/conformance';
import type { HostileCase } from './corpus';

export type CaseResult = { problems: string[] } | (Outcome & { elapsedMs: number });

/** `activities`: what the case's Tasks bind to (the conformance suite's test activities when left out). */
export async function runCase(c: HostileCase, activities?: Record<string, TestActivity>): Promise<CaseResult> {
  const problems = checkDefinition(c.definition);
  if ('problems' in c.expect || problems.length > 0) return { problems: problems.map((p) => p.path) };
  const { host: _host, ...outcome } = await runPure(c.definition, c.input ?? {}, activities ? { activities } : {});
  return outcome;
}
