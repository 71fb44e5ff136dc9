import type { Definition } from 'states-language-temporal';
import { FreshReads } from './fresh-reads';
import { pathSegment } from './keys';
import type { ObjectStore } from './object-store';

export const stateMachineKey = (name: string) => `state-machines/${pathSegment(name)}.json`;

/** How long the API keeps a definition it read (see FreshReads), and how many it keeps. */
export const DEFINITION_READS = { freshForMs: 1000, maxEntries: 32 };

/** Stored States Language definitions, in the same bucket or folder as the draws: the runtime's DefinitionSource. */
export class StateMachineStore {
  private readonly reads: FreshReads<Definition | undefined>;

  /** `reads` left out: every get reads the store (the worker, which reads a definition once a run). */
  constructor(
    private readonly store: ObjectStore,
    reads: { freshForMs: number; maxEntries: number } = { freshForMs: 0, maxEntries: 0 },
  ) {
    this.reads = new FreshReads(async (name) => {
      const body = await this.store.get(stateMachineKey(name));
      return body === undefined ? undefined : (JSON.parse(body) as Definition);
    }, reads);
  }

  async put(name: string, definition: Definition): Promise<void> {
    await this.store.put(stateMachineKey(name), JSON.stringify(definition, null, 2) + '\n');
    this.reads.forget(name);
  }

  /** Shared between callers while fresh: not to be changed. */
  get(name: string): Promise<Definition | undefined> {
    return this.reads.get(name);
  }

  /** After this process deleted its object. */
  forget(name: string): void {
    this.reads.forget(name);
  }
}
