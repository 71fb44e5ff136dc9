import type { Channel } from '../lib/types';

/** One message to one giver. `to` is an email address or an E.164 phone number. */
export interface NotifyInput {
  runId: string;
  /** The giver, who receives the message. */
  name: string;
  /** Who the giver drew: the secret. */
  recipient: string;
  to: string;
  /** A resend: send even though this message went out before. */
  again?: boolean;
}

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
