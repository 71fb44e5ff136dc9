import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app';
import { testConfig } from '../support/config';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(() => temporal?.close());

describe('GET /health', () => {
  it('answers 200 when Temporal is reachable', async () => {
    const app = await buildApp({ config: testConfig(), client: temporal.client, logger: false });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    await app.close();
  });

  it('answers 503 when Temporal is not', async () => {
    // A lazy connection dials only when used, so the health check itself meets the dead address.
    const dead = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await buildApp({ config: testConfig(), client: new Client({ connection: dead }), logger: false });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    await app.close();
  });
});

describe('API_TOKEN', () => {
  it('guards every route but /health', async () => {
    const app = await buildApp({ config: testConfig({ API_TOKEN: 's3cret' }), client: temporal.client, logger: false });
    expect((await app.inject({ method: 'GET', url: '/allocations/x' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/allocations/x', headers: { authorization: 'Bearer wrong!' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/allocations/x', headers: { authorization: 'Bearer s3cret' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await app.close();
  });
});
