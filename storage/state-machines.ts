import type { Definition } from 'states-language-temporal';
import { pathSegment } from './keys';
import type { ObjectStore } from './object-store';

export const stateMachineKey = (name: string) => `state-machines/${pathSegment(name)}.json`;

/** Stored States Language definitions, in the same bucket or folder as the draws: the runtime's DefinitionSource. */
export class StateMachineStore {
  constructor(private readonly store: ObjectStore) {}

  async put(name: string, definition: Definition): Promise<void> {
    await this.store.put(stateMachineKey(name), JSON.stringify(definition, null, 2) + '\n');
  }

  async get(name: string): Promise<Definition | undefined> {
    const body = await this.store.get(stateMachineKey(name));
    return body === undefined ? undefined : (JSON.parse(body) as Definition);
  }
}
