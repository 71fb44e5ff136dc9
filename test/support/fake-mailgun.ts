/** Enough of Mailgun's API for mailgun.js: POST /v3/:domain/messages (multipart form) answering {id, message}. */
import { basicAuth, FakeHttpServer, type FakeRequest, type Reply, type SendRequest } from './fake-http-server';

export interface MailgunMessage {
  domain: string;
  from: string;
  to: string;
  subject: string;
  text: string;
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

export class FakeMailgun extends FakeHttpServer {
  readonly messages: MailgunMessage[] = [];
  private sequence = 0;

  /** With `apiKey`, requests with another key are refused with 401 like Mailgun does. */
  constructor(private readonly apiKey?: string) {
    super();
  }

  protected route(req: FakeRequest): SendRequest | Reply {
    const match = /^\/v3\/([^/]+)\/messages$/.exec(req.path);
    if (req.method !== 'POST' || !match) return { status: 404, body: { message: 'Not Found' } };
    const auth = basicAuth(req);
    if (this.apiKey !== undefined && (auth?.user !== 'api' || auth.password !== this.apiKey)) return { status: 401, body: 'Forbidden' };
    const fields = parseMultipart(req.body, req.headers['content-type'] ?? '');
    const field = (name: string) => fields.get(name)?.join(', ') ?? '';
    const message = { domain: decodeURIComponent(match[1]), from: field('from'), to: field('to'), subject: field('subject'), text: field('text') };
    for (const required of ['from', 'to', 'text'] as const) {
      if (!message[required]) return { status: 400, body: { message: `'${required}' parameter is missing` } };
    }
    return {
      to: message.to,
      accept: () => {
        this.messages.push(message);
        return { status: 200, body: { id: `<fake-${++this.sequence}@${message.domain}>`, message: 'Queued. Thank you.' } };
      },
    };
  }

  protected errorBody(status: number): unknown {
    return { message: status === 429 ? 'Too many requests' : `Fake Mailgun failure ${status}` };
  }
}

export async function startFakeMailgun(apiKey?: string): Promise<FakeMailgun> {
  return new FakeMailgun(apiKey).listen();
}
