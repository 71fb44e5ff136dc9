import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../lib/errors';

/** Failure type of a provider error worth retrying (5xx, 408, 429, network). */
export const PROVIDER_UNAVAILABLE = 'ProviderUnavailable';

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

/** Reads status, code and text the way mailgun.js (MailgunAPIError) and twilio (RestException, TwilioServiceException, AxiosError) expose them. */
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
 * The ApplicationFailure to throw for a provider error: 4xx (but 408, 429) is the provider refusing this message,
 * not retried; anything else (5xx, 408, 429, network, timeout) may pass later, so it is retried.
 * `secrets` (the message text, the recipient) are scrubbed from the provider's text: the draw stays secret in histories.
 */
export function providerFailure(provider: Provider, err: unknown, secrets: string[] = []): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const { status, code, text } = describe(err);
  const detail = { provider, status, code };
  const said = redact(text, secrets);
  if (status !== undefined) {
    const http = `HTTP ${status}${code ? ` (code ${code})` : ''}: ${said}`;
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return ApplicationFailure.nonRetryable(`${provider} rejected the message: ${http}`, ErrorType.ProviderRejected, detail);
    }
    return ApplicationFailure.retryable(`${provider} unavailable: ${http}`, PROVIDER_UNAVAILABLE, detail);
  }
  const what = code && NETWORK_CODE.test(code) ? 'unreachable' : 'request failed';
  return ApplicationFailure.retryable(`${provider} ${what}: ${said}`, PROVIDER_UNAVAILABLE, detail);
}
