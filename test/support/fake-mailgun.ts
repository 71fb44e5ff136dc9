/**
 * Enough of Mailgun's API for mailgun.js: POST /v3/:domain/messages (multipart form) answering {id, message}, and
 * GET /v3/:domain/events listing the accepted messages as Mailgun's events do.
 */
import { basicAuth, FakeHttpServer, type FakeRequest, type LookupRequest, type Reply, type SendRequest } from './fake-http-server';

export interface MailgunMessage {
  domain: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The `v:` user variables sent with it, by name without the `v:`. */
  variables: Record<string, string>;
  /** The message id as the send answered it, `<…>`. */
  id: string;
  /** When the fake accepted it. */
  at: Date;
}

/** Fields of a multipart/form-data body (text fields only: all mailgun.js sends for a plain email). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, string[]> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  const fields = new Map<string, string[]>();
  const parts = body.toString('utf8').split(`--${boundary[1] ?? boundary[2]}`);
  for (const part of parts.slice(1, -1)) {
    const split = part.indexOf('\r\n\r\n');
    const name = /name="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (split < 0 || name === undefined) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return fields;
}

/** Mailgun's `begin` / `end`: epoch seconds, or an RFC 2822 date. */
function epochSeconds(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value) / 1000;
}

export class FakeMailgun extends FakeHttpServer {
  readonly messages: MailgunMessage[] = [];
  private sequence = 0;

  /** With `apiKey`, requests with another key are refused with 401 like Mailgun does. */
  constructor(private readonly apiKey?: string) {
    super();
  }

  protected route(req: FakeRequest): SendRequest | LookupRequest | Reply {
    const url = new URL(req.path, 'http://fake');
    const match = /^\/v3\/([^/]+)\/(messages|events)$/.exec(url.pathname);
    const route = `${req.method} ${match?.[2]}`;
    if (!match || (route !== 'POST messages' && route !== 'GET events')) return { status: 404, body: { message: 'Not Found' } };
    const auth = basicAuth(req);
    if (this.apiKey !== undefined && (auth?.user !== 'api' || auth.password !== this.apiKey)) return { status: 401, body: 'Forbidden' };
    const domain = decodeURIComponent(match[1]);
    return route === 'GET events' ? this.events(domain, url.searchParams) : this.send(domain, req);
  }

  private send(domain: string, req: FakeRequest): SendRequest | Reply {
    const fields = parseMultipart(req.body, req.headers['content-type'] ?? '');
    const field = (name: string) => fields.get(name)?.join(', ') ?? '';
    const variables = Object.fromEntries([...fields].filter(([name]) => name.startsWith('v:')).map(([name, values]) => [name.slice(2), values.join(', ')]));
    const message = { domain, from: field('from'), to: field('to'), subject: field('subject'), text: field('text'), variables };
    for (const required of ['from', 'to', 'text'] as const) {
      if (!message[required]) return { status: 400, body: { message: `'${required}' parameter is missing` } };
    }
    return {
      to: message.to,
      accept: () => {
        const id = `<fake-${++this.sequence}@${domain}>`;
        this.messages.push({ ...message, id, at: new Date() });
        return { status: 200, body: { id, message: 'Queued. Thank you.' } };
      },
    };
  }

  /** The accepted messages as Mailgun's `accepted` events, filtered by recipient, event and time. */
  private events(domain: string, query: URLSearchParams): LookupRequest | Reply {
    const limit = Number(query.get('limit') ?? 300);
    if (!Number.isInteger(limit) || limit < 1 || limit > 300) return { status: 400, body: { message: "'limit' must be between 1 and 300" } };
    const recipient = query.get('recipient') ?? '';
    return {
      to: recipient,
      answer: () => {
        const begin = epochSeconds(query.get('begin'));
        const end = epochSeconds(query.get('end'));
        const event = query.get('event');
        const matching = this.messages.filter((m) => {
          const at = m.at.getTime() / 1000;
          return (
            m.domain === domain &&
            (recipient === '' || m.to === recipient) &&
            (event === null || event === 'accepted') &&
            (begin === undefined || at >= begin) &&
            (end === undefined || at <= end)
          );
        });
        // Newest first unless asked for ascending order.
        const ordered = query.get('ascending') === 'yes' ? matching : [...matching].reverse();
        const page = (name: string) => `${this.url}/v3/${encodeURIComponent(domain)}/events/${Buffer.from(`${name}:${this.sequence}`).toString('base64url')}`;
        return {
          status: 200,
          body: {
            items: ordered.slice(0, limit).map((m) => this.event(m)),
            paging: { first: page('first'), last: page('last'), next: page('next'), previous: page('previous') },
          },
        };
      },
    };
  }

  private event(m: MailgunMessage): Record<string, unknown> {
    const id = m.id.replace(/^<|>$/g, '');
    return {
      id: Buffer.from(`${id}:accepted`).toString('base64url'),
      event: 'accepted',
      timestamp: m.at.getTime() / 1000,
      recipient: m.to,
      'recipient-domain': m.to.split('@')[1] ?? '',
      'log-level': 'info',
      method: 'HTTP',
      tags: [],
      flags: { 'is-authenticated': true, 'is-test-mode': false },
      envelope: { sender: m.from, targets: m.to, transport: 'smtp' },
      'user-variables': m.variables,
      message: { headers: { to: m.to, 'message-id': id, from: m.from, subject: m.subject }, attachments: [], size: m.text.length },
    };
  }

  protected errorBody(status: number): unknown {
    return { message: status === 429 ? 'Too many requests' : `Fake Mailgun failure ${status}` };
  }
}

export async function startFakeMailgun(apiKey?: string): Promise<FakeMailgun> {
  return new FakeMailgun(apiKey).listen();
}
