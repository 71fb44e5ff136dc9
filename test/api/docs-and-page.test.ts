/** The OpenAPI document at /docs, generated from the route schemas, and the organiser's page at /. */
import { buildApp } from '../../api/app';
import { testConfig } from '../support/config';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(() => temporal?.close());

const appWith = (env: Record<string, string | undefined> = {}) =>
  buildApp({ config: testConfig(env), client: temporal.client, logger: false });

describe('/docs', () => {
  it('serves OpenAPI 3 built from the route schemas: every API route with its summary, body type and answers', async () => {
    const app = await appWith();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/allocations', '/allocations/{id}', '/health']));
    const start = doc.paths['/allocations'].post;
    expect(start.summary).toMatch(/participants CSV/);
    expect(Object.keys(start.requestBody.content)).toEqual(['text/csv']);
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['202', '400', '422']));
    expect(start.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['seed', 'dryRun', 'idempotency-key']));
    expect(doc.paths['/allocations/{id}'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('email');
    // The page is not part of the API.
    expect(doc.paths['/']).toBeUndefined();
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
    await app.close();
  });

  it('and the page stay public with API_TOKEN set, while the API asks for the token', async () => {
    const app = await appWith({ API_TOKEN: 'tok' });
    for (const url of ['/', '/page.js', '/page.css', '/docs/', '/docs/json', '/docs/static/swagger-initializer.js']) {
      expect([url, (await app.inject({ method: 'GET', url })).statusCode]).toEqual([url, 200]);
    }
    expect(
      (await app.inject({ method: 'POST', url: '/allocations', payload: 'a', headers: { 'content-type': 'text/csv' } })).statusCode,
    ).toBe(401);
    await app.close();
  });
});

describe('GET /', () => {
  it('serves the upload page with its script and style', async () => {
    const app = await appWith();
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<form id="upload">');
    const script = await app.inject({ method: 'GET', url: '/page.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain('/allocations');
    await app.close();
  });
});
