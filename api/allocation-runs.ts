import { createHash, randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { ObjectStore } from '../activities/object-store';
import { uploadParticipants } from '../activities/run-data';
import { allocate } from '../lib/allocation/allocate';
import type { TemporalConfig } from '../lib/config';
import { readParticipants } from '../lib/participants/validate';
import { secretSanta, statusQuery } from '../workflows';
import type { SecretSantaInput } from '../workflows/secret-santa';
import { initialStatus, type RunStatus } from '../workflows/status';

export type RunState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface StartOptions {
  seed?: number;
  dryRun?: boolean;
  maxConcurrency?: number;
  idempotencyKey?: string;
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
    return `${this.temporal.uiUrl}/namespaces/${encodeURIComponent(this.temporal.namespace)}/workflows/${encodeURIComponent(id)}`;
  }

  /**
   * Checks the file and that a draw exists before anything starts, so a bad file never becomes a run.
   * The same idempotency key always names the same run.
   */
  async start(csv: string, options: StartOptions): Promise<{ id: string; status: RunState }> {
    const id = options.idempotencyKey ? idFromKey(options.idempotencyKey) : `santa-${randomUUID()}`;
    if (options.idempotencyKey) {
      const existing = await this.state(id);
      if (existing) return { id, status: existing };
    }
    const participants = readParticipants(csv);
    allocate(participants, options.seed ?? 0);
    const csvKey = await uploadParticipants(this.store, id, csv);
    const input: SecretSantaInput = { csvKey, seed: options.seed, dryRun: options.dryRun, maxConcurrency: options.maxConcurrency };
    try {
      await this.client.workflow.start(secretSanta, {
        workflowId: id,
        taskQueue: this.temporal.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    return { id, status: (await this.state(id)) ?? 'RUNNING' };
  }

  /** Undefined for an unknown id. Never carries the draw: RunStatus holds counts only. */
  async get(id: string): Promise<AllocationView | undefined> {
    const state = await this.state(id);
    if (!state) return undefined;
    const handle = this.client.workflow.getHandle<typeof secretSanta>(id);
    if (state === 'COMPLETED') return { id, status: state, ...(await handle.result()) };
    if (state === 'RUNNING') return { id, status: state, ...(await handle.query(statusQuery)) };
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

function failureMessage(failure: unknown): string {
  if (failure instanceof WorkflowFailedError) {
    let cause: Error | undefined = failure.cause;
    while (cause && 'cause' in cause && cause.cause instanceof Error) cause = cause.cause;
    return cause?.message ?? failure.message;
  }
  return failure instanceof Error ? failure.message : String(failure);
}
