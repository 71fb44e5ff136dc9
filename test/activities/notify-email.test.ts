import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createNotifyEmail } from '../../activities/notify-email';
import { messageToken } from '../../activities/notify-types';
import { Outbox } from '../../activities/outbox';
import type { MailgunConfig } from '../../lib/config';
import { refusedUrl } from '../../testkit/fake-http-server';
import { type FakeMailgun, startFakeMailgun } from '../../testkit/fake-mailgun';
import { failureOf as failureOfActivity } from '../../testkit/provider-failure';
import { retryLookupCases, since } from '../support/retry-lookup-cases';

const API_KEY = 'key-test';
const input = { runId: 'run-1', name: 'Alice', recipient: 'Bob', to: 'alice@example.com' };
const TEXT = "Hey Alice, you're Secret Santa for Bob this year!";
const mailgun = (url: string, apiKey = API_KEY): MailgunConfig => ({
  apiKey,
  domain: 'santa.test',
  url,
  from: 'Secret Santa <santa@santa.test>',
});

// The draw is secret: no failure may name the recipient or carry the message.
const failureOf = (promise: Promise<unknown>) => failureOfActivity(promise, ['Bob', TEXT]);

let fake: FakeMailgun;
let outbox: Outbox;
let warn: jest.Mock;

beforeEach(async () => {
  fake = await startFakeMailgun(API_KEY);
  warn = jest.fn();
  outbox = new Outbox(await mkdtemp(path.join(tmpdir(), 'santa-outbox-')), { warn });
});
afterEach(async () => {
  await fake.close();
  await rm(outbox.dir, { recursive: true, force: true });
});

describe('notifyEmail through Mailgun', () => {
  it('sends the contract text and subject', async () => {
    const result = await createNotifyEmail(mailgun(fake.url), outbox)(input);
    expect(result).toEqual({ channel: 'email', via: 'mailgun', id: '<fake-1@santa.test>' });
    expect(fake.messages).toEqual([
      {
        domain: 'santa.test',
        from: 'Secret Santa <santa@santa.test>',
        to: 'alice@example.com',
        subject: 'Who are you Secret Santa for?',
        text: TEXT,
        variables: { 'santa-message': messageToken('run-1', 'email', 'Alice') },
        id: '<fake-1@santa.test>',
        at: expect.any(Date),
      },
    ]);
    // A first attempt cannot have sent anything before: no lookup.
    expect(fake.lookups).toBe(0);
    expect(warn).not.toHaveBeenCalled();
  });

  it('names each message with a token of its run, channel and giver that holds neither names nor the draw', () => {
    const token = messageToken('run-1', 'email', 'Alice');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(messageToken('run-1', 'email', 'Alice')).toBe(token);
    expect(
      new Set([
        token,
        messageToken('run-2', 'email', 'Alice'),
        messageToken('run-1', 'sms', 'Alice'),
        messageToken('run-1', 'email', 'Carol'),
      ]).size,
    ).toBe(4);
  });

  it.each([500, 503, 408, 429])('HTTP %i is a retryable failure', async (status) => {
    fake.failNext(1, status);
    const failure = await failureOf(createNotifyEmail(mailgun(fake.url), outbox)(input));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ProviderUnavailable');
    expect(failure.message).toContain(`HTTP ${status}`);
    expect(failure.message).toContain('Mailgun');
  });

  it('HTTP 400 is a non-retryable ProviderRejected carrying the provider text', async () => {
    fake.failAlwaysFor('alice@example.com', { status: 400, body: { message: "'to' parameter is not a valid address" } });
    const failure = await failureOf(createNotifyEmail(mailgun(fake.url), outbox)(input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ProviderRejected');
    expect(failure.message).toMatch(/Mailgun rejected the message: HTTP 400.*'to' parameter is not a valid address/);
  });

  it('redacts the message and the recipient when the provider echoes them', async () => {
    fake.failNext(1, { status: 400, body: { message: `cannot send "${TEXT}" (about Bob)` } });
    const failure = await failureOf(createNotifyEmail(mailgun(fake.url), outbox)(input));
    expect(failure.message).toContain('[redacted]');
  });

  it('a wrong API key is rejected, not retried', async () => {
    const failure = await failureOf(createNotifyEmail(mailgun(fake.url, 'wrong'), outbox)(input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('HTTP 401');
  });

  it('connection refused, reset and timeout are retryable', async () => {
    const refused = await failureOf(createNotifyEmail(mailgun(await refusedUrl()), outbox)(input));
    expect(refused).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(refused.message).toContain('ECONNREFUSED');

    fake.failNext(1, 'reset');
    expect(await failureOf(createNotifyEmail(mailgun(fake.url), outbox)(input))).toMatchObject({
      nonRetryable: false,
      type: 'ProviderUnavailable',
    });

    fake.delayMs = 1_000;
    const timedOut = await failureOf(createNotifyEmail(mailgun(fake.url), outbox, { timeoutMs: 100 })(input));
    expect(timedOut).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
  });

  it('a retry after a failure asks Mailgun, finds nothing accepted, and sends once', async () => {
    const notify = createNotifyEmail(mailgun(fake.url), outbox);
    fake.failNext(1, 500);
    await expect(notify(input)).rejects.toThrow(ApplicationFailure);
    expect(await notify(input, { sentSince: since() })).toEqual({ channel: 'email', via: 'mailgun', id: '<fake-1@santa.test>' });
    expect([fake.requests, fake.lookups]).toEqual([2, 1]);
    expect(fake.messages).toHaveLength(1);
  });

  it('counts requests in flight', async () => {
    const notify = createNotifyEmail(mailgun(fake.url), outbox);
    fake.delayMs = 50;
    await Promise.all([1, 2, 3, 4, 5].map((i) => notify({ ...input, to: `p${i}@example.com` })));
    expect(fake.maxInFlight).toBe(5);
    expect(fake.inFlight).toBe(0);
    expect(fake.messages.map((m) => m.to).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `p${i}@example.com`));
  });
});

describe('notifyEmail retried: Mailgun is asked first whether it took the message', () => {
  it('a retry after a lost answer finds the accepted message and does not send it again', async () => {
    const notify = createNotifyEmail(mailgun(fake.url), outbox);
    const sentSince = since();
    fake.failNext(1, 'accept-then-reset');
    const lost = await failureOf(notify(input));
    expect(lost).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(fake.messages).toHaveLength(1);

    expect(await notify(input, { sentSince })).toEqual({ channel: 'email', via: 'mailgun', id: '<fake-1@santa.test>' });
    expect(fake.lookups).toBe(1);
    expect(fake.messages).toHaveLength(1);
  });

  it('only this message counts: not the same giver in another run, not another giver to the same address', async () => {
    const notify = createNotifyEmail(mailgun(fake.url), outbox);
    const sentSince = since();
    await notify({ ...input, runId: 'run-0' });
    await notify({ ...input, name: 'Carol', recipient: 'Dan' });
    expect(await notify(input, { sentSince })).toEqual({ channel: 'email', via: 'mailgun', id: '<fake-3@santa.test>' });
    expect(fake.messages.map((m) => m.to)).toEqual(['alice@example.com', 'alice@example.com', 'alice@example.com']);
  });

  retryLookupCases(() => ({ notify: createNotifyEmail(mailgun(fake.url), outbox), fake, input, secrets: ['Bob', TEXT] }));
});

describe('notifyEmail without Mailgun credentials', () => {
  it('writes the message to the outbox, warns once, and a retry overwrites the same file', async () => {
    const notify = createNotifyEmail(undefined, outbox);
    const first = await notify(input);
    const again = await notify(input);
    const file = path.join(outbox.dir, 'run-1', 'email', 'alice.json');
    expect(first).toEqual({ channel: 'email', via: 'outbox', id: file });
    expect(again.id).toBe(file);
    expect(await readdir(path.dirname(file))).toEqual(['alice.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      channel: 'email',
      to: 'alice@example.com',
      subject: 'Who are you Secret Santa for?',
      text: TEXT,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(`MAILGUN_API_KEY/MAILGUN_DOMAIN not set: emails are written to ${outbox.dir}, nothing is sent`);
  });

  it('gives names that lose characters in their slug a distinct file name', async () => {
    const notify = createNotifyEmail(undefined, outbox);
    const a = await notify({ ...input, name: 'Jo Ann' });
    const b = await notify({ ...input, name: 'Jo-Ann' });
    expect(path.basename(a.id)).toMatch(/^jo-ann-[0-9a-f]{8}\.json$/);
    expect(path.basename(b.id)).toBe('jo-ann.json');
  });
});
