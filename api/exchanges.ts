import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ExchangePageView, ExchangeSettings } from '../activities/exchange-types';
import { allocate } from '../lib/allocation/allocate';
import { linkId, openForLink, sealForLink } from '../lib/codec/draw-seal';
import { type TemporalConfig, workflowUiLink } from '../lib/config';
import { textProblem } from '../lib/exchange/limits';
import type { ParticipantAction } from '../lib/exchange/schedule';
import { readParticipants } from '../lib/participants/validate';
import type { ObjectStore } from '../storage/object-store';
import { allocationKey, uploadParticipants } from '../storage/run-data';
import { actUpdate, drawNowUpdate, exchange, exchangePage, exchangeStatusQuery } from '../workflows';
import type { ExchangeInput, ExchangeStatus } from '../workflows/exchange';
import { ApiError } from './api-error';
import { startOnce } from './start-once';

export type ExchangeState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface ExchangeStart extends ExchangeSettings {
  singleCycle?: boolean;
  avoidPrevious?: string;
  idempotencyKey?: string;
}

export interface ExchangeView extends ExchangeStatus {
  id: string;
  status: ExchangeState;
  error?: string;
}

/** Exchange ids: told apart from allocation runs' (`santa-…`) on the shared participant page path. */
export const EXCHANGE_ID = /^exchange-[0-9a-f-]{32,36}$/;
/** 128 bits in base64url, as the worker makes them. */
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** What an update's failure type means to whoever sent it. */
const STATUS_OF: Record<string, number> = { UnknownLink: 404, InvalidText: 400, NotNow: 409, TooMany: 429 };

/** Starting, reading and acting on exchanges: the API's bridge to their workflows. The API never opens their content. */
export class ExchangeRuns {
  constructor(
    private readonly client: Client,
    private readonly temporal: TemporalConfig,
    private readonly store: ObjectStore,
    private readonly retentionMs: number,
  ) {}

  uiLink(id: string): string {
    return workflowUiLink(this.temporal, id);
  }

  /** Checks the file and that a draw exists, as /allocations does, before anything starts. */
  async start(csv: string, options: ExchangeStart): Promise<{ id: string; status: ExchangeState }> {
    const id = options.idempotencyKey
      ? `exchange-${createHash('sha256').update(`exchange\0${options.idempotencyKey}`).digest('hex').slice(0, 32)}`
      : `exchange-${randomUUID()}`;
    if (options.idempotencyKey) {
      const existing = await this.state(id);
      if (existing) return { id, status: existing };
    }
    const participants = readParticipants(csv);
    const avoidKey = options.avoidPrevious ? allocationKey(options.avoidPrevious) : undefined;
    if (avoidKey && (await this.store.get(avoidKey)) === undefined) {
      throw new ApiError(400, 'InvalidPreviousDraw', 'avoidPrevious names no run or exchange with a stored draw');
    }
    allocate(participants, 0, { singleCycle: options.singleCycle });
    const input: ExchangeInput = {
      csvKey: await uploadParticipants(this.store, id, csv),
      settings: { title: options.title, budget: options.budget, drawAt: options.drawAt, giftDay: options.giftDay, reveal: options.reveal },
      retentionMs: this.retentionMs,
      draw: { singleCycle: options.singleCycle, avoidKey },
      notifyRetryBudgetMs: this.temporal.notifyRetryBudgetMs,
    };
    if (!(await startOnce(this.client, exchange, { workflowId: id, taskQueue: this.temporal.taskQueue, args: [input] }))) {
      return { id, status: (await this.state(id)) ?? 'RUNNING' };
    }
    return { id, status: 'RUNNING' };
  }

  /** Stage and counts: the workflow's query holds nothing else. Undefined for an unknown id. */
  async get(id: string): Promise<ExchangeView | undefined> {
    const status = await this.state(id);
    if (!status) return undefined;
    const handle = this.client.workflow.getHandle<typeof exchange>(id);
    if (status === 'COMPLETED') return { id, status, ...(await handle.result()) };
    const error =
      status === 'RUNNING'
        ? undefined
        : await handle.result().then(
            () => undefined,
            (failure: unknown) => (failure instanceof WorkflowFailedError ? innermost(failure)?.message : String(failure)),
          );
    return { id, status, ...(await handle.query(exchangeStatusQuery)), ...(error && status === 'FAILED' ? { error } : {}) };
  }

  /** Cancels: nothing more is sent, and the exchange deletes what it kept before it closes. */
  async cancel(id: string): Promise<ExchangeState> {
    const state = await this.state(id);
    if (!state) throw new ApiError(404, 'NotFound', `no exchange ${id}`);
    if (state !== 'RUNNING') throw new ApiError(409, 'NotRunning', `exchange ${id} has already ended: ${state}`);
    const handle = this.client.workflow.getHandle(id);
    await handle.cancel();
    await handle.result().catch(() => undefined);
    return (await this.state(id))!;
  }

  async drawNow(id: string): Promise<{ stage: string }> {
    const state = await this.state(id);
    if (!state) throw new ApiError(404, 'NotFound', `no exchange ${id}`);
    if (state !== 'RUNNING') throw new ApiError(409, 'NotRunning', `exchange ${id} has already ended: ${state}`);
    return this.update(id, () => this.client.workflow.getHandle(id).executeUpdate(drawNowUpdate));
  }

  /**
   * A participant's page: the exchange's settings and stage (its query) and their own content, which the worker
   * seals for their link. Undefined for a link that is not one of this exchange's, or once its content is deleted.
   */
  async page(id: string, token: string): Promise<{ status: ExchangeStatus; view?: ExchangePageView } | undefined> {
    const state = EXCHANGE_ID.test(id) && TOKEN.test(token) ? await this.state(id) : undefined;
    if (!state) return undefined;
    const [status, answer] = await Promise.all([
      this.client.workflow.getHandle(id).query(exchangeStatusQuery),
      this.client.workflow.execute(exchangePage, {
        workflowId: `${id}-page-${randomUUID()}`,
        taskQueue: this.temporal.taskQueue,
        args: [{ exchangeId: id, linkId: linkId(token) }],
      }),
    ]);
    // Ended or cancelled, its content is gone: the page says so, and shows nothing else.
    if (status.stage === 'ended' || state === 'CANCELLED')
      return { status: { ...status, stage: state === 'CANCELLED' ? 'cancelled' : 'ended' } };
    return answer.found ? { status, view: openForLink<ExchangePageView>(token, answer.sealed) } : undefined;
  }

  /** A participant's action. The text travels sealed for their link: only the worker, which holds the links, opens it. */
  async act(id: string, token: string, action: ParticipantAction, text: string): Promise<void> {
    if (!EXCHANGE_ID.test(id) || !TOKEN.test(token)) throw new ApiError(404, 'UnknownLink', 'this link is not valid');
    const problem = textProblem(action, text);
    if (problem) throw new ApiError(400, 'InvalidText', problem);
    if ((await this.state(id)) !== 'RUNNING') throw new ApiError(404, 'UnknownLink', 'this link is not valid');
    const request = { linkId: linkId(token), action, sealed: sealForLink(token, { text }) };
    await this.update(id, () => this.client.workflow.getHandle(id).executeUpdate(actUpdate, { args: [request] }));
  }

  private async update<T>(id: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ApiError(404, 'NotFound', `no running exchange ${id}`);
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
      const cause = innermost(error);
      const type = cause instanceof ApplicationFailure ? (cause.type ?? '') : '';
      const status = STATUS_OF[type];
      if (status === undefined) throw error;
      throw new ApiError(status, type, cause!.message);
    }
  }

  private async state(id: string): Promise<ExchangeState | undefined> {
    if (!EXCHANGE_ID.test(id)) return undefined;
    try {
      const { status } = await this.client.workflow.getHandle(id).describe();
      if (status.name === 'RUNNING' || status.name === 'CONTINUED_AS_NEW') return 'RUNNING';
      if (status.name === 'COMPLETED' || status.name === 'CANCELLED') return status.name;
      return 'FAILED';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }
}

function innermost(failure: Error): Error | undefined {
  let cause: Error | undefined = failure.cause instanceof Error ? failure.cause : undefined;
  while (cause && cause.cause instanceof Error) cause = cause.cause;
  return cause;
}
