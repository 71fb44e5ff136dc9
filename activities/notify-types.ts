import { createHash } from 'node:crypto';
import type { Channel } from '../lib/types';

/**
 * What the workflow asks for, and all that its history holds: the giver and where to tell them. The activity finds
 * whom they give to itself, in the worker, from the sealed draw.
 */
export interface NotifyRequest {
  runId: string;
  /** The giver, who receives the message. */
  name: string;
  /** The giver's own email address or E.164 phone number, as the run's participants list has it. */
  to: string;
  /** A resend: send even though this message went out before. */
  again?: boolean;
}

/** One message to one giver as the worker sends it. `to` is an email address or an E.164 phone number. */
export interface NotifyInput extends NotifyRequest {
  /** Who the giver drew: the secret. Never in a payload. */
  recipient: string;
  /** The giver's personal link (a secret too). */
  link?: string;
  /** Another message than the draw's (an exchange's invitation, question, reminder...), composed in the worker. */
  text?: string;
  /** Its email subject. */
  subject?: string;
}

/** How one message is sent, beside its input. */
export interface SendOptions {
  /**
   * The message may already have been accepted by the provider since this time (a retry: after a crash, a
   * timeout, a lost answer): ask the provider first and send only if it has no such message. Ignored for a resend.
   */
  sentSince?: Date;
}

/** One message of a run as a notify function sends it: through a provider, or to the outbox. */
export type Notify = (input: NotifyInput, options?: SendOptions) => Promise<NotifyResult>;

export interface NotifyResult {
  channel: Channel;
  via: 'mailgun' | 'twilio' | 'outbox';
  /** Provider message id, or the outbox file path. */
  id: string;
}

/** Options shared by the notify factories. */
export interface NotifyOptions {
  /** HTTP timeout per provider request; kept below the activity's start-to-close timeout. */
  timeoutMs?: number;
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 30_000;

/**
 * A token naming one message of a run (run, channel, giver), sent with it so the provider can tell whether it
 * already took that very message. A hash: it carries neither the names nor the recipient.
 */
export function messageToken(runId: string, channel: Channel, name: string): string {
  return createHash('sha256')
    .update(JSON.stringify([runId, channel, name]))
    .digest('hex')
    .slice(0, 32);
}
