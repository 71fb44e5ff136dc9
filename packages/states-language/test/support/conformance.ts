/** The conformance cases (test/asl/conformance/*.json) and how a run's outcome is compared with a case. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from '../../src/interpreter';

export interface ConformanceCase {
  name: string;
  definition: Definition;
  input?: unknown;
  /** Other state machines, by name, for startExecution. */
  machines?: Record<string, Definition>;
  output?: unknown;
  error?: string | null;
  cause?: string | null;
  causeContains?: string;
  /** Problems the checker must find (then the case is not run). */
  problems?: { path: string; message?: string }[];
  /** Depends on the virtual clock, seeded randomness or the execution's name: pure runner only. */
  pureOnly?: boolean;
  file: string;
}

export type Outcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED'; error?: string; cause?: string }
  // Past Temporal's execution timeout: never in the suite, whose executions are started without one.
  | { status: 'TIMED_OUT' };

const dir = join(__dirname, '../conformance');

export function loadCases(): ConformanceCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Omit<ConformanceCase, 'file'>[] };
      return doc.cases.map((c) => ({ ...c, file }));
    });
}

/** What the case expects, in the shape of an Outcome (cause as a matcher when only a part is given). */
export function expectedOutcome(c: ConformanceCase): unknown {
  if (c.error !== undefined || c.cause !== undefined || c.causeContains !== undefined) {
    const out: Record<string, unknown> = { status: 'FAILED' };
    if (c.error !== null && c.error !== undefined) out.error = c.error;
    if (c.causeContains !== undefined) out.cause = expect.stringContaining(c.causeContains);
    else if (c.cause !== null && c.cause !== undefined) out.cause = c.cause;
    return out;
  }
  return { status: 'SUCCEEDED', output: c.output ?? null };
}

/** Outcome without cause when the case does not pin it. */
export function comparable(outcome: Outcome, c: ConformanceCase): Outcome {
  if (outcome.status === 'FAILED' && c.cause === undefined && c.causeContains === undefined) {
    const { cause: _cause, ...rest } = outcome;
    return rest;
  }
  return outcome;
}
