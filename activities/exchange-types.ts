import type { ExchangeSettings } from '../lib/exchange/messages';
import type { ParticipantAction } from '../lib/exchange/schedule';

export type { ExchangeSettings };

/**
 * One message of an exchange, as the workflow asks for it and its history holds it: a kind and whom it is about, by
 * the participant's place in the file (everyone gets one) or by the link id of whoever acted. Never whom it goes to
 * when that would tell a pair: the worker finds the Santa or the giftee itself.
 */
export interface ExchangeMessage {
  exchangeId: string;
  /** Unique in the exchange: names the message for the provider's retry lookup. */
  id: string;
  kind: 'invitation' | 'drawn' | 'reminder' | 'reveal' | 'wishlist' | 'asked' | 'answered';
  /** The participant (file order) for the messages everyone gets. */
  index?: number;
  /** Who acted, for the others: the wishlist's writer, the asking Santa, the answering giftee. */
  linkId?: string;
  /** The thread entry asked or answered. */
  entry?: number;
}

/** A participant's action from their page: who by link id, what, and the text sealed for their link (never in clear). */
export interface ActInput {
  exchangeId: string;
  linkId: string;
  action: ParticipantAction;
  sealed: string;
}

export interface ActResult {
  /** People with a wishlist: +1 for a first one, -1 for one cleared. */
  wishlists: -1 | 0 | 1;
  /** The entry written in a thread (ask, answer). */
  entry?: number;
  /** Whether someone is to be told (a wishlist before the draw has no Santa yet). */
  notify: boolean;
}

export interface ThreadEntry {
  from: 'santa' | 'giftee';
  text: string;
  at: string;
}

/** What a participant's page shows, sealed for their link. Never their Santa's name, but after a chosen reveal. */
export interface ExchangePageView {
  name: string;
  wishlist: string;
  recipient?: { name: string; wishlist: string };
  /** My questions to the person I give to, and their answers. */
  toGiftee: ThreadEntry[];
  /** My Santa's questions to me, and my answers. */
  fromSanta: ThreadEntry[];
  santa?: string;
}

export interface Wishlist {
  text: string;
  at: string;
}
