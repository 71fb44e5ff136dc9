/** Enough of Twilio's API for the twilio client: POST /2010-04-01/Accounts/:sid/Messages.json (form-urlencoded). */
import { basicAuth, FakeHttpServer, type FakeRequest, type Reply, type SendRequest } from './fake-http-server';

export interface TwilioMessage {
  accountSid: string;
  from: string;
  to: string;
  body: string;
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

  protected route(req: FakeRequest): SendRequest | Reply {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.path);
    if (req.method !== 'POST' || !match) return twilioError(404, 20404, 'The requested resource was not found');
    const auth = basicAuth(req);
    if (this.authToken !== undefined && (auth?.user !== match[1] || auth.password !== this.authToken)) {
      return twilioError(401, 20003, 'Authenticate');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const message = { accountSid: match[1], from: form.get('From') ?? '', to: form.get('To') ?? '', body: form.get('Body') ?? '' };
    if (!message.to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!message.from) return twilioError(400, 21603, "A 'From' phone number is required.");
    return { to: message.to, accept: () => this.accept(message) };
  }

  private accept(message: TwilioMessage): Reply {
    this.messages.push(message);
    const sid = `SM${String(++this.sequence).padStart(32, '0')}`;
    const now = new Date().toUTCString();
    return {
      status: 201,
      body: {
        sid,
        account_sid: message.accountSid,
        to: message.to,
        from: message.from,
        body: message.body,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        num_media: '0',
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        date_sent: null,
        price: null,
        price_unit: 'USD',
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${sid}.json`,
      },
    };
  }

  protected errorBody(status: number): unknown {
    return twilioError(status, status === 429 ? 20429 : 20500, status === 429 ? 'Too Many Requests' : `Fake Twilio failure ${status}`).body;
  }
}

export async function startFakeTwilio(authToken?: string): Promise<FakeTwilio> {
  return new FakeTwilio(authToken).listen();
}
