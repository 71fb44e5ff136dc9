import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../lib/errors';
import type { Participant } from '../lib/types';
import type { RunData } from './run-data';
import type { StoredAllocation } from './store-allocations';

/** One message to decide on: the giver's contacts and whom they give to. */
export interface NotificationItem {
  name: string;
  recipient: string;
  email?: string;
  phone?: string;
}

export interface LoadBatchInput {
  allocationKey: string;
  participantsKey: string;
  /** Pairs [start, end) of the stored draw. */
  start: number;
  end: number;
}

/** A slice of the stored draw with its givers' contacts: batches read by key, so no payload grows with the run. */
export function createLoadBatch(data: RunData) {
  return async function loadBatch({ allocationKey, participantsKey, start, end }: LoadBatchInput): Promise<NotificationItem[]> {
    const [allocation, participants] = await Promise.all([
      data.read<StoredAllocation>(allocationKey),
      data.read<Participant[]>(participantsKey),
    ]);
    const byName = contactsByName(participants);
    return allocation.pairs.slice(start, end).map(({ giver, recipient }) => ({ name: giver, recipient, ...byName.get(giver) }));
  };
}

const contactIndexes = new WeakMap<Participant[], Map<string, { email?: string; phone?: string }>>();

/** Indexed once per stored participants list (RunData caches the list itself). */
function contactsByName(participants: Participant[]) {
  let index = contactIndexes.get(participants);
  if (!index) {
    index = new Map(participants.map((p) => [p.name, { email: p.email, phone: p.phone }]));
    contactIndexes.set(participants, index);
  }
  return index;
}

export interface FindNotificationInput {
  allocationKey: string;
  participantsKey: string;
  name: string;
}

/** One giver's message from the stored draw, for a resend: never a new draw. Names match case-insensitively. */
export function createFindNotification(data: RunData) {
  return async function findNotification({ allocationKey, participantsKey, name }: FindNotificationInput): Promise<NotificationItem> {
    const [allocation, participants] = await Promise.all([
      data.read<StoredAllocation>(allocationKey),
      data.read<Participant[]>(participantsKey),
    ]);
    const wanted = name.trim().toLowerCase();
    const pair = allocation.pairs.find((p) => p.giver.toLowerCase() === wanted);
    if (!pair) throw ApplicationFailure.nonRetryable(`nobody called "${name}" takes part in this run`, ErrorType.UnknownParticipant);
    return { name: pair.giver, recipient: pair.recipient, ...contactsByName(participants).get(pair.giver) };
  };
}
