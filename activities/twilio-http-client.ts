import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import Response from 'twilio/lib/http/response';

/** The hosts twilio builds URIs on: api.twilio.com, or api.<edge>.<region>.twilio.com when TWILIO_EDGE/TWILIO_REGION are set. */
const TWILIO_API_ORIGIN = /^https:\/\/api(\.[a-z0-9-]+)*\.twilio\.com(?=\/|$)/i;

/**
 * The HTTP client the twilio library sends through (its documented `httpClient` option), on node:http with
 * keep-alive: the library builds every request (path, form, auth) and reads every answer (errors, pages);
 * this only carries them. Its default client goes through axios, which cost about as much CPU per message as
 * Temporal's own work for the activity (bench/RESULTS.md). With `apiUrl` (TWILIO_API_URL), the
 * `https://api.twilio.com` prefix of every URI is replaced: twilio has no base-URL option.
 */
export class TwilioHttpClient extends twilio.RequestClient {
  private readonly base?: string;
  private readonly timeoutMs: number;
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(apiUrl: string | undefined, { timeoutMs }: { timeoutMs: number }) {
    super({ timeout: timeoutMs });
    this.base = apiUrl?.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(this.base ? opts.uri.replace(TWILIO_API_ORIGIN, this.base) : opts.uri);
    for (const [name, value] of formEntries(opts.params)) url.searchParams.append(name, value);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (opts.username && opts.password)
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    const body = requestBody(opts.data, headers['Content-Type']);
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    const timeout = opts.timeout ?? this.timeoutMs;
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        { method: opts.method.toUpperCase(), headers, agent: https ? this.agents.https : this.agents.http, timeout },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve(
              new Response<TData>(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8') as TData, res.headers as IncomingHttpHeaders),
            ),
          );
        },
      );
      // Named like Node's own network errors, so it is retried as one (provider-errors.ts).
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Form fields as twilio's own client sends them: arrays as repeated keys, dates as ISO 8601, nothing for undefined. */
function formEntries(fields: unknown): Array<[string, string]> {
  if (!fields || typeof fields !== 'object') return [];
  return Object.entries(fields as Record<string, unknown>).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value])
      .filter((v) => v !== undefined && v !== null)
      .map((v): [string, string] => [name, v instanceof Date ? v.toISOString() : String(v)]),
  );
}

function requestBody(data: unknown, contentType: string | undefined): string | undefined {
  if (data === undefined || data === null) return undefined;
  if (contentType === 'application/json') return JSON.stringify(data);
  return new URLSearchParams(formEntries(data)).toString();
}
