/** Runs a definition on the virtual host: the interpreter alone, no Temporal. */
import { StatesError } from '../../src/errors';
import { executionContext } from '../../src/executions';
import { type Definition, runExecution } from '../../src/interpreter';
import type { Outcome } from './conformance';
import { resetTestActivities } from './test-activities';
import { VirtualHost, type VirtualHostOptions } from './virtual-host';

export async function runPure(
  definition: Definition,
  input: unknown,
  options: VirtualHostOptions = {},
): Promise<Outcome & { elapsedMs: number; host: VirtualHost }> {
  resetTestActivities();
  const host = new VirtualHost(options);
  const started = host.now();
  const context = executionContext('conformance', 'conformance', input, started);
  try {
    const output = await runExecution(definition, input, { host, context });
    return { status: 'SUCCEEDED', output: output ?? null, elapsedMs: host.now() - started, host };
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    const failed: Outcome = { status: 'FAILED' };
    if (error.error !== undefined) failed.error = error.error;
    if (error.cause !== undefined) failed.cause = error.cause;
    return { ...failed, elapsedMs: host.now() - started, host };
  }
}
