import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  assertValidDefinition,
  describeExecution,
  type ExecutionDescription,
  startStateMachine,
  stopExecution,
} from 'states-language-temporal/client';
import { STATE_MACHINE_TASKS } from '../activities/examples/names';
import { type TemporalConfig, workflowUiLink } from '../lib/config';
import type { StateMachineStore } from '../storage/state-machines';

export class UnknownStateMachineError extends Error {
  override readonly name = 'StateMachineDoesNotExist';
}

/**
 * Storing definitions and starting, reading and stopping their executions: the API's (and CLI's) use of the
 * runtime's client. A stored definition was written by whoever holds the API token: its Tasks bind only to the
 * activities registered for state machines, checked at PUT, at start and by the workflow itself.
 */
export class StateMachineRuns {
  constructor(
    private readonly client: Client,
    private readonly temporal: TemporalConfig,
    private readonly machines: StateMachineStore,
  ) {}

  uiLink(id: string): string {
    return workflowUiLink(this.temporal, id);
  }

  /** Checks, then stores, replacing any earlier version. */
  async put(name: string, definition: unknown): Promise<void> {
    assertValidDefinition(definition, { activities: STATE_MACHINE_TASKS });
    await this.machines.put(name, definition);
  }

  /** Starts an execution of a stored machine; the definition is passed in, so later PUTs never change a running one. */
  async start(name: string, input: unknown, executionName?: string): Promise<string> {
    const definition = await this.machines.get(name);
    if (!definition) throw new UnknownStateMachineError(`no state machine named ${name}`);
    const workflowId = executionName ?? `${name}-${randomUUID()}`;
    // The States Language worker's queue: its Tasks, Waits and children stay there, apart from the draws.
    await startStateMachine(this.client, {
      workflowId,
      taskQueue: this.temporal.aslTaskQueue,
      definition,
      input,
      name,
      activities: STATE_MACHINE_TASKS,
    });
    return workflowId;
  }

  /** Nothing more of it runs, and it reads as ABORTED. Undefined for an unknown id; false when it had already ended. */
  stop(id: string): Promise<boolean | undefined> {
    return stopExecution(this.client, id, 'stopped through DELETE /executions/:id');
  }

  /** Undefined for an unknown id or a workflow that is not a state machine execution. */
  get(id: string): Promise<ExecutionDescription | undefined> {
    return describeExecution(this.client, id);
  }
}
