/**
 * The waits of callback Tasks inside a workflow: a token issued by a local activity (randomness and the secret stay
 * out of the workflow), its key filed as pending from that moment (an answer may come before the Task waits, even
 * from inside the activity it calls), answers delivered by the TASK_OUTCOME_UPDATE update, and durable timers for
 * TimeoutSeconds and HeartbeatSeconds (each heartbeat starts the latter again). Nothing here runs unless a
 * definition has a callback Task, which no execution recorded before them could have had.
 */
import { ApplicationFailure, condition, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { ISSUE_TASK_TOKEN_ACTIVITY, type IssuedTaskToken, type TaskOutcome, type TaskOutcomeUpdate, type TaskRefusal } from '../callbacks';
import { runtimeError, StatesError, taskTimeout } from '../errors';
import type { TaskOptions } from '../interpreter';

const issuer = proxyLocalActivities<Record<string, (input: { workflowId: string }) => Promise<IssuedTaskToken>>>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

interface Pending {
  since: number;
  beats: number;
  outcome?: TaskOutcome;
}

/** Keys answered or timed out, remembered so a late answer reads TaskTimedOut rather than TaskDoesNotExist. */
const MAX_SPENT_KEYS = 1_000;

export class CallbackWaits {
  private readonly keys = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  private readonly spent = new Set<string>();

  async issue(): Promise<string> {
    let issued: IssuedTaskToken;
    try {
      issued = await issuer[ISSUE_TASK_TOKEN_ACTIVITY]({ workflowId: workflowInfo().workflowId });
    } catch (error) {
      throw runtimeError(
        `no task token could be issued for a .waitForTaskToken Task (does the worker register ${ISSUE_TASK_TOKEN_ACTIVITY}, ` +
          `createTaskTokenActivities?): ${(error as Error).message}`,
      );
    }
    this.keys.set(issued.token, issued.key);
    this.pending.set(issued.key, { since: Date.now(), beats: 0 });
    return issued.token;
  }

  /** Why an answer for `key` would be dropped: answered or timed out already, or never issued; undefined when awaited. */
  refusal(key: string): TaskRefusal | undefined {
    const pending = this.pending.get(key);
    if (pending && pending.outcome === undefined) return undefined;
    return pending || this.spent.has(key) ? 'TaskTimedOut' : 'TaskDoesNotExist';
  }

  /** The update's validator (not run on replay): throws the refusal the API answers with. */
  validate({ key, outcome }: TaskOutcomeUpdate): void {
    const refusal = this.refusal(key);
    if (refusal === undefined) return;
    const what = outcome.kind === 'heartbeat' ? 'heartbeat' : 'answer';
    throw ApplicationFailure.create({ type: refusal, message: `no callback Task waits for this token's ${what}`, nonRetryable: true });
  }

  deliver({ key, outcome }: TaskOutcomeUpdate): void {
    const pending = this.pending.get(key);
    if (!pending || pending.outcome !== undefined) return;
    if (outcome.kind === 'heartbeat') pending.beats++;
    else pending.outcome = outcome;
  }

  /** The answer to `token`: its output, or its failure (or a timeout) thrown as a StatesError. */
  async wait(token: string, options: TaskOptions): Promise<unknown> {
    const key = this.keys.get(token);
    const pending = key === undefined ? undefined : this.pending.get(key);
    if (key === undefined || !pending) throw runtimeError('a callback Task waits on a token this execution did not issue');
    const { timeoutSeconds, heartbeatSeconds } = options;
    const deadline = timeoutSeconds === undefined ? undefined : pending.since + timeoutSeconds * 1000;
    let beats = pending.beats;
    let lastBeat = pending.since;
    try {
      for (;;) {
        if (pending.outcome) return settle(pending.outcome);
        const heartbeatDue = heartbeatSeconds === undefined ? undefined : lastBeat + heartbeatSeconds * 1000;
        const due = Math.min(deadline ?? Infinity, heartbeatDue ?? Infinity);
        const woken = () => pending.outcome !== undefined || pending.beats !== beats;
        if (due === Infinity) await condition(woken);
        else if (!(await condition(woken, Math.max(1, due - Date.now())))) {
          if (deadline !== undefined && Date.now() >= deadline) throw taskTimeout('timeout', timeoutSeconds!);
          if (heartbeatDue !== undefined && Date.now() >= heartbeatDue) throw taskTimeout('heartbeat', heartbeatSeconds!);
        }
        if (pending.beats !== beats) {
          beats = pending.beats;
          lastBeat = Date.now();
        }
      }
    } finally {
      this.keys.delete(token);
      this.pending.delete(key);
      this.spent.add(key);
      if (this.spent.size > MAX_SPENT_KEYS) this.spent.delete(this.spent.values().next().value!);
    }
  }
}

function settle(outcome: TaskOutcome): unknown {
  if (outcome.kind === 'success') return outcome.output;
  if (outcome.kind === 'failure') throw new StatesError(outcome.error, outcome.cause);
  throw runtimeError('a heartbeat is not an answer');
}
