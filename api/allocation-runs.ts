import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { NotifyResult } from '../activities/notify-types';
import type { ObjectStore } from '../storage/object-store';
import type { RevealedDraw } from '../activities/reveal-draw';
import { allocationKey, keepSeed, runKeys, uploadParticipants } from '../storage/run-data';
import { linkId, openForLink } from '../lib/codec/draw-seal';
import { ErrorType } from '../lib/errors';
import type { Channel } from '../lib/types';
import { ApiError } from './api-error';
import { startOnce } from './start-once';
import { allocate } from '../lib/allocation/allocate';
import { type TemporalConfig, workflowUiLink } from '../lib/config';
import { readLiveStatus } from './live-status';
import { readParticipants } from '../lib/participants/validate';
import { resendMessage, revealDraw, secretSanta, statusQuery } from '../workflows';
import type { SecretSantaInput } from '../workflows/secret-santa';
import { initialStatus, type RunStatus } from '../workflows/status';

export type RunState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface StartOptions {
  seed?: number;
  singleCycle?: boolean;
  /** Id of an earlier run whose stored draw's pairs must not come again. */
  avoidPrevious?: string;
  dryRun?: boolean;
  maxConcurrency?: number;
  idempotencyKey?: string;
  /** Pairs per notifying child workflow: the tests' and the bench's tuning (a request never sets it). */
  batchSize?: number;
  /** false runs the short steps as ordinary activities: the bench's comparison (a request never sets it). */
  localSteps?: boolean;
}

export interface AllocationView extends RunStatus {
  id: string;
  status: RunState;
  error?: string;
}

/** Starting and reading allocation runs: the API's bridge to Temporal. */
export class AllocationRuns {
  constructor(
    private readonly client: Client,
    private readonly temporal: TemporalConfig,
    private readonly store: ObjectStore,
  ) {}

  uiLink(id: string): string {
    return workflowUiLink(this.temporal, id);
  }

  /**
   * Checks the file and that a draw exists before anything starts, so a bad file never becomes a run.
   * The same idempotency key always names the same run.
   */
  async start(csv: string, options: StartOptions): Promise<{ id: string; status: RunState }> {
    const id = options.idempotencyKey ? idFromKey(options.idempotencyKey) : newRunId();
    if (options.idempotencyKey) {
      const existing = await this.state(id);
      if (existing) return { id, status: existing };
    }
    await this.check(csv, options);
    return this.launch(id, csv, options);
  }

  /**
   * What start() refuses a run for: an invalid file (400), an unknown previous run (400), no possible draw (422).
   * Last year's draw is sealed and this process cannot open it: whether its pairs can all be avoided is the worker's
   * business, and nobody is told (a yes or no per try would tell, pair by pair, who drew whom last year).
   */
  async check(csv: string, options: StartOptions): Promise<void> {
    const participants = readParticipants(csv);
    if (options.avoidPrevious && (await this.store.get(allocationKey(options.avoidPrevious))) === undefined) {
      throw new ApiError(400, 'InvalidPreviousDraw', 'avoidPrevious names no run with a stored draw');
    }
    allocate(participants, 0, { singleCycle: options.singleCycle });
  }

  /**
   * The one way a run begins, after start()'s checks: the file and the seed into the run's storage (claim checks),
   * then the workflow with their keys. Called on its own by the tests, the bench and the recorders for a run id of
   * their own or a file start() would refuse (so that the workflow's own checks meet it).
   */
  async launch(id: string, csv: string, options: StartOptions): Promise<{ id: string; status: RunState }> {
    const csvKey = await uploadParticipants(this.store, id, csv);
    const input: SecretSantaInput = {
      csvKey,
      seedKey: options.seed === undefined ? undefined : await keepSeed(this.store, id, options.seed),
      dryRun: options.dryRun,
      maxConcurrency: options.maxConcurrency,
      batchSize: options.batchSize,
      localSteps: options.localSteps,
      draw: { singleCycle: options.singleCycle, avoidKey: options.avoidPrevious ? allocationKey(options.avoidPrevious) : undefined },
      notifyRetryBudgetMs: this.temporal.notifyRetryBudgetMs,
    };
    if (!(await startOnce(this.client, secretSanta, { workflowId: id, taskQueue: this.temporal.taskQueue, args: [input] }))) {
      return { id, status: (await this.state(id)) ?? 'RUNNING' };
    }
    return { id, status: 'RUNNING' };
  }

  /**
   * Cancels a running run and answers once it has closed: messages already on their way finish first,
   * so nothing is sent after this returns.
   */
  async cancel(id: string): Promise<RunState> {
    const state = await this.state(id);
    if (!state) throw new ApiError(404, 'NotFound', `no allocation run ${id}`);
    if (state !== 'RUNNING') throw new ApiError(409, 'NotRunning', `run ${id} has already ended: ${state}`);
    const handle = this.client.workflow.getHandle(id);
    await handle.cancel();
    await handle.result().catch(() => undefined);
    return (await this.state(id))!;
  }

  /** One person's message again, from the stored draw: never a new draw. The giver by name, or by their own link. */
  async resend(id: string, giver: { name: string } | { linkId: string }, channel: Channel): Promise<NotifyResult & { name: string }> {
    if (!(await this.state(id))) throw new ApiError(404, 'NotFound', `no allocation run ${id}`);
    if ((await this.store.get(allocationKey(id))) === undefined) {
      throw new ApiError(409, 'NotStored', `run ${id} has no stored draw yet (or was a dry run): nothing to resend`);
    }
    try {
      return await this.client.workflow.execute(resendMessage, {
        workflowId: `${id}-resend-${randomUUID()}`,
        taskQueue: this.temporal.taskQueue,
        args: [
          {
            runId: id,
            participantsKey: runKeys.participants(id),
            ...giver,
            channel,
            notifyRetryBudgetMs: this.temporal.notifyRetryBudgetMs,
          },
        ],
      });
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? innermost(error) : undefined;
      const type = cause instanceof ApplicationFailure ? cause.type : undefined;
      if (type === ErrorType.UnknownParticipant) throw new ApiError(404, type, cause!.message);
      if (type === ErrorType.NoContact) throw new ApiError(422, type, cause!.message);
      if (type === ErrorType.ProviderRejected) throw new ApiError(502, type, cause!.message);
      throw error;
    }
  }

  /**
   * A participant's own draw, for the holder of their link: the worker answers sealed for the link, which only the
   * participant (and so this request) has. Undefined for a link that names no giver of a stored draw.
   */
  async reveal(id: string, token: string): Promise<RevealedDraw | undefined> {
    if (!(await this.state(id)) || (await this.store.get(allocationKey(id))) === undefined) return undefined;
    const answer = await this.client.workflow.execute(revealDraw, {
      workflowId: `${id}-reveal-${randomUUID()}`,
      taskQueue: this.temporal.taskQueue,
      args: [{ runId: id, linkId: linkId(token) }],
    });
    return answer.found ? openForLink<RevealedDraw>(token, answer.sealed) : undefined;
  }

  /** Undefined for an unknown id. Never carries the draw: RunStatus holds counts only. */
  async get(id: string): Promise<AllocationView | undefined> {
    const state = await this.state(id);
    if (!state) return undefined;
    const handle = this.client.workflow.getHandle<typeof secretSanta>(id);
    if (state === 'COMPLETED') return { id, status: state, ...(await handle.result()) };
    if (state === 'RUNNING') return { id, status: state, ...(await readLiveStatus(this.client, id)) };
    const error = await handle.result().then(
      () => undefined,
      (failure: unknown) => failureMessage(failure),
    );
    // The query needs a worker; a closed run still answers with what it knows without one.
    const status = await handle.query(statusQuery).catch(() => initialStatus(false));
    return { id, status: state, ...status, error };
  }

  private async state(id: string): Promise<RunState | undefined> {
    try {
      const { status } = await this.client.workflow.getHandle(id).describe();
      return toRunState(status.name);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }
}

/** A new run's id, when no idempotency key names it. */
export const newRunId = (): string => `santa-${randomUUID()}`;

function idFromKey(key: string): string {
  return `santa-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function toRunState(name: string): RunState {
  switch (name) {
    case 'COMPLETED':
      return 'COMPLETED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return 'RUNNING';
    default:
      return 'FAILED';
  }
}

function innermost(failure: WorkflowFailedError): Error | undefined {
  let cause: Error | undefined = failure.cause;
  while (cause && 'cause' in cause && cause.cause instanceof Error) cause = cause.cause;
  return cause;
}

function failureMessage(failure: unknown): string {
  if (failure instanceof WorkflowFailedError) return innermost(failure)?.message ?? failure.message;
  return failure instanceof Error ? failure.message : String(failure);
}
