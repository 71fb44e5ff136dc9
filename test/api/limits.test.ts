/**
 * The API's guards against abuse: body size, participants and problems per file, rate limiting,
 * bearer tokens, and answers that never show internals, even when Temporal fails.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { type Config, loadConfig } from '../../lib/config';
import { MAX_PARTICIPANTS } from '../../lib/participants/parse';
import { MAX_PROBLEMS } from '../../lib/participants/validate';
import { testConfig } from '../support/config';
import { runsOnQueue } from '../../testkit/queue';
import { until } from '../../testkit/until';
import { connectTestTemporal, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

const GOOD = 'Alice,alice@example.com,,\nBob,bob@example.com,,\n';
const LEAKS = /\n\s+at |node_modules|\/work\/|\.ts:\d+/;

let temporal: TestTemporal;
const apps: FastifyInstance[] = [];

/** An app on its own task queue (no worker: nothing here may start a run), with env overrides. */
async function appWith(env: Record<string, string> = {}, client?: Client, logger: Parameters<typeof buildApp>[0]['logger'] = false) {
  const config: Config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('limits'), ...env });
  const app = await buildApp({ config, client: client ?? temporal.client, logger });
  apps.push(app);
  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/allocations', payload, headers: { 'content-type': 'text/csv', ...headers } });
  return { app, config, post, runs: () => runsOnQueue(temporal.client, config.temporal.taskQueue) };
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await temporal?.close();
});

describe('size limits', () => {
  it('answers 413 naming the limit to a body over 16 MiB, and starts nothing', async () => {
    const { post, runs } = await appWith();
    const over = Buffer.alloc(16 * 1024 * 1024 + 1, 'a');
    const res = await post(over);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: 'PayloadTooLarge',
      message: 'the request body is larger than the limit of 16 MiB (16777216 bytes)',
    });
    expect(await runs()).toBe(0);
  });

  it(`answers 400 to more than ${MAX_PARTICIPANTS.toLocaleString('en')} participants, at the line of the first one too many`, async () => {
    const { post, runs } = await appWith();
    const rows = Array.from({ length: MAX_PARTICIPANTS + 5 }, (_, i) => `P${i},,+4477${String(i).padStart(8, '0')}`);
    const res = await post(`name,email,phone\n${rows.join('\n')}\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'InvalidParticipants',
      details: [{ line: MAX_PARTICIPANTS + 2, field: 'file', message: expect.stringContaining('more than the limit of 200,000') }],
    });
    expect(await runs()).toBe(0);
  });

  it(`lists at most ${MAX_PROBLEMS} problems, and says how many more there are`, async () => {
    const { post } = await appWith();
    const res = await post(Array.from({ length: 3000 }, (_, i) => `P${i},bad-email-${i},,`).join('\n'));
    expect(res.statusCode).toBe(400);
    const { details } = res.json();
    expect(details).toHaveLength(MAX_PROBLEMS + 1);
    expect(details.at(-1)).toEqual({
      line: MAX_PROBLEMS + 1,
      field: 'file',
      message: '2,000 more problems from this line on are not listed',
    });
  });
});

describe('rate limiting', () => {
  it('answers 429 with a JSON error and Retry-After past RATE_LIMIT_MAX, and never limits /health', async () => {
    const { app, post } = await appWith({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
    for (let i = 0; i < 3; i++) expect((await post('x')).statusCode).toBe(400);
    const limited = await post(GOOD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: 'TooManyRequests',
      message: expect.stringMatching(/^too many requests: at most 3 in 1 minute from one address; retry in /),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Other routes share the client's budget; the health check is exempt.
    expect((await app.inject({ method: 'GET', url: '/allocations/santa-nope' })).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('counts requests before authentication, so tokens cannot be guessed at speed', async () => {
    const { post } = await appWith({ RATE_LIMIT_MAX: '2', API_TOKEN: 'the-right-token' });
    expect((await post(GOOD, { authorization: 'Bearer guess-1' })).statusCode).toBe(401);
    expect((await post(GOOD, { authorization: 'Bearer guess-2' })).statusCode).toBe(401);
    expect((await post(GOOD, { authorization: 'Bearer the-right-token' })).statusCode).toBe(429);
  });

  it('lets the client in again once RATE_LIMIT_WINDOW has passed', async () => {
    const { post } = await appWith({ RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW: '1s' });
    expect((await post('x')).statusCode).toBe(400);
    expect((await post('x')).statusCode).toBe(429);
    const status = await until(
      'the rate limit window to pass',
      async () => {
        const { statusCode } = await post('x');
        return statusCode === 429 ? undefined : statusCode;
      },
      10_000,
    );
    expect(status).toBe(400);
  });

  it('refuses a nonsensical configuration at start, naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_MAX: '0' })).toThrow('RATE_LIMIT_MAX must be a whole number above 0, not "0"');
    expect(() => loadConfig({ RATE_LIMIT_WINDOW: 'soon' })).toThrow(
      /RATE_LIMIT_WINDOW must be a duration such as 60000 \(milliseconds\), 30s, 1 minute/,
    );
    expect(loadConfig({}).api.rateLimit).toEqual({ max: 1000, windowMs: 60_000 });
    expect(loadConfig({ RATE_LIMIT_MAX: '20', RATE_LIMIT_WINDOW: '2 hours' }).api.rateLimit).toEqual({ max: 20, windowMs: 7_200_000 });
    expect(loadConfig({ RATE_LIMIT_WINDOW: '1500' }).api.rateLimit.windowMs).toBe(1500);
  });
});

describe('bearer token (API_TOKEN)', () => {
  const TOKEN = 'correct-horse-battery-staple';

  it.each([
    ['no Authorization header', {}],
    ['a wrong token of the same length', { authorization: `Bearer ${TOKEN.replace('c', 'k')}` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, 5)}` }],
    ['the token without the Bearer scheme', { authorization: TOKEN }],
    ['the token as Basic credentials', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
    ['the token followed by more', { authorization: `Bearer ${TOKEN}x` }],
  ])('answers 401 to %s, and starts nothing', async (_, headers: Record<string, string>) => {
    const { post, runs } = await appWith({ API_TOKEN: TOKEN });
    const res = await post(GOOD, headers);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ error: 'Unauthorized', message: 'a valid bearer token is required' });
    expect(await runs()).toBe(0);
  });

  it('guards every route but /health, known or not, and decides before reading a body of any size', async () => {
    const { app, post } = await appWith({ API_TOKEN: TOKEN });
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/allocations/santa-x' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: `/allocations/santa-x?access_token=${TOKEN}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/no-such-route' })).statusCode).toBe(401);
    expect((await post(Buffer.alloc(17 * 1024 * 1024, 'a'))).statusCode).toBe(401);
  });

  it('lets the right token through to the checks of the file', async () => {
    const { post } = await appWith({ API_TOKEN: TOKEN });
    const res = await post('Alice,nope,,\n', { authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('InvalidParticipants');
  });
});

describe('answers never show internals', () => {
  it('answers 500 without the cause or a stack trace when Temporal fails, and logs the details', async () => {
    const logged: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    // A real client of the suite's server, on a namespace that does not exist: every call fails.
    const failing = new Client({ connection: temporal.client.connection, namespace: `missing-${randomUUID()}` });
    const { post } = await appWith({}, failing, { level: 'error', stream });
    const res = await post(GOOD);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'InternalError', message: 'something went wrong; the log has the details' });
    expect(res.body).not.toMatch(LEAKS);
    expect(res.body).not.toMatch(/namespace|missing-/i);
    const log = logged.join('');
    expect(log).toMatch(/request failed/);
    expect(log).toMatch(/missing-/);
  });
});
