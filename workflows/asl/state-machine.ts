import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { checkDefinition } from '../../lib/asl/checker';
import { StatesError, StatesErrors } from '../../lib/asl/errors';
import { executionContext } from '../../lib/asl/executions';
import { type Definition, runExecution } from '../../lib/asl/interpreter';
import { type ExecutionFailureDetails, WorkflowHost } from './host';

export interface StateMachineInput {
  definition: Definition;
  input?: unknown;
  /** The stored machine's name, for `$$.StateMachine` and child executions' ARNs. */
  name?: string;
}

/** Name of the machine when the definition was given inline, not stored. */
export const INLINE_MACHINE = 'inline';

/**
 * Runs a States Language definition: the execution's output is the workflow's result; a failed execution fails
 * the workflow with an ApplicationFailure whose type is the Error, message the Cause, and details [{Error, Cause}].
 */
export async function stateMachine({ definition, input = {}, name = INLINE_MACHINE }: StateMachineInput): Promise<unknown> {
  const problems = checkDefinition(definition);
  if (problems.length > 0) {
    throw failure({ Error: StatesErrors.Runtime, Cause: `invalid definition: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` });
  }
  const info = workflowInfo();
  const host = new WorkflowHost(info.workflowType);
  try {
    return await runExecution(definition, input, { host, context: executionContext(name, info.workflowId, input, info.startTime.getTime()) });
  } catch (error) {
    if (error instanceof StatesError) throw failure(error.output);
    throw error;
  }
}

function failure(details: ExecutionFailureDetails): ApplicationFailure {
  return ApplicationFailure.create({ type: details.Error, message: details.Cause ?? '', nonRetryable: true, details: [details] });
}
