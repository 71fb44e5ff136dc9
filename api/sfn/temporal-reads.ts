/** What the Step Functions API reads of a workflow beyond describe(): its first and last events, decoded. */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads, decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import type { StateMachineInput } from 'states-language-temporal/workflow';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export const eventTime = (event: HistoryEvent): number => {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

/** Payloads as the client's data converter (and codec) reads them. */
export function decodePayloads(client: Client, payloads: temporal.api.common.v1.IPayloads | null | undefined): Promise<unknown[]> {
  return decodeArrayFromPayloads(client.workflow.options.loadedDataConverter, payloads?.payloads);
}

export function decodeFailure(client: Client, failure: temporal.api.failure.v1.IFailure | null | undefined): Promise<Error | undefined> {
  return decodeOptionalFailureToOptionalError(client.workflow.options.loadedDataConverter, failure);
}

async function oneEvent(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  reverse: boolean,
): Promise<HistoryEvent | undefined> {
  const request = { namespace: client.options.namespace, execution: { workflowId, runId }, maximumPageSize: 1 };
  const service = client.workflowService;
  const answer = reverse ? await service.getWorkflowExecutionHistoryReverse(request) : await service.getWorkflowExecutionHistory(request);
  return answer.history?.events?.[0] ?? undefined;
}

/** The run's start: the workflow's input (the definition, the execution's input and, after continue-as-new, its resume). */
export async function startOf(client: Client, workflowId: string, runId?: string): Promise<{ args: StateMachineInput; time: number }> {
  const first = await oneEvent(client, workflowId, runId, false);
  const attributes = first?.workflowExecutionStartedEventAttributes;
  if (!first || !attributes) throw new Error(`workflow ${workflowId} has no start event`);
  const [args] = await decodePayloads(client, attributes.input);
  return { args: args as StateMachineInput, time: eventTime(first) };
}

/** The run's last event (its end, once closed). */
export function lastEventOf(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent | undefined> {
  return oneEvent(client, workflowId, runId, true);
}

/** StopExecution's error and cause travel in the terminate reason as JSON; any other reason is the cause. */
export function stopReason(reason: string | null | undefined): { error?: string; cause?: string } {
  if (!reason) return {};
  try {
    const parsed = JSON.parse(reason) as { sfnStop?: { error?: string; cause?: string } };
    if (parsed && typeof parsed === 'object' && parsed.sfnStop) return parsed.sfnStop;
  } catch {
    // Not ours: a stop through DELETE /executions/:id or the Temporal UI.
  }
  return { cause: reason };
}
