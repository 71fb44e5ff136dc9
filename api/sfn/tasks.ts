/**
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat. A callback Task's token is opened here (its HMAC checked:
 * forged or altered tokens are InvalidToken before anything reaches Temporal), then its answer goes to the execution
 * it names as the TASK_OUTCOME_SIGNAL signal. Where the checks are, and why:
 * - InvalidToken: here, from the seal alone (no worker needed).
 * - An execution that has ended (answered, failed, timed out, stopped): here, from the signal's own answer. Temporal
 *   refuses a signal to a closed workflow as not found, atomically, so no describe is needed first (it would race
 *   the execution's end anyway): TaskTimedOut, as AWS answers a token whose execution is over.
 * - A key the running execution never issued (TaskDoesNotExist), or has spent, answered or timed out (TaskTimedOut):
 *   asked of the workflow first (TASK_REFUSAL_QUERY, with a short deadline; a closed execution rejects it at once).
 *   The answer itself is a signal, which the server stores at once and a worker handles when it comes back, so it is
 *   durable; when no worker answers the query in time, the signal goes anyway (the workflow drops an answer it does
 *   not wait for), and the caller gets {} without knowing of a refusal.
 * A Step Functions activity's token (activities.ts) holds Temporal's activity task token: the answer completes,
 * fails or heartbeats that activity task (the server stores it; no worker takes part); one Temporal no longer knows
 * (ended, timed out) is TaskTimedOut.
 */
import {
  ActivityCancelledError,
  ActivityNotFoundError,
  type Client,
  QueryRejectedError,
  WorkflowClient,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  MAX_TASK_TOKEN_CHARS,
  TASK_OUTCOME_SIGNAL,
  TASK_REFUSAL_QUERY,
  type TaskOutcome,
  type TaskOutcomeUpdate,
  type TaskRefusal,
  type TaskTokens,
} from 'states-language-temporal/client';
import type { Arns } from './arns';
import { SfnError } from './errors';
import { MAX_INPUT_BYTES } from './executions';
import { type Body, optionalString, requiredString } from './wire';

export interface TaskDeps {
  client: Client;
  arns: Arns;
  tokens: TaskTokens;
}

const timedOut = (why: string) => new SfnError('TaskTimedOut', `Task Timed Out: ${why}`);

/** A Step Functions activity's task: Temporal's activity task, answered by its own token. */
async function answerActivity(client: Client, activityToken: Uint8Array, outcome: TaskOutcome): Promise<Record<string, never>> {
  try {
    if (outcome.kind === 'success') await client.activity.complete(activityToken, outcome.output);
    else if (outcome.kind === 'heartbeat') await client.activity.heartbeat(activityToken);
    // The interpreter reads an ApplicationFailure's type as the Error and its message as the Cause.
    else
      await client.activity.fail(
        activityToken,
        ApplicationFailure.create({ type: outcome.error, message: outcome.cause ?? '', nonRetryable: true }),
      );
    return {};
  } catch (error) {
    if (error instanceof ActivityNotFoundError) throw timedOut('the task has ended or timed out');
    // Asked to stop (its execution was stopped, or a Parallel branch failed): the worker should give up as on AWS.
    if (error instanceof ActivityCancelledError) throw timedOut('the task was cancelled');
    throw error;
  }
}

/** How long the API waits for a worker to say whether the execution would refuse an answer: then it sends it anyway. */
export const REFUSAL_QUERY_MS = 2_000;

/**
 * The workflow's TaskRefusal for `key`, null when it waits for it, undefined when no worker answered in time;
 * 'closed' when the execution has ended (the query is rejected by the server, no replay).
 */
async function refusalOf(workflows: WorkflowClient, workflowId: string, key: string): Promise<TaskRefusal | null | 'closed' | undefined> {
  try {
    return await workflows.withDeadline(Date.now() + REFUSAL_QUERY_MS, () =>
      workflows.getHandle(workflowId).query<TaskRefusal | null, [string]>(TASK_REFUSAL_QUERY, key),
    );
  } catch (error) {
    if (error instanceof QueryRejectedError || error instanceof WorkflowNotFoundError) return 'closed';
    // No worker in time, or one that predates the query: the signal decides.
    return undefined;
  }
}

const invalidToken = () => new SfnError('InvalidToken', 'Invalid Token: the task token was not issued by this service');

/** SendTaskSuccess's output: JSON of at most 256 KiB, as AWS checks it. */
function outputOf(body: Body): unknown {
  const text = requiredString(body, 'output', MAX_INPUT_BYTES);
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new SfnError('InvalidOutput', `Invalid Output: over ${MAX_INPUT_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SfnError('InvalidOutput', `Invalid Output: ${(error as Error).message}`);
  }
}

export function taskActions({ client, arns, tokens }: TaskDeps) {
  // Queries that a closed execution refuses at once, rather than a worker replaying its history to answer.
  const workflows = new WorkflowClient({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.loadedDataConverter,
    queryRejectCondition: 'NOT_OPEN',
  });
  async function answer(body: Body, outcome: TaskOutcome): Promise<Record<string, never>> {
    const token = requiredString(body, 'taskToken', MAX_TASK_TOKEN_CHARS);
    const opened = tokens.open(token);
    if (opened?.kind === 'a') return answerActivity(client, opened.activityToken, outcome);
    // Only this API's executions: a token naming another workflow was not sealed by it, whatever the HMAC says.
    if (!opened || opened.kind !== 'c' || !opened.workflowId.startsWith(`${arns.prefix}:execution:`)) throw invalidToken();
    const update: TaskOutcomeUpdate = { key: opened.key, outcome };
    const refusal = await refusalOf(workflows, opened.workflowId, opened.key);
    if (refusal === 'closed') throw timedOut('its execution has ended');
    if (refusal === 'TaskDoesNotExist')
      throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist: the execution never issued this token');
    if (refusal === 'TaskTimedOut') throw timedOut('the task has already been answered or has timed out');
    try {
      await client.workflow.getHandle(opened.workflowId).signal(TASK_OUTCOME_SIGNAL, update);
      return {};
    } catch (error) {
      // The token is ours (its HMAC holds), so the execution existed: it has ended since (or its history is gone).
      if (error instanceof WorkflowNotFoundError) throw timedOut('its execution has ended');
      throw error;
    }
  }

  return {
    SendTaskSuccess: (body: Body) => answer(body, { kind: 'success', output: outputOf(body) }),
    SendTaskFailure: (body: Body) => {
      const error = optionalString(body, 'error', 256);
      const cause = optionalString(body, 'cause', 32768);
      return answer(body, { kind: 'failure', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
    },
    SendTaskHeartbeat: (body: Body) => answer(body, { kind: 'heartbeat' }),
  };
}
