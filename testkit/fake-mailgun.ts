/**
 * Enough of Mailgun's API for mailgun.js: POST /v3/:domain/messages (multipart form) answering {id, message}, and
 * POST /v1/analytics/logs (the Logs API, JSON) listing the accepted messages as Mailgun's logs do.
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

/** The Logs API's events (Mailgun's documented list); this fake only ever logs `accepted`. */
const LOG_EVENTS = new Set([
  'accepted',
  'delivered',
  'failed',
  'opened',
  'unique_opened',
  'clicked',
  'unique_clicked',
  'unsubscribed',
  'complained',
  'rejected',
  'stored',
  'email_validation',
  'list_uploaded',
  'list_member_uploaded',
  'list_member_upload_error',
  'trapped',
]);
/** Filter attributes the fake understands, each read from an accepted message; Mailgun knows more. */
const LOG_ATTRIBUTES: Record<string, (m: MailgunMessage) => string> = { domain: (m) => m.domain, recipient: (m) => m.to };

/** The Logs API's times: RFC 2822, e.g. `Mon, 08 Jul 2024 00:00:00 -0000`. */
const RFC_2822 = /^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/;
const asRfc2822 = (date: Date) => `${date.toUTCString().slice(0, 25)} -0000`;

interface LogsQuery {
  start?: Date;
  end?: Date;
  events: string[];
  /** Every condition must hold: the attribute read from a message is one of the values. */
  conditions: Array<{ attribute: string; read: (m: MailgunMessage) => string; values: string[] }>;
  limit: number;
  ascending: boolean;
}

/**
 * A Logs API request body as Mailgun documents it: {start, end, events, filter: {AND: [{attribute, comparator,
 * values: [{label, value}]}]}, pagination: {sort, limit}}; a string says what is wrong (Mailgun answers 400).
 */
function parseLogsQuery(body: Buffer): LogsQuery | string {
  let json: Record<string, unknown>;
  try {
    json = Object(JSON.parse(body.toString('utf8')));
  } catch {
    return 'the request body must be JSON';
  }
  const time = (name: 'start' | 'end'): Date | undefined | string => {
    const value = json[name];
    // mailgun.js sends an empty end when none is given: the default, now.
    if (value === undefined || value === '') return undefined;
    return typeof value === 'string' && RFC_2822.test(value) ? new Date(value) : `'${name}' must be a date in RFC 2822 format`;
  };
  const [start, end] = [time('start'), time('end')];
  if (typeof start === 'string') return start;
  if (typeof end === 'string') return end;
  const events = json.events ?? [];
  if (!Array.isArray(events) || events.some((e) => !LOG_EVENTS.has(e))) return `'events' must be a list of: ${[...LOG_EVENTS].join(', ')}`;
  const { sort = 'timestamp:desc', limit = 10 } = Object(json.pagination) as { sort?: unknown; limit?: unknown };
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)
    return "'pagination.limit' must be between 1 and 100";
  if (sort !== 'timestamp:asc' && sort !== 'timestamp:desc') return "'pagination.sort' must be 'timestamp:asc' or 'timestamp:desc'";
  const and = json.filter === undefined ? [] : (Object(json.filter) as { AND?: unknown }).AND;
  if (!Array.isArray(and)) return "'filter' must have an AND list";
  const conditions: LogsQuery['conditions'] = [];
  for (const condition of and as Array<{ attribute?: unknown; comparator?: unknown; values?: unknown }>) {
    const attribute = String(condition.attribute);
    const read = Object.hasOwn(LOG_ATTRIBUTES, attribute) ? LOG_ATTRIBUTES[attribute] : undefined;
    if (!read || condition.comparator !== '=') return `this fake cannot filter by ${JSON.stringify(condition)}`;
    const values = condition.values;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v?.label !== 'string' || typeof v?.value !== 'string')) {
      return "each filter condition needs 'values' of {label, value}";
    }
    conditions.push({ attribute, read, values: values.map((v: { value: string }) => v.value) });
  }
  return { start, end, events, conditions, limit, ascending: sort === 'timestamp:asc' };
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
    const send = /^\/v3\/([^/]+)\/messages$/.exec(url.pathname);
    const logs = url.pathname === '/v1/analytics/logs';
    if (req.method !== 'POST' || (!send && !logs)) return { status: 404, body: { message: 'Not Found' } };
    const auth = basicAuth(req);
    if (this.apiKey !== undefined && (auth?.user !== 'api' || auth.password !== this.apiKey)) return { status: 401, body: 'Forbidden' };
    return send ? this.send(decodeURIComponent(send[1]), req) : this.logs(req);
  }

  private send(domain: string, req: FakeRequest): SendRequest | Reply {
    const fields = parseMultipart(req.body, req.headers['content-type'] ?? '');
    const field = (name: string) => fields.get(name)?.join(', ') ?? '';
    const variables = Object.fromEntries(
      [...fields].filter(([name]) => name.startsWith('v:')).map(([name, values]) => [name.slice(2), values.join(', ')]),
    );
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

  /**
   * The accepted messages as the Logs API lists them: `accepted` entries in [start, end], meeting
   * every filter condition, one page of `pagination.limit`, newest first unless sorted ascending.
   */
  private logs(req: FakeRequest): LookupRequest | Reply {
    const query = parseLogsQuery(req.body);
    if (typeof query === 'string') return { status: 400, body: { message: query } };
    const { start, end, events, conditions, limit, ascending } = query;
    return {
      to: conditions.find((c) => c.attribute === 'recipient')?.values[0] ?? '',
      answer: () => {
        // Mailgun's defaults: until now, from a day before the end.
        const until = end ?? new Date();
        const from = start ?? new Date(until.getTime() - 86_400_000);
        const matching = this.messages.filter(
          (m) =>
            (events.length === 0 || events.includes('accepted')) &&
            m.at >= from &&
            m.at <= until &&
            conditions.every((c) => c.values.includes(c.read(m))),
        );
        const ordered = ascending ? matching : [...matching].reverse();
        const page = (name: string) => Buffer.from(`${name}:${this.sequence}`).toString('base64url');
        return {
          status: 200,
          body: {
            start: asRfc2822(from),
            end: asRfc2822(until),
            items: ordered.slice(0, limit).map((m) => this.logEntry(m)),
            pagination: { first: page('first'), last: page('last'), ...(ordered.length > limit ? { next: page('next') } : {}) },
            aggregates: {},
          },
        };
      },
    };
  }

  /** A message's `accepted` entry as the Logs API gives it: user variables as a JSON string, the message id without <>. */
  private logEntry(m: MailgunMessage): Record<string, unknown> {
    const id = m.id.replace(/^<|>$/g, '');
    return {
      id: Buffer.from(`${id}:accepted`).toString('base64url'),
      event: 'accepted',
      '@timestamp': m.at.toISOString(),
      account: { id: 'fake-account' },
      domain: { name: m.domain },
      recipient: m.to,
      'recipient-domain': m.to.split('@')[1] ?? '',
      method: 'HTTP',
      'log-level': 'info',
      tags: [],
      flags: {
        'is-authenticated': true,
        'is-system-test': false,
        'is-routed': false,
        'is-test-mode': false,
        'is-delayed-bounce': false,
        'is-callback': false,
        'is-encrypted': false,
      },
      envelope: { sender: m.from, targets: m.to, transport: 'smtp' },
      'user-variables': JSON.stringify(m.variables),
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
