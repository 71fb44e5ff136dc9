/**
 * The activity a worker registers beside its own for `startExecution` Tasks (arn:aws:states:::states:startExecution):
 * it reads a stored definition by name and checks it, its Tasks against the activities registered for state
 * machines. Plain async functions built by a factory that takes its store, as Temporal's samples build theirs.
 */
import { ApplicationFailure } from '@temporalio/common';
import { checkDefinition } from './checker';
import { StatesErrors } from './errors';
import type { LoadedStateMachine } from './temporal/state-machine';
export type { Definition } from './interpreter';
import type { Definition } from './interpreter';

/** Where stored definitions are read from: a bucket, a database, a map in memory. */
export interface DefinitionSource {
  /** Undefined when nothing is stored under that name. */
  get(name: string): Promise<Definition | undefined>;
}

export type { LoadedStateMachine } from './temporal/state-machine';

export interface LoadOptions {
  /** The activities registered for state machines on this worker. Left out: any (only for a trusted store). */
  activities?: readonly string[];
}

/**
 * `loadStateMachine`: a name nothing is stored under fails as AWS says (StepFunctions.StateMachineDoesNotExistException);
 * a definition whose Tasks bind elsewhere, stored before such a check or behind its back, fails with States.Runtime
 * naming the path, and never reaches another activity of the worker.
 */
export function createLoadStateMachine(source: DefinitionSource, options: LoadOptions = {}) {
  const activities = options.activities ? [...options.activities] : undefined;
  return async function loadStateMachine(name: string): Promise<LoadedStateMachine> {
    const definition = await source.get(name);
    if (!definition) {
      throw ApplicationFailure.nonRetryable(`State Machine Does Not Exist: '${name}'`, 'StepFunctions.StateMachineDoesNotExistException');
    }
    const problems = checkDefinition(definition, activities ? { activities } : {});
    if (problems.length > 0) {
      const cause = `invalid definition of state machine '${name}': ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      throw ApplicationFailure.nonRetryable(cause, StatesErrors.Runtime);
    }
    return activities ? { definition, activities } : { definition };
  };
}

// Callback Tasks' tokens: the worker registers createTaskTokenActivities(new TaskTokens(secret)), the API opens them.
export { createTaskTokenActivities, TaskTokens } from './task-tokens';
