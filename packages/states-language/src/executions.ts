/** Names, ARNs and answers of executions, shared by every host so that they all answer alike. */
import { StatesError, StatesErrors } from './errors';
import type { ChildExecutionRequest, ExecutionContext } from './interpreter';

export const ARN_PREFIX = 'arn:aws:states:local:000000000000';

export const stateMachineArn = (machine: string) => `${ARN_PREFIX}:stateMachine:${machine}`;
export const executionArn = (machine: string, execution: string) => `${ARN_PREFIX}:execution:${machine}:${execution}`;

export function executionContext(machine: string, execution: string, input: unknown, startTime: number): ExecutionContext {
  return {
    Execution: {
      Id: executionArn(machine, execution),
      Name: execution,
      Input: input,
      StartTime: new Date(startTime).toISOString(),
      RoleArn: `arn:aws:iam::000000000000:role/${machine}`,
      RedriveCount: 0,
    },
    StateMachine: { Id: stateMachineArn(machine), Name: machine },
  };
}

export interface ChildRun {
  machine: string;
  name: string;
  input: unknown;
  startDate: number;
  stopDate?: number;
}

function description(run: ChildRun, json: boolean): Record<string, unknown> {
  return {
    ExecutionArn: executionArn(run.machine, run.name),
    Input: json ? run.input : JSON.stringify(run.input),
    InputDetails: { Included: true },
    Name: run.name,
    StartDate: run.startDate,
    StateMachineArn: stateMachineArn(run.machine),
    StopDate: run.stopDate,
  };
}

/** What a startExecution Task gives back: the start (async), or the finished execution's description. */
export function childSucceeded(mode: ChildExecutionRequest['mode'], run: ChildRun, output: unknown): unknown {
  if (mode === 'async') return { ExecutionArn: executionArn(run.machine, run.name), StartDate: run.startDate };
  const json = mode === 'sync2';
  return {
    ...description(run, json),
    Output: json ? output : JSON.stringify(output),
    OutputDetails: { Included: true },
    Status: 'SUCCEEDED',
  };
}

/** A failed child fails the Task with States.TaskFailed; the cause is the child's description, with its Error and Cause. */
export function childFailed(mode: ChildExecutionRequest['mode'], run: ChildRun, error: StatesError): StatesError {
  const described = { ...description(run, mode === 'sync2'), Status: 'FAILED', Error: error.error, Cause: error.cause };
  return new StatesError(StatesErrors.TaskFailed, JSON.stringify(described));
}
