/**
 * What an execution did, state by state, as Step Functions' history tells it: states entered and exited (with their
 * data), Tasks called, Map iterations. Temporal's own history has no state names (a Pass or a Choice leaves no event
 * at all), so the workflow keeps this list and answers it to a query (TRACE_QUERY); a client merges it with the
 * Temporal history's timestamps and activity events. Kept in memory only: it adds no command, so histories recorded
 * before it replay unchanged, and a replay rebuilds it.
 */

/** The query a `stateMachine` workflow answers with where a redrive goes on from: a ResumePoint, or null for StartAt. */
export const RESUME_POINT_QUERY = 'stepFunctionsResumePoint';

/** The query a `stateMachine` workflow answers with its TraceView. */
export const TRACE_QUERY = 'stepFunctionsTrace';

export type TraceEvent =
  | { kind: 'entered'; state: string; type: string; input: unknown }
  | { kind: 'exited'; state: string; type: string; output: unknown }
  | { kind: 'task'; state: string; resource: string; parameters: unknown; timeoutSeconds?: number; heartbeatSeconds?: number }
  | { kind: 'mapStarted'; state: string; length: number }
  | { kind: 'iteration'; state: string; index: number; outcome: 'started' | 'succeeded' | 'failed' };

/**
 * A recorded event: its data (input, output or a Task's parameters) as JSON text, absent once the data budget is
 * spent; the workflow's time; for a Task bound to an activity, which of the run's activity calls it is (0-based).
 */
export interface TracedEvent {
  kind: TraceEvent['kind'];
  state: string;
  time: number;
  type?: string;
  resource?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  length?: number;
  index?: number;
  outcome?: 'started' | 'succeeded' | 'failed';
  data?: string;
  dataDropped?: boolean;
  activity?: number;
}

export interface TraceView {
  events: TracedEvent[];
  /** Events not kept once MAX_TRACE_EVENTS were: the history then ends early. */
  dropped: number;
}

/** Bounds on what a run keeps in memory and a query answers: well under Temporal's 4 MB query result. */
export const MAX_TRACE_EVENTS = 20_000;
export const MAX_TRACE_DATA_CHARS = 1024 * 1024;

export class ExecutionTrace {
  private readonly events: TracedEvent[] = [];
  private dropped = 0;
  private dataChars = 0;
  private activities = 0;
  private lastTask: TracedEvent | undefined;

  record(event: TraceEvent, time: number): void {
    if (this.events.length >= MAX_TRACE_EVENTS) {
      this.dropped++;
      return;
    }
    const { input, output, parameters, ...rest } = event as TraceEvent & { input?: unknown; output?: unknown; parameters?: unknown };
    const traced: TracedEvent = { ...rest, time };
    if (event.kind === 'entered' || event.kind === 'exited' || event.kind === 'task') {
      const value = event.kind === 'entered' ? input : event.kind === 'exited' ? output : parameters;
      if (this.dataChars < MAX_TRACE_DATA_CHARS) {
        const text = JSON.stringify(value ?? null);
        this.dataChars += text.length;
        traced.data = text;
      } else traced.dataDropped = true;
    }
    if (event.kind === 'task') this.lastTask = traced;
    this.events.push(traced);
  }

  /** Called as an activity is scheduled, right after its Task was recorded (the same synchronous step). */
  activityScheduled(): void {
    if (this.lastTask && this.lastTask.activity === undefined) this.lastTask.activity = this.activities;
    this.activities++;
  }

  view(): TraceView {
    return { events: this.events, dropped: this.dropped };
  }
}
