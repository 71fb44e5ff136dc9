import type { Definition } from 'states-language-temporal';
import { FreshReads } from './fresh-reads';
import { pathSegment } from './keys';
import type { ObjectStore } from './object-store';
import { type StateMachineStore, stateMachineKey } from './state-machines';

export type MachineType = 'STANDARD' | 'EXPRESS';

/** What the Step Functions API keeps of a state machine besides its definition. Dates in epoch ms. */
export interface MachineRecord {
  name: string;
  type: MachineType;
  roleArn: string;
  creationDate: number;
  updateDate: number;
  revisionId: string;
  tags: Record<string, string>;
  loggingConfiguration?: unknown;
  tracingConfiguration?: unknown;
}

/** AWS's default quota: state machines per account and region. */
export const MAX_STATE_MACHINES = 10_000;

const INDEX_KEY = 'sfn/state-machines.json';
const definitionTextKey = (name: string) => `sfn/definitions/${pathSegment(name)}.json`;

export class MachineLimitError extends Error {}

/**
 * The state machines of the Step Functions API: one index object (the object store lists nothing) holding every
 * machine's record, its definition's text as given (DescribeStateMachine answers it unchanged), and the parsed
 * definition in the StateMachineStore, where the worker's loadStateMachine and the REST routes read it.
 * Changes go one at a time through this process; two API processes writing at once could lose one (documented).
 * Reads are kept for `reads.freshForMs` (FreshReads): this process's changes are seen at once, another's within it.
 */
export class MachineRegistry {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly index: FreshReads<{ machines: MachineRecord[]; byName: Map<string, MachineRecord> }>;

  constructor(
    private readonly store: ObjectStore,
    private readonly definitions: StateMachineStore,
    reads: { freshForMs: number } = { freshForMs: 0 },
  ) {
    this.index = new FreshReads(
      async () => {
        const machines = await this.readIndex();
        return { machines, byName: new Map(machines.map((m) => [m.name, m])) };
      },
      { freshForMs: reads.freshForMs, maxEntries: 1 },
    );
  }

  private async readIndex(): Promise<MachineRecord[]> {
    const body = await this.store.get(INDEX_KEY);
    if (body === undefined) return [];
    return (JSON.parse(body) as { machines: MachineRecord[] }).machines;
  }

  /** Shared between callers while fresh: not to be changed. */
  async list(): Promise<readonly MachineRecord[]> {
    return (await this.index.get(INDEX_KEY)).machines;
  }

  async get(name: string): Promise<MachineRecord | undefined> {
    return (await this.index.get(INDEX_KEY)).byName.get(name);
  }

  async definitionText(name: string): Promise<string | undefined> {
    return this.store.get(definitionTextKey(name));
  }

  /**
   * Runs `change` on the records with nothing else changing them; it answers the new list (or undefined: no change)
   * and a result. The definition, when given, is written before the index names it.
   */
  update<T>(
    change: (machines: MachineRecord[]) => {
      machines?: MachineRecord[];
      result: T;
      definition?: { name: string; text: string; parsed: Definition };
    },
  ): Promise<T> {
    const run = this.queue.then(async () => {
      // Read afresh, not as kept: the change is made to what is stored now.
      const { machines, result, definition } = change(await this.readIndex());
      if (machines && machines.length > MAX_STATE_MACHINES) throw new MachineLimitError(`at most ${MAX_STATE_MACHINES} state machines`);
      if (definition) {
        await this.store.put(definitionTextKey(definition.name), definition.text);
        await this.definitions.put(definition.name, definition.parsed);
      }
      if (machines) {
        await this.store.put(INDEX_KEY, JSON.stringify({ machines }));
        this.index.forget(INDEX_KEY);
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Its definition objects, once the index no longer names it. */
  async forget(name: string): Promise<void> {
    await this.store.delete(definitionTextKey(name));
    await this.store.delete(stateMachineKey(name));
    this.definitions.forget(name);
  }
}
