import FormData from 'form-data';
import Mailgun from 'mailgun.js';
import type { Config } from '../lib/config';
import { EMAIL_SUBJECT, secretSantaMessage } from '../lib/message';
import { DEFAULT_PROVIDER_TIMEOUT_MS, type NotifyInput, type NotifyOptions, type NotifyResult } from './notify-types';
import type { Outbox } from './outbox';
import { providerFailure } from './provider-errors';

/** Activity sending one giver their draw by email: through Mailgun, or to the outbox when Mailgun is not configured. */
export function createNotifyEmail(config: Config['mailgun'] | undefined, outbox: Outbox, options: NotifyOptions = {}) {
  if (!config) {
    return async function notifyEmail(input: NotifyInput): Promise<NotifyResult> {
      outbox.warnOnce(`MAILGUN_API_KEY/MAILGUN_DOMAIN not set: emails are written to ${outbox.dir}, nothing is sent`);
      const text = secretSantaMessage(input.name, input.recipient);
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
  return async function notifyEmail(input: NotifyInput): Promise<NotifyResult> {
    const text = secretSantaMessage(input.name, input.recipient);
    try {
      const sent = await client.messages.create(config.domain, { from: config.from, to: input.to, subject: EMAIL_SUBJECT, text });
      return { channel: 'email', via: 'mailgun', id: sent.id ?? '' };
    } catch (err) {
      throw providerFailure('Mailgun', err, [text, input.recipient]);
    }
  };
}
