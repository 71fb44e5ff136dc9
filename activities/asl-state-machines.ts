import { ApplicationFailure } from '@temporalio/common';
import { checkDefinition } from '../lib/asl/checker';
import { StatesErrors } from '../lib/asl/errors';
import type { Definition } from '../lib/asl/interpreter';
import { STATE_MACHINE_ACTIVITIES } from './examples/names';
import type { ObjectStore } from '../storage/object-store';
import { pathSegment } from '../storage/keys';

/** State machine names as Step Functions takes them: 1 to 80 letters, digits, '-' and '_'. */
export const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export const stateMachineKey = (name: string) => `state-machines/${pathSegment(name)}.json`;

/** Stored definitions, in the same bucket or folder as the draws. */
export class StateMachineStore {
  constructor(private readonly store: ObjectStore) {}

  async put(name: string, definition: Definition): Promise<void> {
    await this.store.put(stateMachineKey(name), JSON.stringify(definition, null, 2) + '\n');
  }

  async get(name: string): Promise<Definition | undefined> {
    const body = await this.store.get(stateMachineKey(name));
    return body === undefined ? undefined : (JSON.parse(body) as Definition);
  }
}

/**
 * Activity reading a stored definition, for startExecution tasks: a name nothing is stored under fails as AWS says it.
 * The definition is checked again, its Tasks against STATE_MACHINE_ACTIVITIES as at PUT: one stored before that
 * check, or behind the API's back, fails (States.Runtime, naming the path) and never reaches the pipeline's activities.
 */
export function createLoadStateMachine(machines: StateMachineStore) {
  return async function loadStateMachine(name: string): Promise<Definition> {
    const definition = await machines.get(name);
    if (!definition) {
      throw ApplicationFailure.nonRetryable(`State Machine Does Not Exist: '${name}'`, 'StepFunctions.StateMachineDoesNotExistException');
    }
    const problems = checkDefinition(definition, { activities: STATE_MACHINE_ACTIVITIES });
    if (problems.length > 0) {
      const cause = `invalid definition of state machine '${name}': ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      throw ApplicationFailure.nonRetryable(cause, StatesErrors.Runtime);
    }
    return definition;
  };
}
