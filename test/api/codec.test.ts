/**
 * /codec is the operator's (CODEC_TOKEN), never the organiser's (API_TOKEN): the Web UI decodes through it with the
 * token in the path, `temporal workflow show --codec-auth` with it as a bearer header.
 */
import { Writable } from 'node:stream';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { testConfig } from '../support/config';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';

const API_TOKEN = 'organiser-token';
const CODEC_TOKEN = 'operator-codec-token-0123456789';
const organiser = { authorization: `Bearer ${API_TOKEN}` };
const operator = { authorization: `Bearer ${CODEC_TOKEN}` };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const plain = defaultPayloadConverter.toPayload({ giver: 'Alice', recipient: 'Bob' })!;
const payloads = [{ metadata: { encoding: b64(plain.metadata!.encoding!) }, data: b64(plain.data!) }];

let temporal: TestTemporal;
const apps: FastifyInstance[] = [];
let app: FastifyInstance;
let closedApp: FastifyInstance;
let logged = '';

async function appWith(env: Record<string, string | undefined>) {
  const log = new Writable({ write: (chunk, _encoding, done) => ((logged += chunk.toString()), done()) });
  const built = await buildApp({
    config: testConfig({ TEMPORAL_UI_URL: 'http://localhost:8233', API_TOKEN, ...env }),
    client: temporal.client,
    logger: { level: 'trace', stream: log },
  });
  apps.push(built);
  return built;
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  app = await appWith({ CODEC_TOKEN });
  closedApp = await appWith({ CODEC_TOKEN: undefined });
});
afterAll(async () => {
  for (const built of apps) await built.close();
  await temporal?.close();
});

const post = (target: FastifyInstance, url: string, headers: Record<string, string> = {}, body: unknown = { payloads }) =>
  target.inject({ method: 'POST', url, headers, payload: body as object });

it('encodes to ciphertext and decodes back, in the Temporal UI codec format, with CODEC_TOKEN as a bearer header', async () => {
  const encoded = await post(app, '/codec/encode', operator);
  expect(encoded.statusCode).toBe(200);
  expect(Buffer.from(encoded.json().payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(encoded.body).not.toContain(payloads[0].data);

  const decoded = await post(app, '/codec/decode', operator, encoded.json());
  expect(decoded.statusCode).toBe(200);
  expect(decoded.json().payloads).toEqual(payloads);
});

it('takes CODEC_TOKEN in the path, as the Web UI calls it (its endpoint …/codec/t/<token>, query and all)', async () => {
  const encoded = await post(app, `/codec/t/${CODEC_TOKEN}/encode`);
  expect(encoded.statusCode).toBe(200);
  const decoded = await post(app, `/codec/t/${CODEC_TOKEN}/decode?preserveStorageRefs=true`, { 'x-namespace': 'default' }, encoded.json());
  expect(decoded.statusCode).toBe(200);
  expect(decoded.json().payloads).toEqual(payloads);
});

it("refuses the organiser's API_TOKEN, no token and a wrong token, in either form, with 401", async () => {
  for (const [url, headers] of [
    ['/codec/decode', organiser],
    ['/codec/decode', {}],
    ['/codec/decode', { authorization: `Bearer ${CODEC_TOKEN}x` }],
    ['/codec/decode', { authorization: CODEC_TOKEN }],
    [`/codec/t/${API_TOKEN}/decode`, {}],
    [`/codec/t/${API_TOKEN}/decode`, organiser],
    [`/codec/t/${CODEC_TOKEN.slice(0, -1)}/decode`, operator], // the path's token is the one checked
    ['/codec/encode', organiser],
  ] as const) {
    const res = await post(app, url, headers);
    expect([url, headers, res.statusCode]).toEqual([url, headers, 401]);
    expect(res.json()).toMatchObject({ error: 'Unauthorized' });
  }
});

it('is closed without CODEC_TOKEN: 403, saying so, whatever the caller holds', async () => {
  for (const [url, headers] of [
    ['/codec/decode', organiser],
    ['/codec/decode', operator],
    [`/codec/t/${CODEC_TOKEN}/decode`, {}],
  ] as const) {
    const res = await post(closedApp, url, headers);
    expect([url, res.statusCode]).toEqual([url, 403]);
    expect(res.json()).toEqual({ error: 'CodecClosed', message: expect.stringContaining('CODEC_TOKEN') });
  }
});

it('keeps the two credentials apart: CODEC_TOKEN opens no organiser route, API_TOKEN still does', async () => {
  const asOperator = await app.inject({ method: 'GET', url: '/allocations/santa-unknown', headers: operator });
  expect(asOperator.statusCode).toBe(401);
  const asOrganiser = await app.inject({ method: 'GET', url: '/allocations/santa-unknown', headers: organiser });
  expect(asOrganiser.statusCode).toBe(404);
  expect(() => testConfig({ API_TOKEN: CODEC_TOKEN, CODEC_TOKEN })).toThrow(/CODEC_TOKEN must differ from API_TOKEN/);
  expect(() => testConfig({ CODEC_TOKEN: 'short' })).toThrow(/CODEC_TOKEN must be 16 to 100/);
});

it('never writes the token to the log, even for a path under it that does not exist', async () => {
  logged = '';
  expect((await post(app, `/codec/t/${CODEC_TOKEN}/decode`, {}, { payloads: [] })).statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: `/codec/t/${CODEC_TOKEN}/download` })).statusCode).toBeGreaterThanOrEqual(400);
  expect((await post(app, `/codec/t/${CODEC_TOKEN}//decode`)).statusCode).toBeGreaterThanOrEqual(400);
  expect(logged).toContain('/codec/t/[redacted]/decode');
  expect(logged).not.toContain(CODEC_TOKEN);
});

it("allows the UI's origin through CORS on both forms, and no other", async () => {
  const preflight = (origin: string, url: string) =>
    app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
  for (const url of ['/codec/decode', `/codec/t/${CODEC_TOKEN}/decode`]) {
    const ui = await preflight('http://localhost:8233', url);
    expect([url, ui.statusCode]).toEqual([url, 204]);
    expect(ui.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    const other = await preflight('http://evil.example', url);
    // The browser enforces it: the allowed origin named is the UI's, never the caller's.
    expect(other.headers['access-control-allow-origin']).not.toBe('http://evil.example');
  }
  // The answer itself carries it too, so the UI can read a decode (or a 401).
  const answer = await post(app, `/codec/t/${CODEC_TOKEN}/decode`, { origin: 'http://localhost:8233' }, { payloads: [] });
  expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:8233');
});
