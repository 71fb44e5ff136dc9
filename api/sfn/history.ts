/**
 * GetExecutionHistory: the Temporal history of the execution's newest run, told in Step Functions' event vocabulary.
 * State names and data come from the workflow's trace (its TRACE_QUERY, see the package's trace.ts): Temporal's
 * history has none for states that leave no event (Pass, Choice). Times and Task outcomes come from Temporal's
 * events. Without a trace (an execution recorded before it, or no worker to answer), only the execution's and its
 * Tasks' events are told.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TRACE_QUERY, type TracedEvent, type TraceView } from 'states-language-temporal/client';
import type { StateMachineInput } from 'states-language-temporal/workflow';
import type { Arns } from './arns';
import { decodeFailure, decodePayloads, eventTime, type HistoryEvent, stopReason } from './temporal-reads';
import { type Body, decodeToken, encodeToken, epochSeconds, optionalBoolean, optionalString, pageSize } from './wire';

type Event = { type: string; time: number; details?: Record<string, unknown> & { key: string } };

/** How long the trace query may take before the history is told without it. */
const QUERY_TIMEOUT_MS = 10_000;

/** `arn:aws:states:::lambda:invoke` → lambda / invoke; a plain activity name is an activity. */
function resourceOf(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:aws:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  return match ? { resourceType: match[1], resource: match[2] } : { resourceType: 'activity', resource };
}

const stateType = (type: string | undefined) => type ?? 'Task';

async function queryTrace(client: Client, id: string): Promise<TraceView | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), QUERY_TIMEOUT_MS);
  });
  const query = client.workflow
    .getHandle(id)
    .query<TraceView | null>(TRACE_QUERY)
    .catch(() => null);
  return Promise.race([query, timeout]).finally(() => clearTimeout(timer));
}

/** Each Task's activity, in the order they were scheduled (loadStateMachine, the runtime's own, left out). */
function activitiesOf(events: HistoryEvent[]) {
  const bySchedule = new Map<string, { scheduled: HistoryEvent; started?: HistoryEvent; ended?: HistoryEvent }>();
  const ordered: { scheduled: HistoryEvent; started?: HistoryEvent; ended?: HistoryEvent }[] = [];
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled && scheduled.activityType?.name !== 'loadStateMachine') {
      const entry = { scheduled: e };
      bySchedule.set(String(e.eventId), entry);
      ordered.push(entry);
      continue;
    }
    const ref =
      e.activityTaskStartedEventAttributes ??
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    const entry = ref?.scheduledEventId != null ? bySchedule.get(String(ref.scheduledEventId)) : undefined;
    if (!entry) continue;
    if (e.activityTaskStartedEventAttributes) entry.started = e;
    else entry.ended = e;
  }
  return ordered;
}

export async function executionHistory(client: Client, arns: Arns, body: Body, arn: string, args: StateMachineInput, startTime: number) {
  const includeData = optionalBoolean(body, 'includeExecutionData') ?? true;
  const reverse = optionalBoolean(body, 'reverseOrder') ?? false;
  const size = pageSize(body);
  const token = decodeToken(optionalString(body, 'nextToken', 1024), (v): v is { at: number } =>
    Number.isInteger((v as { at?: unknown })?.at),
  );

  const handle = client.workflow.getHandle(arn);
  const temporalEvents = (await handle.fetchHistory()).events ?? [];
  const trace = await queryTrace(client, arn);
  const activities = activitiesOf(temporalEvents);
  const data = (key: string, text: string | undefined, dropped?: boolean) =>
    includeData && text !== undefined ? { [key]: text, [`${key}Details`]: { truncated: !!dropped } } : {};

  const events: Event[] = [];
  const add = (type: string, time: number, key?: string, details: Record<string, unknown> = {}) =>
    events.push(key ? { type, time, details: { key, ...details } } : { type, time });

  const input = args.resume ? args.resume.executionInput : (args.input ?? {});
  add('ExecutionStarted', startTime, 'executionStartedEventDetails', {
    ...data('input', JSON.stringify(input)),
    roleArn: `arn:aws:iam::${arns.prefix.split(':')[4]}:role/${args.name ?? 'inline'}`,
  });

  const addTask = async (t: TracedEvent | undefined, activity: ReturnType<typeof activitiesOf>[number] | undefined) => {
    const resource = resourceOf(t?.resource ?? activity?.scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity');
    const scheduledAt = activity ? eventTime(activity.scheduled) : (t?.time ?? 0);
    add('TaskScheduled', scheduledAt, 'taskScheduledEventDetails', {
      ...resource,
      region: arns.prefix.split(':')[3],
      ...(includeData ? { parameters: t?.data ?? '{}' } : { parameters: '' }),
      ...(t?.timeoutSeconds !== undefined ? { timeoutInSeconds: t.timeoutSeconds } : {}),
      ...(t?.heartbeatSeconds !== undefined ? { heartbeatInSeconds: t.heartbeatSeconds } : {}),
    });
    if (!activity) return;
    if (activity.started) add('TaskStarted', eventTime(activity.started), 'taskStartedEventDetails', resource);
    const ended = activity.ended;
    if (!ended) return;
    if (ended.activityTaskCompletedEventAttributes) {
      const [result] = await decodePayloads(client, ended.activityTaskCompletedEventAttributes.result);
      add('TaskSucceeded', eventTime(ended), 'taskSucceededEventDetails', {
        ...resource,
        ...data('output', JSON.stringify(result ?? null)),
      });
    } else if (ended.activityTaskFailedEventAttributes) {
      const error = await decodeFailure(client, ended.activityTaskFailedEventAttributes.failure);
      const cause = error instanceof ApplicationFailure ? error : (error as { cause?: unknown } | undefined)?.cause;
      const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'States.TaskFailed';
      add('TaskFailed', eventTime(ended), 'taskFailedEventDetails', {
        ...resource,
        error: type,
        cause: (cause as Error | undefined)?.message ?? '',
      });
    } else if (ended.activityTaskTimedOutEventAttributes) {
      const heartbeat = ended.activityTaskTimedOutEventAttributes.failure?.timeoutFailureInfo?.timeoutType === 3;
      add('TaskTimedOut', eventTime(ended), 'taskTimedOutEventDetails', {
        ...resource,
        error: heartbeat ? 'States.HeartbeatTimeout' : 'States.Timeout',
      });
    }
  };

  if (trace) {
    for (const t of trace.events) {
      const type = stateType(t.type);
      if (t.kind === 'entered') {
        add(`${type}StateEntered`, t.time, 'stateEnteredEventDetails', { name: t.state, ...data('input', t.data, t.dataDropped) });
        if (type === 'Parallel') add('ParallelStateStarted', t.time);
      } else if (t.kind === 'exited') {
        if (type === 'Parallel') add('ParallelStateSucceeded', t.time);
        if (type === 'Map') add('MapStateSucceeded', t.time);
        add(`${type}StateExited`, t.time, 'stateExitedEventDetails', { name: t.state, ...data('output', t.data, t.dataDropped) });
      } else if (t.kind === 'task') {
        await addTask(t, t.activity !== undefined ? activities[t.activity] : undefined);
      } else if (t.kind === 'mapStarted') {
        add('MapStateStarted', t.time, 'mapStateStartedEventDetails', { length: t.length });
      } else if (t.kind === 'iteration') {
        const outcome = t.outcome === 'started' ? 'Started' : t.outcome === 'succeeded' ? 'Succeeded' : 'Failed';
        add(`MapIteration${outcome}`, t.time, `mapIteration${outcome}EventDetails`, { name: t.state, index: t.index });
      }
    }
  } else {
    for (const activity of activities) await addTask(undefined, activity);
  }
  await addEnd(client, temporalEvents[temporalEvents.length - 1], add, data);

  // Temporal's times for Tasks, the workflow's for states: a stable sort keeps the trace's order where they tie.
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  const numbered = sorted.map(({ e }, i) => {
    const out: Record<string, unknown> = { timestamp: epochSeconds(e.time), type: e.type, id: i + 1, previousEventId: i };
    if (e.details) {
      const { key, ...rest } = e.details;
      out[key] = rest;
    }
    return out;
  });
  if (reverse) numbered.reverse();
  const at = token?.at ?? 0;
  const page = numbered.slice(at, at + size);
  return { events: page, ...(at + size < numbered.length ? { nextToken: encodeToken({ at: at + size }) } : {}) };
}

/** The execution's last event, if it has ended. */
async function addEnd(
  client: Client,
  last: HistoryEvent | undefined,
  add: (type: string, time: number, key?: string, details?: Record<string, unknown>) => void,
  data: (key: string, text: string | undefined) => Record<string, unknown>,
) {
  if (!last) return;
  const time = eventTime(last);
  if (last.workflowExecutionCompletedEventAttributes) {
    const [output] = await decodePayloads(client, last.workflowExecutionCompletedEventAttributes.result);
    add('ExecutionSucceeded', time, 'executionSucceededEventDetails', data('output', JSON.stringify(output ?? null)));
  } else if (last.workflowExecutionFailedEventAttributes) {
    const failure = await decodeFailure(client, last.workflowExecutionFailedEventAttributes.failure);
    const details =
      failure instanceof ApplicationFailure && Array.isArray(failure.details)
        ? (failure.details[0] as { Error?: string; Cause?: string })
        : undefined;
    add('ExecutionFailed', time, 'executionFailedEventDetails', {
      error: details?.Error ?? failure?.name ?? 'States.Runtime',
      cause: details?.Cause ?? failure?.message ?? '',
    });
  } else if (last.workflowExecutionTerminatedEventAttributes || last.workflowExecutionCanceledEventAttributes) {
    add('ExecutionAborted', time, 'executionAbortedEventDetails', stopReason(last.workflowExecutionTerminatedEventAttributes?.reason));
  } else if (last.workflowExecutionTimedOutEventAttributes) {
    // Past the machine's TimeoutSeconds (Temporal's execution timeout): AWS's error, and no cause of ours.
    add('ExecutionTimedOut', time, 'executionTimedOutEventDetails', { error: 'States.Timeout' });
  }
}
