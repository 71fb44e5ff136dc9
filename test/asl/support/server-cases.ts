/**
 * The conformance cases a real server runs (test/asl/workflow-conformance.test.ts through the workflow,
 * test/sfn/conformance-sdk.test.ts through the Step Functions API): every case that does not depend on the virtual
 * clock, seeded randomness or the execution's name, and that takes at most 3 s of (virtual) time on the pure
 * interpreter, so that the suites stay quick.
 */
import { type ConformanceCase, loadCases } from '../../../packages/states-language/test/support/conformance';
import { runPure } from '../../../packages/states-language/test/support/run-pure';

export const MAX_VIRTUAL_MS = 3000;

export async function serverCases(): Promise<ConformanceCase[]> {
  const picked: ConformanceCase[] = [];
  for (const c of loadCases().filter((c) => !c.problems && !c.pureOnly)) {
    const pure = await runPure(c.definition, c.input ?? {}, { machines: c.machines });
    if (pure.elapsedMs <= MAX_VIRTUAL_MS) picked.push(c);
  }
  return picked;
}

/** Whether a definition has a Task anywhere (in Parallel branches and Map processors too). */
export function hasTask(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTask);
  if (!value || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return record.Type === 'Task' || Object.values(record).some(hasTask);
}
