import twilio from 'twilio';
import type { Config } from '../lib/config';
import { secretSantaMessage } from '../lib/message';
import {
  DEFAULT_PROVIDER_TIMEOUT_MS,
  type Notify,
  type NotifyInput,
  type NotifyOptions,
  type NotifyResult,
  type SendOptions,
} from './notify-types';
import type { Outbox } from './outbox';
import { lookupFailure, providerFailure } from './provider-errors';
import { TwilioHttpClient } from './twilio-http-client';

/** Messages read per lookup, newest first: one number gets few texts from the run's sender. */
const LOOKUP_LIMIT = 50;

/** Activity sending one giver their draw by SMS: through Twilio, or to the outbox when Twilio is not configured. */
export function createNotifySms(config: Config['twilio'] | undefined, outbox: Outbox, options: NotifyOptions = {}): Notify {
  if (!config) {
    return async function notifySms(input: NotifyInput): Promise<NotifyResult> {
      outbox.warnOnce(`TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: text messages are written to ${outbox.dir}, nothing is sent`);
      const text = input.text ?? secretSantaMessage(input.name, input.recipient, input.link);
      const id = await outbox.write(input.runId, input.name, { channel: 'sms', to: input.to, text });
      return { channel: 'sms', via: 'outbox', id };
    };
  }

  const httpClient = new TwilioHttpClient(config.apiUrl, { timeoutMs: options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS });
  const client = twilio(config.accountSid, config.authToken, { httpClient });
  const { from } = config;

  /**
   * The sid of this message if Twilio accepted it since `since`: a message with this very text, to this number, from
   * this sender. Twilio keeps no metadata of ours on a message; the text names the giver and the recipient, so another
   * message with the same text is this one (or the same words, which tell the giver nothing new).
   */
  async function acceptedSince(to: string, body: string, since: Date): Promise<string | undefined> {
    const recent = await client.messages.list({ to, from, limit: LOOKUP_LIMIT });
    return recent.find((message) => message.body === body && message.dateCreated >= since)?.sid;
  }

  return async function notifySms(input: NotifyInput, send: SendOptions = {}): Promise<NotifyResult> {
    const body = input.text ?? secretSantaMessage(input.name, input.recipient, input.link);
    try {
      if (send.sentSince && !input.again) {
        const sid = await acceptedSince(input.to, body, send.sentSince).catch((err: unknown) => {
          throw lookupFailure('Twilio', err, [body, input.recipient, input.link ?? '']);
        });
        if (sid !== undefined) return { channel: 'sms', via: 'twilio', id: sid };
      }
      const sent = await client.messages.create({ to: input.to, from, body });
      return { channel: 'sms', via: 'twilio', id: sent.sid };
    } catch (err) {
      throw providerFailure('Twilio', err, [body, input.recipient, input.link ?? '']);
    }
  };
}
