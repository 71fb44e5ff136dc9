/**
 * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution goes on from the state that did not succeed, with the
 * input and variables it had, keeping what succeeded before it, as AWS's redrive does. The closed run answers where
 * (RESUME_POINT_QUERY: the last point between two top-level states, the worker replaying its history to answer); a
 * new run of the same workflow id starts there with `redrive` counted. When that state is a Parallel or Map, the point
 * carries the outputs of the branches or iterations that succeeded (`kept`): only the others run again, as AWS's
 * redrive does. The execution's TimeoutSeconds counts again from the redrive, as AWS resets it: Temporal's timeout of
 * the new run's execution (earlier runs' own timer counted from RunOptions.timeoutFrom).
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ResumePoint } from 'states-language-temporal';
import { executionTimeout, RESUME_POINT_QUERY, STATE_MACHINE_WORKFLOW } from 'states-language-temporal/client';
import type { StateMachineInput } from 'states-language-temporal/workflow';
import type { TemporalConfig } from '../../lib/config';
import type { executionActions } from './executions';
import { SfnError } from './errors';
import { startOf } from './temporal-reads';
import { type Body, epochSeconds, optionalString } from './wire';

/** AWS's quota: an execution is redriven at most 1,000 times. */
export const MAX_REDRIVES = 1_000;
const REDRIVABLE = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELED']);

const notRedrivable = (arn: string, why: string) => new SfnError('ExecutionNotRedrivable', `Execution is not redrivable: '${arn}' ${why}`);

/** DescribeExecution's redrive fields for a run of this status, started with these arguments. */
export function redriveFields(statusName: string, args: StateMachineInput, express: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = { redriveCount: args.redrive?.count ?? 0 };
  if (args.redrive) fields.redriveDate = epochSeconds(args.redrive.date);
  const why = express
    ? 'EXPRESS executions are not redriven'
    : !REDRIVABLE.has(statusName)
      ? 'only a FAILED, TIMED_OUT or ABORTED execution is redriven'
      : (args.redrive?.count ?? 0) >= MAX_REDRIVES
        ? `redriven ${MAX_REDRIVES} times already`
        : undefined;
  return { ...fields, redriveStatus: why ? 'NOT_REDRIVABLE' : 'REDRIVABLE', ...(why ? { redriveStatusReason: why } : {}) };
}

export function redriveAction(client: Client, temporal: TemporalConfig, find: ReturnType<typeof executionActions>['requireExecution']) {
  return {
    async RedriveExecution(body: Body) {
      optionalString(body, 'clientToken', 64);
      const { arn, description } = await find(body.executionArn);
      const { args, time } = await startOf(client, arn);
      const fields = redriveFields(description.status.name, args, description.memo?.sfnType === 'EXPRESS');
      if (fields.redriveStatus !== 'REDRIVABLE') throw notRedrivable(arn, String(fields.redriveStatusReason));
      const point = await client.workflow.getHandle(arn).query<ResumePoint | null>(RESUME_POINT_QUERY);
      const executionInput = args.resume ? args.resume.executionInput : (args.input ?? {});
      const startTime = args.resume?.startTime ?? time;
      const redriveDate = Date.now();
      const next: StateMachineInput = {
        ...args,
        input: executionInput,
        resume: point ? { ...point, executionInput, startTime } : undefined,
        redrive: { count: (args.redrive?.count ?? 0) + 1, date: redriveDate },
      };
      if (!point) delete next.resume;
      try {
        await client.workflow.start(STATE_MACHINE_WORKFLOW, {
          workflowId: arn,
          taskQueue: temporal.aslTaskQueue,
          args: [next],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          // A new Temporal execution: its timeout, the TimeoutSeconds, counts from the redrive.
          ...executionTimeout(args.definition),
          ...(description.memo ? { memo: description.memo } : {}),
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) throw notRedrivable(arn, 'is running (redriven already)');
        throw error;
      }
      return { redriveDate: epochSeconds(redriveDate) };
    },
  };
}
