/**
 * An execution's histories and all its descendants' (child workflows, theirs, …), read back from the server, as
 * figures against Temporal's limits: events a history, bytes a payload, children open at once in one workflow.
 * For the sliced Distributed Map's test and bench.
 */
import type { Client } from '@temporalio/client';
import { payloadsIn } from './history';

export interface HistoryFigures {
  /** Workflows at each depth: the execution, its children, theirs. */
  byDepth: number[];
  /** Events of the longest history. */
  longest: number;
  /** Bytes of the largest payload, as stored (codec-encoded if sealed). */
  largestPayload: number;
  /** The most children one workflow had started and not yet seen end. */
  mostOpenChildren: number;
  /** At each depth, the most of its workflows open at once (started by any of their parents, not yet ended). */
  mostOpenAtOnce: number[];
}

/** Histories read this many at a time. */
const READS_AT_ONCE = 20;

export async function descendantHistories(client: Client, workflowId: string): Promise<HistoryFigures> {
  const figures: HistoryFigures = { byDepth: [], longest: 0, largestPayload: 0, mostOpenChildren: 0, mostOpenAtOnce: [1] };
  let level = [workflowId];
  for (let depth = 0; level.length > 0; depth++) {
    figures.byDepth[depth] = level.length;
    const next: string[] = [];
    /** When each child of this level's workflows was started and ended: +1 and -1, by time. */
    const changes: Array<[number, number]> = [];
    for (let i = 0; i < level.length; i += READS_AT_ONCE) {
      await Promise.all(
        level.slice(i, i + READS_AT_ONCE).map(async (id) => {
          const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
          figures.longest = Math.max(figures.longest, events.length);
          let open = 0;
          for (const event of events) {
            for (const payload of payloadsIn(event)) figures.largestPayload = Math.max(figures.largestPayload, payload.data?.length ?? 0);
            if (event.startChildWorkflowExecutionInitiatedEventAttributes) {
              open++;
              changes.push([eventMs(event.eventTime), 1]);
            }
            if (
              event.childWorkflowExecutionCompletedEventAttributes ||
              event.childWorkflowExecutionFailedEventAttributes ||
              event.childWorkflowExecutionCanceledEventAttributes ||
              event.childWorkflowExecutionTimedOutEventAttributes ||
              event.childWorkflowExecutionTerminatedEventAttributes ||
              event.startChildWorkflowExecutionFailedEventAttributes
            ) {
              open--;
              changes.push([eventMs(event.eventTime), -1]);
            }
            figures.mostOpenChildren = Math.max(figures.mostOpenChildren, open);
            const started = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
            if (started) next.push(started);
          }
        }),
      );
    }
    if (next.length > 0) figures.mostOpenAtOnce[depth + 1] = mostAtOnce(changes);
    level = next;
  }
  return figures;
}

const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

/** The most open at once, an end counted before a start at the same millisecond. */
function mostAtOnce(changes: Array<[number, number]>): number {
  let open = 0;
  let most = 0;
  for (const [, change] of changes.sort((a, b) => a[0] - b[0] || a[1] - b[1])) most = Math.max(most, (open += change));
  return most;
}
