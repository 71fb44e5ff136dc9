import { createHash } from 'node:crypto';
import type { DrawSeal } from '../lib/codec/draw-seal';
import { pathSegment } from './keys';
import type { ObjectStore } from './object-store';

/**
 * Keys of what an exchange keeps beside its run's objects (`runs/<id>/…`, the draw at `allocations/<id>.json`).
 * A person's wishlist and their thread are named by a hash of their link's secret: a bucket reader sees which objects
 * change, never whose they are.
 */
export const exchangeKeys = {
  /** Title, budget, dates: the organiser's own words, not sealed. */
  settings: (id: string) => `exchanges/${pathSegment(id)}/settings.json`,
  /** Every participant's personal link secret, sealed: made at the invitation, before the draw. */
  links: (id: string) => `exchanges/${pathSegment(id)}/links.json`,
  wishlist: (id: string, token: string) => `exchanges/${pathSegment(id)}/wishlists/${personRef(token)}.json`,
  /** One Santa's questions to their giftee and the answers. */
  thread: (id: string, token: string) => `exchanges/${pathSegment(id)}/threads/${personRef(token)}.json`,
  /** Written on gift day when the organiser chose the reveal: the participants' pages may then name their Santa. */
  revealed: (id: string) => `exchanges/${pathSegment(id)}/revealed.json`,
};

/** Names a person's objects: a hash of their link's secret, distinct from the link id that travels through Temporal. */
function personRef(token: string): string {
  return createHash('sha256').update(`santa-exchange-object\0${token}`).digest('hex').slice(0, 32);
}

/**
 * An exchange's changing objects (wishlists, threads), sealed under the draw key and bound to their keys. Unlike
 * RunData's, these are rewritten and never cached: the workflow runs one change at a time.
 */
export class ExchangeData {
  constructor(
    readonly store: ObjectStore,
    private readonly seal: DrawSeal,
  ) {}

  async read<T>(key: string): Promise<T | undefined> {
    const body = await this.store.get(key);
    return body === undefined ? undefined : this.seal.open<T>(key, body);
  }

  async write(key: string, value: unknown): Promise<void> {
    await this.store.put(key, this.seal.seal(key, value));
  }
}
