import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../lib/errors';
import type { Participant } from '../lib/types';
import { giverByLink } from './messages';
import type { RunData } from '../storage/run-data';

/**
 * One message to decide on: a giver and their contacts. Never whom they give to: the notify activity finds that
 * itself, in the worker, from the sealed draw.
 */
export interface NotificationItem {
  name: string;
  email?: string;
  phone?: string;
}

export interface LoadBatchInput {
  participantsKey: string;
  /** Participants [start, end), in the file's order: an order that says nothing of the draw. */
  start: number;
  end: number;
}

/** A slice of the run's givers with their contacts: batches read by key, so no payload grows with the run. */
export function createLoadBatch(data: RunData) {
  return async function loadBatch({ participantsKey, start, end }: LoadBatchInput): Promise<NotificationItem[]> {
    const participants = await data.read<Participant[]>(participantsKey);
    return participants.slice(start, end).map(contactsOf);
  };
}

const contactsOf = ({ name, email, phone }: Participant): NotificationItem => ({ name, email, phone });

export interface FindNotificationInput {
  runId: string;
  participantsKey: string;
  /** The giver, by name (the organiser's resend; matched case-insensitively) or by their personal link's id. */
  name?: string;
  linkId?: string;
}

/** One giver of a stored draw, for a resend: never a new draw. */
export function createFindNotification(data: RunData) {
  return async function findNotification({
    runId,
    participantsKey,
    name,
    linkId: wanted,
  }: FindNotificationInput): Promise<NotificationItem> {
    const participants = await data.read<Participant[]>(participantsKey);
    const giver = wanted !== undefined ? await giverByLink(data, runId, wanted) : name;
    const lower = giver?.trim().toLowerCase();
    const found = lower === undefined ? undefined : participants.find((p) => p.name.toLowerCase() === lower);
    if (!found) {
      throw ApplicationFailure.nonRetryable(
        wanted !== undefined ? 'no participant has this link' : `nobody called "${name}" takes part in this run`,
        ErrorType.UnknownParticipant,
      );
    }
    return contactsOf(found);
  };
}
