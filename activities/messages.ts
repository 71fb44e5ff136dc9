import { ApplicationFailure } from '@temporalio/common';
import { linkId } from '../lib/codec/draw-seal';
import { ErrorType } from '../lib/errors';
import { personalLink } from '../lib/message';
import type { Channel, Participant } from '../lib/types';
import type { NotifyInput, NotifyRequest, NotifyResult } from './notify-types';
import { allocationKey, type RunData, runKeys } from '../storage/run-data';
import type { StoredAllocation } from './store-allocations';

/** Indexed once per stored object (RunData caches the objects themselves), so a run of 100,000 looks each up in O(1). */
const recipients = new WeakMap<StoredAllocation, Map<string, string>>();
const giversByLink = new WeakMap<StoredAllocation, Map<string, string>>();
const contacts = new WeakMap<Participant[], Map<string, Participant>>();

function indexed<K extends object, V>(cache: WeakMap<K, V>, of: K, build: () => V): V {
  let index = cache.get(of);
  if (!index) cache.set(of, (index = build()));
  return index;
}

/** Whom `giver` gives to in a stored draw. */
export function recipientOf(stored: StoredAllocation, giver: string): string | undefined {
  return indexed(recipients, stored, () => new Map(stored.pairs.map((p) => [p.giver, p.recipient]))).get(giver);
}

/** The giver whose personal link has this id (a hash of the link: the link itself never travels), or undefined. */
export async function giverByLink(data: RunData, runId: string, wanted: string): Promise<string | undefined> {
  const stored = await data.readSealed<StoredAllocation>(allocationKey(runId));
  return indexed(giversByLink, stored, () => new Map(Object.entries(stored.links).map(([giver, token]) => [linkId(token), giver]))).get(
    wanted,
  );
}

/**
 * The message a request stands for, completed inside the worker: whom the giver gives to and their personal link,
 * from the sealed draw. The address must be the giver's own, as the run's participants list has it, so no request
 * can have someone's draw sent elsewhere.
 */
export function createResolveMessage(data: RunData, publicUrl: string, channel: Channel) {
  return async function resolveMessage(request: NotifyRequest): Promise<NotifyInput> {
    const { runId, name, to } = request;
    const [stored, participants] = await Promise.all([
      data.readSealed<StoredAllocation>(allocationKey(runId)),
      data.read<Participant[]>(runKeys.participants(runId)),
    ]);
    const giver = indexed(contacts, participants, () => new Map(participants.map((p) => [p.name, p]))).get(name);
    const recipient = recipientOf(stored, name);
    const own = channel === 'email' ? giver?.email : giver?.phone;
    if (!giver || recipient === undefined || own !== to) {
      throw ApplicationFailure.nonRetryable(
        `${name} has no such ${channel === 'email' ? 'email address' : 'phone number'} in run ${runId}`,
        ErrorType.UnknownParticipant,
      );
    }
    return { ...request, recipient, link: personalLink(publicUrl, runId, stored.links[name]) };
  };
}

/** A notify activity that takes a request (what histories hold) and sends the whole message. */
export function fromRequest(
  resolve: (request: NotifyRequest) => Promise<NotifyInput>,
  send: (input: NotifyInput) => Promise<NotifyResult>,
) {
  return async (request: NotifyRequest): Promise<NotifyResult> => send(await resolve(request));
}
