/**
 * Enough of Twilio's API for the twilio client: POST /2010-04-01/Accounts/:sid/Messages.json (form-urlencoded), and
 * GET of the same path listing the accepted messages, newest first, filtered by To and From.
 */
import { basicAuth, FakeHttpServer, type FakeRequest, type LookupRequest, type Reply, type SendRequest } from './fake-http-server';

export interface TwilioMessage {
  accountSid: string;
  from: string;
  to: string;
  body: string;
  sid: string;
  /** When the fake accepted it (Twilio shows it to the second, as date_created). */
  at: Date;
}

/** Twilio's error body: {code, message, more_info, status}. */
function twilioError(status: number, code: number, message: string): Reply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

export class FakeTwilio extends FakeHttpServer {
  readonly messages: TwilioMessage[] = [];
  private sequence = 0;

  /** With `authToken`, requests with another token are refused with 401 like Twilio does. */
  constructor(private readonly authToken?: string) {
    super();
  }

  protected route(req: FakeRequest): SendRequest | LookupRequest | Reply {
    const url = new URL(req.path, 'http://fake');
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if ((req.method !== 'POST' && req.method !== 'GET') || !match) return twilioError(404, 20404, 'The requested resource was not found');
    const auth = basicAuth(req);
    if (this.authToken !== undefined && (auth?.user !== match[1] || auth.password !== this.authToken)) {
      return twilioError(401, 20003, 'Authenticate');
    }
    if (req.method === 'GET') return this.list(match[1], url);
    const form = new URLSearchParams(req.body.toString('utf8'));
    const message = { accountSid: match[1], from: form.get('From') ?? '', to: form.get('To') ?? '', body: form.get('Body') ?? '' };
    if (!message.to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!message.from) return twilioError(400, 21603, "A 'From' phone number is required.");
    return { to: message.to, accept: () => this.accept(message) };
  }

  private accept(fields: Omit<TwilioMessage, 'sid' | 'at'>): Reply {
    const message = { ...fields, sid: `SM${String(++this.sequence).padStart(32, '0')}`, at: new Date() };
    this.messages.push(message);
    return { status: 201, body: resource(message) };
  }

  /** The account's messages, newest first, filtered by To and From, one page of PageSize (default 50, at most 1,000). */
  private list(accountSid: string, url: URL): LookupRequest | Reply {
    const query = url.searchParams;
    const pageSize = Number(query.get('PageSize') ?? 50);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return twilioError(400, 20001, 'Invalid PageSize');
    const to = query.get('To');
    const from = query.get('From');
    return {
      to: to ?? '',
      answer: () => {
        const matching = this.messages.filter(
          (m) => m.accountSid === accountSid && (to === null || m.to === to) && (from === null || m.from === from),
        );
        const query = new URLSearchParams({
          ...(to === null ? {} : { To: to }),
          ...(from === null ? {} : { From: from }),
          PageSize: String(pageSize),
          Page: '0',
        });
        const page = `${url.pathname}?${query}`;
        return {
          status: 200,
          body: {
            messages: [...matching].reverse().slice(0, pageSize).map(resource),
            end: Math.max(0, Math.min(matching.length, pageSize) - 1),
            first_page_uri: page,
            next_page_uri: null,
            page: 0,
            page_size: pageSize,
            previous_page_uri: null,
            start: 0,
            uri: page,
          },
        };
      },
    };
  }

  protected errorBody(status: number): unknown {
    return twilioError(status, status === 429 ? 20429 : 20500, status === 429 ? 'Too Many Requests' : `Fake Twilio failure ${status}`).body;
  }
}

/** A message as Twilio answers it, on a send and in a list. */
function resource(message: TwilioMessage): Record<string, unknown> {
  const created = message.at.toUTCString();
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    to: message.to,
    from: message.from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-api',
    num_segments: '1',
    num_media: '0',
    api_version: '2010-04-01',
    date_created: created,
    date_updated: created,
    date_sent: null,
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
  };
}

export async function startFakeTwilio(authToken?: string): Promise<FakeTwilio> {
  return new FakeTwilio(authToken).listen();
}
