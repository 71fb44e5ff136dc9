import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../lib/config';
import { secretSantaMessage } from '../lib/message';
import { DEFAULT_PROVIDER_TIMEOUT_MS, type Notify, type NotifyInput, type NotifyOptions, type NotifyResult, type SendOptions } from './notify-types';
import type { Outbox } from './outbox';
import { providerFailure } from './provider-errors';

/** The hosts twilio builds URIs on: api.twilio.com, or api.<edge>.<region>.twilio.com when TWILIO_EDGE/TWILIO_REGION are set. */
const TWILIO_API_ORIGIN = /^https:\/\/api(\.[a-z0-9-]+)*\.twilio\.com(?=\/|$)/i;

/**
 * twilio's own HTTP client with the `https://api.twilio.com` prefix of every URI replaced by `apiUrl`
 * (TWILIO_API_URL): twilio has no base-URL option, but every request goes through `httpClient.request(opts)`.
 */
export class RebasedRequestClient extends twilio.RequestClient {
  private readonly base?: string;

  constructor(apiUrl: string | undefined, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = apiUrl?.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.base ? opts.uri.replace(TWILIO_API_ORIGIN, this.base) : opts.uri;
    return super.request({ ...opts, uri });
  }
}

/** Messages read per lookup, newest first: one number gets few texts from the run's sender. */
const LOOKUP_LIMIT = 50;

/** Activity sending one giver their draw by SMS: through Twilio, or to the outbox when Twilio is not configured. */
export function createNotifySms(config: Config['twilio'] | undefined, outbox: Outbox, options: NotifyOptions = {}): Notify {
  if (!config) {
    return async function notifySms(input: NotifyInput): Promise<NotifyResult> {
      outbox.warnOnce(`TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: text messages are written to ${outbox.dir}, nothing is sent`);
      const text = secretSantaMessage(input.name, input.recipient);
      const id = await outbox.write(input.runId, input.name, { channel: 'sms', to: input.to, text });
      return { channel: 'sms', via: 'outbox', id };
    };
  }

  const httpClient = new RebasedRequestClient(config.apiUrl, { timeout: options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS });
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
    const body = secretSantaMessage(input.name, input.recipient);
    try {
      if (send.sentSince && !input.again) {
        const sid = await acceptedSince(input.to, body, send.sentSince);
        if (sid !== undefined) return { channel: 'sms', via: 'twilio', id: sid };
      }
      const sent = await client.messages.create({ to: input.to, from, body });
      return { channel: 'sms', via: 'twilio', id: sent.sid };
    } catch (err) {
      throw providerFailure('Twilio', err, [body, input.recipient]);
    }
  };
}
