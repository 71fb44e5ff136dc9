import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import type { Config } from '../lib/config';
import { EMAIL_SUBJECT, secretSantaMessage } from '../lib/message';
import {
  DEFAULT_PROVIDER_TIMEOUT_MS,
  messageToken,
  type Notify,
  type NotifyInput,
  type NotifyOptions,
  type NotifyResult,
  type SendOptions,
} from './notify-types';
import type { Outbox } from './outbox';
import { lookupFailure, providerFailure } from './provider-errors';

/** The Mailgun user variable (`v:santa-message`) naming the message, so a retry can find it among the accepted messages' logs. */
export const MESSAGE_VARIABLE = 'santa-message';
/** Log entries read per lookup (Mailgun's most per page), newest first: one person gets few messages from a run's domain. */
const LOOKUP_LIMIT = 100;

/** Activity sending one giver their draw by email: through Mailgun, or to the outbox when Mailgun is not configured. */
export function createNotifyEmail(config: Config['mailgun'] | undefined, outbox: Outbox, options: NotifyOptions = {}): Notify {
  if (!config) {
    return async function notifyEmail(input: NotifyInput): Promise<NotifyResult> {
      outbox.warnOnce(`MAILGUN_API_KEY/MAILGUN_DOMAIN not set: emails are written to ${outbox.dir}, nothing is sent`);
      const text = input.text ?? secretSantaMessage(input.name, input.recipient, input.link);
      const id = await outbox.write(input.runId, input.name, {
        channel: 'email',
        to: input.to,
        subject: input.subject ?? EMAIL_SUBJECT,
        text,
      });
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

  /**
   * The id of this message if Mailgun accepted it since `since`: its `accepted` entry in Mailgun's logs (the Logs API;
   * its Events API is deprecated) carries the message's token. Mailgun filters by domain and recipient; the token is
   * matched here, as Mailgun documents no filter on user variables. No end time: Mailgun's own now, whatever our clock says.
   */
  async function acceptedSince(to: string, token: string, since: Date): Promise<string | undefined> {
    const logs = await client.logs.list({
      start: since,
      events: ['accepted'],
      filter: { AND: [equals('domain', domain), equals('recipient', to)] },
      pagination: { sort: 'timestamp:desc', limit: LOOKUP_LIMIT },
    });
    const entry = logs.items.find((item) => userVariables(item['user-variables'])[MESSAGE_VARIABLE] === token);
    return entry && (entry.message?.headers?.['message-id'] ?? '');
  }

  return async function notifyEmail(input: NotifyInput, send: SendOptions = {}): Promise<NotifyResult> {
    const text = input.text ?? secretSantaMessage(input.name, input.recipient, input.link);
    const token = messageToken(input.runId, 'email', input.name);
    try {
      if (send.sentSince && !input.again) {
        const id = await acceptedSince(input.to, token, send.sentSince).catch((err: unknown) => {
          throw lookupFailure('Mailgun', err, [text, input.recipient, input.link ?? '']);
        });
        if (id !== undefined) return { channel: 'email', via: 'mailgun', id: bracketed(id) };
      }
      const sent = await client.messages.create(domain, {
        from,
        to: input.to,
        subject: input.subject ?? EMAIL_SUBJECT,
        text,
        [`v:${MESSAGE_VARIABLE}`]: token,
      });
      return { channel: 'email', via: 'mailgun', id: sent.id ?? '' };
    } catch (err) {
      throw providerFailure('Mailgun', err, [text, input.recipient, input.link ?? '']);
    }
  };
}

/** Mailgun answers a send with `<id>` and names it `id` (no brackets) in its logs: the result uses the send's form. */
const bracketed = (id: string) => (id === '' || id.startsWith('<') ? id : `<${id}>`);

/** A condition of a Logs API filter: `attribute` is `value`. */
const equals = (attribute: string, value: string) => ({ attribute, comparator: '=', values: [{ label: value, value }] });

/** A log entry's `v:` variables, which Mailgun gives as a JSON object in a string. */
function userVariables(json: string | undefined): Record<string, unknown> {
  try {
    return Object(JSON.parse(json ?? '{}'));
  } catch {
    return {};
  }
}
