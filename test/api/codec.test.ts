import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { testConfig } from '../support/config';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
let app: FastifyInstance;
const config = testConfig({ API_TOKEN: 'look-token', TEMPORAL_UI_URL: 'http://localhost:8233' });
const auth = { authorization: 'Bearer look-token' };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

beforeAll(async () => {
  temporal = await connectTestTemporal();
  app = await buildApp({ config, client: temporal.client, logger: false });
});
afterAll(async () => {
  await app?.close();
  await temporal?.close();
});

it('encodes to ciphertext and decodes back, in the Temporal UI codec format', async () => {
  const plain = defaultPayloadConverter.toPayload({ giver: 'Alice', recipient: 'Bob' })!;
  const payloads = [{ metadata: { encoding: b64(plain.metadata!.encoding!) }, data: b64(plain.data!) }];
  const encoded = await app.inject({ method: 'POST', url: '/codec/encode', headers: auth, payload: { payloads } });
  expect(encoded.statusCode).toBe(200);
  expect(Buffer.from(encoded.json().payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(encoded.body).not.toContain(payloads[0].data);

  const decoded = await app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: encoded.json() });
  expect(decoded.statusCode).toBe(200);
  expect(decoded.json().payloads).toEqual(payloads);
});

it('is protected by the token', async () => {
  const res = await app.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [] } });
  expect(res.statusCode).toBe(401);
});

it("allows the UI's origin through CORS, and no other", async () => {
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
  const ui = await preflight('http://localhost:8233');
  expect(ui.statusCode).toBe(204);
  expect(ui.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  const other = await preflight('http://evil.example');
  // The browser enforces it: the allowed origin named is the UI's, never the caller's.
  expect(other.headers['access-control-allow-origin']).not.toBe('http://evil.example');
});
