import { sealForLink } from '../lib/codec/draw-seal';
import { giverByLink, recipientOf } from './messages';
import { allocationKey, type RunData } from '../storage/run-data';
import type { StoredAllocation } from './store-allocations';

export interface RevealDrawInput {
  runId: string;
  /** The id of the participant's link (a hash): the link itself never travels through Temporal. */
  linkId: string;
}

/** What a participant's page shows: their own name and whom they give to. */
export interface RevealedDraw {
  name: string;
  recipient: string;
}

/**
 * A participant's own draw, sealed for the holder of their link: the history keeps ciphertext that only the link
 * opens, and the API, which has the link from the URL, opens it. `found: false` for a link no giver has.
 */
export function createRevealDraw(data: RunData) {
  return async function revealDraw({ runId, linkId }: RevealDrawInput): Promise<{ found: false } | { found: true; sealed: string }> {
    const stored = await data.readSealed<StoredAllocation>(allocationKey(runId)).catch(() => undefined);
    if (!stored) return { found: false };
    const name = await giverByLink(data, runId, linkId);
    const recipient = name === undefined ? undefined : recipientOf(stored, name);
    if (name === undefined || recipient === undefined) return { found: false };
    return { found: true, sealed: sealForLink(stored.links[name], { name, recipient } satisfies RevealedDraw) };
  };
}
