import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import type { Config } from '../lib/config';
import { EMAIL_SUBJECT, secretSantaMessage } from '../lib/message';
import { DEFAULT_PROVIDER_TIMEOUT_MS, messageToken, type Notify, type NotifyInput, type NotifyOptions, type NotifyResult, type SendOptions } from './notify-types';
import type { Outbox } from './outbox';
import { providerFailure } from './provider-errors';

/** The Mailgun user variable (`v:santa-message`) naming the message, so a retry can find it among the accepted events. */
export const MESSAGE_VARIABLE = 'santa-message';
/** Accepted events read per lookup: one person gets few messages from a run's domain. */
const LOOKUP_LIMIT = 300;

/** Activity sending one giver their draw by email: through Mailgun, or to the outbox when Mailgun is not configured. */
export function createNotifyEmail(config: Config['mailgun'] | undefined, outbox: Outbox, options: NotifyOptions = {}): Notify {
  if (!config) {
    return async function notifyEmail(input: NotifyInput): Promise<NotifyResult> {
      outbox.warnOnce(`MAILGUN_API_KEY/MAILGUN_DOMAIN not set: emails are written to ${outbox.dir}, nothing is sent`);
      const text = secretSantaMessage(input.name, input.recipient, input.link);
      const id = await outbox.write(input.runId, input.name, { channel: 'email', to: input.to, subject: EMAIL_SUBJECT, text });
      return { channel: 'email', via: 'outbox', id };
    };
  }

  const client = new Mailgun(FormData).client({
    username: 'api',
    key: config.apiKey,
    ...(config.url ? { url: config.url } : {}),
    timeout: options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
  });
  const { domain, from } = config;

  /** The id of this message if Mailgun accepted it since `since`: its accepted event carries the message's token. */
  async function acceptedSince(to: string, token: string, since: Date): Promise<string | undefined> {
    const events = await client.events.get(domain, {
      recipient: to,
      event: 'accepted',
      begin: String(Math.floor(since.getTime() / 1000)),
      ascending: 'yes',
      limit: LOOKUP_LIMIT,
    });
    const event = events.items.find((item) => item['user-variables']?.[MESSAGE_VARIABLE] === token);
    return event && (event.message?.headers?.['message-id'] ?? '');
  }

  return async function notifyEmail(input: NotifyInput, send: SendOptions = {}): Promise<NotifyResult> {
    const text = secretSantaMessage(input.name, input.recipient, input.link);
    const token = messageToken(input.runId, 'email', input.name);
    try {
      if (send.sentSince && !input.again) {
        const id = await acceptedSince(input.to, token, send.sentSince);
        if (id !== undefined) return { channel: 'email', via: 'mailgun', id: bracketed(id) };
      }
      const sent = await client.messages.create(domain, {
        from,
        to: input.to,
        subject: EMAIL_SUBJECT,
        text,
        [`v:${MESSAGE_VARIABLE}`]: token,
      });
      return { channel: 'email', via: 'mailgun', id: sent.id ?? '' };
    } catch (err) {
      throw providerFailure('Mailgun', err, [text, input.recipient, input.link ?? '']);
    }
  };
}

/** Mailgun answers a send with `<id>` and names it `id` (no brackets) in its events: the result uses the send's form. */
const bracketed = (id: string) => (id === '' || id.startsWith('<') ? id : `<${id}>`);
