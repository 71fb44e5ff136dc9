import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createNotifySms } from '../../activities/notify-sms';
import { Outbox } from '../../activities/outbox';
import type { TwilioConfig } from '../../lib/config';
import { refusedUrl } from '../../testkit/fake-http-server';
import { type FakeTwilio, startFakeTwilio } from '../../testkit/fake-twilio';
import { failureOf as failureOfActivity } from '../../testkit/provider-failure';
import { retryLookupCases, since } from '../support/retry-lookup-cases';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'token-test';
const input = { runId: 'run-1', name: 'Alice', recipient: 'Bob', to: '+447700900001' };
const TEXT = "Hey Alice, you're Secret Santa for Bob this year!";
const twilio = (apiUrl: string, authToken = TOKEN): TwilioConfig => ({ accountSid: SID, authToken, apiUrl, from: 'SecretSanta' });

// The draw is secret: no failure may name the recipient or carry the message.
const failureOf = (promise: Promise<unknown>) => failureOfActivity(promise, ['Bob', TEXT]);

let fake: FakeTwilio;
let outbox: Outbox;
let warn: jest.Mock;

beforeEach(async () => {
  fake = await startFakeTwilio(TOKEN);
  warn = jest.fn();
  outbox = new Outbox(await mkdtemp(path.join(tmpdir(), 'santa-outbox-')), { warn });
});
afterEach(async () => {
  await fake.close();
  await rm(outbox.dir, { recursive: true, force: true });
});

describe('notifySms through Twilio', () => {
  it('sends the contract text to TWILIO_API_URL instead of api.twilio.com', async () => {
    const result = await createNotifySms(twilio(`${fake.url}/`), outbox)(input);
    expect(result).toEqual({ channel: 'sms', via: 'twilio', id: `SM${'1'.padStart(32, '0')}` });
    expect(fake.messages).toEqual([
      { accountSid: SID, from: 'SecretSanta', to: '+447700900001', body: TEXT, sid: result.id, at: expect.any(Date) },
    ]);
    // A first attempt cannot have sent anything before: no lookup.
    expect(fake.lookups).toBe(0);
    expect(warn).not.toHaveBeenCalled();
  });

  it('still reaches TWILIO_API_URL when TWILIO_EDGE / TWILIO_REGION rewrite the host', async () => {
    process.env.TWILIO_EDGE = 'dublin';
    try {
      await createNotifySms(twilio(fake.url), outbox)(input);
    } finally {
      delete process.env.TWILIO_EDGE;
    }
    expect(fake.messages).toHaveLength(1);
  });

  it.each([500, 503, 408, 429])('HTTP %i is a retryable failure', async (status) => {
    fake.failNext(1, status);
    const failure = await failureOf(createNotifySms(twilio(fake.url), outbox)(input));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ProviderUnavailable');
    expect(failure.message).toContain(`HTTP ${status}`);
    expect(failure.message).toContain('Twilio');
  });

  it('HTTP 400 is a non-retryable ProviderRejected carrying the provider text and code', async () => {
    fake.failAlwaysFor('+447700900001', {
      status: 400,
      body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 },
    });
    const failure = await failureOf(createNotifySms(twilio(fake.url), outbox)(input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ProviderRejected');
    expect(failure.message).toBe("Twilio rejected the message: HTTP 400 (code 21211): The 'To' number is not a valid phone number.");
  });

  it('redacts the message and the recipient when the provider echoes them', async () => {
    fake.failNext(1, { status: 400, body: { code: 21617, message: `body too long: "${TEXT}" (about Bob)`, status: 400 } });
    const failure = await failureOf(createNotifySms(twilio(fake.url), outbox)(input));
    expect(failure.message).toContain('[redacted]');
  });

  it('a wrong auth token is rejected, not retried', async () => {
    const failure = await failureOf(createNotifySms(twilio(fake.url, 'wrong'), outbox)(input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('HTTP 401 (code 20003): Authenticate');
  });

  it('connection refused, reset and timeout are retryable', async () => {
    const refused = await failureOf(createNotifySms(twilio(await refusedUrl()), outbox)(input));
    expect(refused).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(refused.message).toContain('ECONNREFUSED');

    fake.failNext(1, 'reset');
    expect(await failureOf(createNotifySms(twilio(fake.url), outbox)(input))).toMatchObject({
      nonRetryable: false,
      type: 'ProviderUnavailable',
    });

    fake.delayMs = 1_000;
    const timedOut = await failureOf(createNotifySms(twilio(fake.url), outbox, { timeoutMs: 100 })(input));
    expect(timedOut).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
  });

  it('counts requests in flight', async () => {
    const notify = createNotifySms(twilio(fake.url), outbox);
    fake.delayMs = 50;
    await Promise.all([1, 2, 3, 4].map((i) => notify({ ...input, to: `+44770090000${i}` })));
    expect(fake.maxInFlight).toBe(4);
    expect(fake.messages).toHaveLength(4);
  });
});

describe('notifySms retried: Twilio is asked first whether it took the message', () => {
  it('a retry after a lost answer finds the accepted message and does not send it again', async () => {
    const notify = createNotifySms(twilio(fake.url), outbox);
    const sentSince = since();
    fake.failNext(1, 'accept-then-reset');
    expect(await failureOf(notify(input))).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(fake.messages).toHaveLength(1);

    expect(await notify(input, { sentSince })).toEqual({ channel: 'sms', via: 'twilio', id: fake.messages[0].sid });
    expect(fake.lookups).toBe(1);
    expect(fake.messages).toHaveLength(1);
  });

  it('a retry when nothing was accepted sends: another text to the number, or this text from another sender, does not count', async () => {
    await createNotifySms(twilio(fake.url), outbox)({ ...input, name: 'Carol', recipient: 'Dan' });
    await createNotifySms({ ...twilio(fake.url), from: '+15005550006' }, outbox)(input);
    const notify = createNotifySms(twilio(fake.url), outbox);
    fake.failNext(1, 500);
    await expect(notify(input)).rejects.toThrow(ApplicationFailure);
    const result = await notify(input, { sentSince: since() });
    expect(result.id).toBe(fake.messages[2].sid);
    expect(fake.lookups).toBe(1);
    expect(fake.messages.map((m) => [m.from, m.body])).toEqual([
      ['SecretSanta', "Hey Carol, you're Secret Santa for Dan this year!"],
      ['+15005550006', TEXT],
      ['SecretSanta', TEXT],
    ]);
  });

  retryLookupCases(() => ({ notify: createNotifySms(twilio(fake.url), outbox), fake, input, secrets: ['Bob', TEXT] }));
});

describe('notifySms without Twilio credentials', () => {
  it('writes the message to the outbox, warns once, and a retry overwrites the same file', async () => {
    const notify = createNotifySms(undefined, outbox);
    const first = await notify(input);
    await notify(input);
    const file = path.join(outbox.dir, 'run-1', 'sms', 'alice.json');
    expect(first).toEqual({ channel: 'sms', via: 'outbox', id: file });
    expect(await readdir(path.dirname(file))).toEqual(['alice.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ channel: 'sms', to: '+447700900001', text: TEXT, at: expect.any(String) });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      `TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: text messages are written to ${outbox.dir}, nothing is sent`,
    );
  });
});
