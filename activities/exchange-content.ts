import { ApplicationFailure } from '@temporalio/common';
import { linkId as linkIdOf } from '../lib/codec/draw-seal';
import type { Participant } from '../lib/types';
import { exchangeKeys, type ExchangeData } from '../storage/exchange-data';
import { allocationKey, type RunData, runKeys } from '../storage/run-data';
import type { ExchangeSettings, ThreadEntry, Wishlist } from './exchange-types';
import type { StoredAllocation } from './store-allocations';

/** Error types of participants' actions: the API answers each with its own status. */
export const ExchangeError = {
  UnknownLink: 'UnknownLink',
  InvalidText: 'InvalidText',
  NotNow: 'NotNow',
  TooMany: 'TooMany',
} as const;

export type Links = Record<string, string>;

const byLinkId = new WeakMap<Links, Map<string, string>>();
const giversOf = new WeakMap<StoredAllocation, Map<string, string>>();

/** What one exchange's activities read: its people, links, draw and changing content, all inside the worker. */
export class ExchangeContent {
  constructor(
    readonly data: RunData,
    readonly content: ExchangeData,
    readonly exchangeId: string,
  ) {}

  /** Read afresh, not from RunData's cache: once the retention ends they are gone, and the pages must say so. */
  async links(): Promise<Links | undefined> {
    return this.content.read<Links>(exchangeKeys.links(this.exchangeId));
  }

  async linksOrFail(): Promise<Links> {
    const links = await this.links();
    if (!links) throw ApplicationFailure.nonRetryable('this exchange has ended: its content was deleted', ExchangeError.NotNow);
    return links;
  }

  /** The participant holding a link, by its id, or undefined. */
  async owner(linkId: string): Promise<{ name: string; token: string; links: Links } | undefined> {
    const links = await this.links();
    if (!links) return undefined;
    let index = byLinkId.get(links);
    if (!index) byLinkId.set(links, (index = new Map(Object.entries(links).map(([name, token]) => [linkIdOf(token), name]))));
    const name = index.get(linkId);
    return name === undefined ? undefined : { name, token: links[name], links };
  }

  settings(): Promise<ExchangeSettings> {
    return this.data.read<ExchangeSettings>(exchangeKeys.settings(this.exchangeId));
  }

  participants(): Promise<Participant[]> {
    return this.data.read<Participant[]>(runKeys.participants(this.exchangeId));
  }

  /** The stored draw, or undefined before it. */
  draw(): Promise<StoredAllocation | undefined> {
    return this.data.readSealed<StoredAllocation>(allocationKey(this.exchangeId)).catch(() => undefined);
  }

  async wishlist(token: string): Promise<string> {
    return (await this.content.read<Wishlist>(exchangeKeys.wishlist(this.exchangeId, token)))?.text ?? '';
  }

  async thread(token: string): Promise<ThreadEntry[]> {
    return (await this.content.read<ThreadEntry[]>(exchangeKeys.thread(this.exchangeId, token))) ?? [];
  }

  async revealed(): Promise<boolean> {
    return (await this.data.store.get(exchangeKeys.revealed(this.exchangeId))) !== undefined;
  }
}

/** Who gives to `recipient`: their Santa. */
export function santaIn(draw: StoredAllocation, recipient: string): string | undefined {
  let index = giversOf.get(draw);
  if (!index) giversOf.set(draw, (index = new Map(draw.pairs.map((p) => [p.recipient, p.giver]))));
  return index.get(recipient);
}
