import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../lib/errors';

/** Failure type of a provider error worth retrying (5xx, 408, 429, network). */
export const PROVIDER_UNAVAILABLE = 'ProviderUnavailable';
/** Failure type of a retry's lookup that may pass later (5xx, 408, 429, network): asked again while the budget lasts. */
export const PROVIDER_LOOKUP_FAILED = 'ProviderLookupFailed';
/** Failure type of a retry's lookup the provider refused (4xx but 408, 429): asking again would get the same answer. */
export const PROVIDER_LOOKUP_REFUSED = 'ProviderLookupRefused';

export type Provider = 'Mailgun' | 'Twilio';

/** Node / axios error codes: ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED (axios timeout), ERR_NETWORK... */
const NETWORK_CODE = /^(E[A-Z0-9_]+|ERR_[A-Z0-9_]+)$/;

interface ErrorLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  details?: unknown;
  detail?: unknown;
  type?: unknown;
}

interface Described {
  status?: number;
  code?: string;
  text: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Reads status, code and text the way mailgun.js (MailgunAPIError) and twilio (RestException, TwilioServiceException, AxiosError) expose
 * them.
 */
function describe(err: unknown): Described {
  const e: ErrorLike = typeof err === 'object' && err !== null ? err : {};
  const message = str(e.message) ?? String(err);
  const extra = str(e.details) ?? str(e.detail);
  const text = extra && extra !== message ? `${message}: ${extra}` : message;
  const code = str(e.code) ?? (typeof e.code === 'number' && e.code !== 0 ? String(e.code) : undefined);
  // mailgun.js turns a request with no response into status 400 with the Node error code as message.
  if (e.type === 'MailgunAPIError' && NETWORK_CODE.test(message)) return { code: message, text };
  return { status: typeof e.status === 'number' ? e.status : undefined, code, text };
}

/** Removes every occurrence of the secrets (message text, recipient), longest first. */
function redact(text: string, secrets: string[]): string {
  return [...secrets]
    .filter((s) => s.trim() !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((acc, s) => acc.split(s).join('[redacted]'), text);
}

/**
 * A provider error read: `refused` when the provider refuses for good (4xx but 408, 429), and why, as a status line or
 * a network failure. `secrets` (the message text, the recipient) are scrubbed from the provider's text: the draw stays
 * secret in histories.
 */
function read(provider: Provider, err: unknown, secrets: string[]) {
  const { status, code, text } = describe(err);
  const detail = { provider, status, code };
  const said = redact(text, secrets);
  if (status === undefined) {
    const what = code && NETWORK_CODE.test(code) ? 'unreachable' : 'request failed';
    return { detail, refused: false, why: `${what}: ${said}` };
  }
  const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
  return { detail, refused, why: `HTTP ${status}${code ? ` (code ${code})` : ''}: ${said}` };
}

/**
 * The ApplicationFailure to throw for a provider error: 4xx (but 408, 429) is the provider refusing this message,
 * not retried; anything else (5xx, 408, 429, network, timeout) may pass later, so it is retried.
 */
export function providerFailure(provider: Provider, err: unknown, secrets: string[] = []): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const { detail, refused, why } = read(provider, err, secrets);
  if (refused) return ApplicationFailure.nonRetryable(`${provider} rejected the message: ${why}`, ErrorType.ProviderRejected, detail);
  return ApplicationFailure.retryable(
    `${provider} ${detail.status === undefined ? why : `unavailable: ${why}`}`,
    PROVIDER_UNAVAILABLE,
    detail,
  );
}

/**
 * The ApplicationFailure to throw when a retry's lookup ("did the provider already take this message?") fails. It is
 * never the message's failure, so it is always retryable, even when refused for good: the notify activity
 * (notify-retries.ts) then sends without the lookup, as it does when the retry budget is nearly spent.
 */
export function lookupFailure(provider: Provider, err: unknown, secrets: string[] = []): ApplicationFailure {
  const { detail, refused, why } = read(provider, err, secrets);
  return refused
    ? ApplicationFailure.retryable(`${provider} refused the lookup: ${why}`, PROVIDER_LOOKUP_REFUSED, detail)
    : ApplicationFailure.retryable(`${provider} lookup failed: ${why}`, PROVIDER_LOOKUP_FAILED, detail);
}
