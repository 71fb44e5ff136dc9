import { randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { StateMachineStore } from '../activities/asl-state-machines';
import { STATE_MACHINE_ACTIVITIES } from '../activities/examples/names';
import { type CheckOptions, checkDefinition, type Problem } from '../lib/asl/checker';
import type { Definition } from '../lib/asl/interpreter';
import { type TemporalConfig, workflowUiLink } from '../lib/config';
import { stateMachine } from '../workflows';

/** How an execution ended, in the shape `santa asl run` prints and the API answers. */
export type ExecutionOutcome = { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error?: string; cause?: string };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A definition the checker refused: every problem, with its JSON path. */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';
  constructor(readonly problems: Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the definition: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
}

export class UnknownStateMachineError extends Error {
  override readonly name = 'StateMachineDoesNotExist';
}

/** Throws InvalidDefinitionError unless the definition can run. */
export function assertValidDefinition(definition: unknown, options: CheckOptions = {}): asserts definition is Definition {
  const problems = checkDefinition(definition, options);
  if (problems.length > 0) throw new InvalidDefinitionError(problems);
}

/** Waits for the end of a `stateMachine` workflow and reads it as Step Functions reports an execution. */
export async function executionOutcome(result: Promise<unknown>): Promise<ExecutionOutcome> {
  try {
    return { status: 'SUCCEEDED', output: (await result) ?? null };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const failure = error.cause;
    if (failure instanceof ApplicationFailure && Array.isArray(failure.details) && failure.details.length > 0) {
      const { Error: err, Cause: cause } = failure.details[0] as { Error?: string; Cause?: string };
      return { status: 'FAILED', ...(err !== undefined ? { error: err } : {}), ...(cause !== undefined ? { cause } : {}) };
    }
    // Not failed by the interpreter: terminated, timed out, cancelled.
    return { status: 'FAILED', error: failure?.name ?? 'States.Runtime', cause: failure?.message ?? error.message };
  }
}

/** Storing definitions and starting and reading their executions: the API's (and CLI's) bridge to Temporal. */
export class StateMachineRuns {
  constructor(
    private readonly client: Client,
    private readonly temporal: TemporalConfig,
    private readonly machines: StateMachineStore,
  ) {}

  uiLink(id: string): string {
    return workflowUiLink(this.temporal, id);
  }

  /** Checks (its Tasks bind only to the activities registered for state machines), then stores, replacing any earlier version. */
  async put(name: string, definition: unknown): Promise<void> {
    assertValidDefinition(definition, { activities: STATE_MACHINE_ACTIVITIES });
    await this.machines.put(name, definition);
  }

  /**
   * Starts an execution of a stored machine; the definition is passed in, so later PUTs never change a running
   * execution. `stored`: the workflow checks it again against the activities registered for state machines.
   */
  async start(name: string, input: unknown, executionName?: string): Promise<string> {
    const definition = await this.machines.get(name);
    if (!definition) throw new UnknownStateMachineError(`no state machine named ${name}`);
    const id = executionName ?? `${name}-${randomUUID()}`;
    await this.client.workflow.start(stateMachine, {
      workflowId: id,
      // The States Language worker's queue: its Tasks, Waits and children stay there, apart from the draws.
      taskQueue: this.temporal.aslTaskQueue,
      args: [{ definition, input, name, stored: true }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return id;
  }

  /**
   * Stops an execution, as Step Functions' StopExecution does: nothing more of it runs (its child executions end with
   * it), and it reads as ABORTED. Undefined for an unknown id; false when it had already ended.
   */
  async stop(id: string): Promise<boolean | undefined> {
    const found = await this.execution(id);
    if (!found) return undefined;
    if (found.description.status.name !== 'RUNNING') return false;
    await found.handle.terminate('stopped through DELETE /executions/:id');
    return true;
  }

  /** The execution's handle and description; undefined for an unknown id or a workflow that is not a state machine. */
  private async execution(id: string) {
    const handle = this.client.workflow.getHandle(id);
    try {
      const description = await handle.describe();
      return description.type === 'stateMachine' ? { handle, description } : undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** Undefined for an unknown id or a workflow that is not a state machine execution. */
  async get(id: string): Promise<({ id: string; status: ExecutionStatus } & Partial<Omit<ExecutionOutcome, 'status'>>) | undefined> {
    const found = await this.execution(id);
    if (!found) return undefined;
    const { handle, description } = found;
    switch (description.status.name) {
      case 'RUNNING':
      case 'CONTINUED_AS_NEW':
        return { id, status: 'RUNNING' };
      case 'COMPLETED':
      case 'FAILED': {
        const { status, ...rest } = await executionOutcome(handle.result());
        return { id, status, ...rest };
      }
      case 'TIMED_OUT':
        return { id, status: 'TIMED_OUT' };
      default:
        return { id, status: 'ABORTED' };
    }
  }
}
