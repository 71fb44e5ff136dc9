import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import { loadAllocation } from '../../activities/store-allocations';
import type { Config } from '../../lib/config';
import { testConfig } from '../support/config';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

const VALID = ['Alice,alice@example.com,,', 'Bob,,+447700900002,', 'Carol,carol@example.com,+447700900003,Alice'].join('\n');

let temporal: TestTemporal;
let config: Config;
let app: FastifyInstance;
let worker: Worker;
let workerRun: Promise<void>;

const post = (body: string, { query = '', headers = {} }: { query?: string; headers?: Record<string, string> } = {}) =>
  app.inject({ method: 'POST', url: `/allocations${query}`, payload: body, headers: { 'content-type': 'text/csv', ...headers } });

const runsOnQueue = async () => (await temporal.client.workflow.count(`TaskQueue = "${config.temporal.taskQueue}"`)).count;

beforeAll(async () => {
  temporal = await connectTestTemporal();
  config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api'), S3_BUCKET: undefined });
  worker = await createTestWorker(temporal, config);
  workerRun = worker.run();
  app = await buildApp({ config, client: temporal.client, logger: false });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await workerRun;
  await temporal?.close();
});

describe('POST /allocations', () => {
  it('answers 400 naming every problem by line and field, and starts nothing', async () => {
    const res = await post('Alice,not-an-email,,\nAlice,,,\nBob,,,Zed\n');
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('InvalidParticipants');
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 1, field: 'email' }),
        expect.objectContaining({ line: 2, field: 'name' }),
        expect.objectContaining({ line: 3, field: 'exclusions' }),
      ]),
    );
    expect(await runsOnQueue()).toBe(0);
  });

  it('answers 422 naming who blocks the draw when none exists, and starts nothing', async () => {
    const res = await post('Ann,ann@example.com,,Bob;Cy\nBob,bob@example.com,,\nCy,cy@example.com,,\n');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'NoValidAllocation', message: expect.stringContaining('Ann') });
    expect(await runsOnQueue()).toBe(0);
  });

  it('starts a run: 202 with links to itself and to the Temporal UI, then GET reaches COMPLETED with counts only', async () => {
    const res = await post(VALID, { query: '?seed=7' });
    expect(res.statusCode).toBe(202);
    const { id, status, links } = res.json();
    expect(status).toBe('RUNNING');
    expect(links.self).toBe(`/allocations/${id}`);
    expect(links.ui).toBe(`${config.temporal.uiUrl}/namespaces/default/workflows/${id}`);

    await temporal.client.workflow.getHandle(id).result();
    const view = await app.inject({ method: 'GET', url: links.self });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      id,
      status: 'COMPLETED',
      stage: 'done',
      participants: 3,
      email: { sent: 2, skipped: 1, failed: 0 },
      sms: { sent: 2, skipped: 1, failed: 0 },
    });
    expect(view.body).not.toMatch(/recipient|pairs/);
  });

  it('returns the same run for the same Idempotency-Key and never starts a second', async () => {
    const key = `key-${Date.now()}`;
    const first = await post(VALID, { headers: { 'idempotency-key': key } });
    const second = await post(VALID, { headers: { 'idempotency-key': key } });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json().id).toBe(first.json().id);
    await temporal.client.workflow.getHandle(first.json().id).result();
    const third = await post(VALID, { headers: { 'idempotency-key': key } });
    expect(third.json()).toMatchObject({ id: first.json().id, status: 'COMPLETED' });
    const runs = await temporal.client.workflow.count(`WorkflowId = "${first.json().id}"`);
    expect(runs.count).toBe(1);
  });

  it('rejects a bad seed and an unsupported content type', async () => {
    expect((await post(VALID, { query: '?seed=-1' })).statusCode).toBe(400);
    const res = await app.inject({ method: 'POST', url: '/allocations', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(415);
  });
});

describe('GET /allocations/:id', () => {
  it('answers 404 for an unknown id', async () => {
    const res = await app.inject({ method: 'GET', url: '/allocations/santa-does-not-exist' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('NotFound');
  });
});

describe('draw options', () => {
  it('singleCycle: the stored draw is one loop through everyone', async () => {
    const csv = [
      'A,a@example.com,,',
      'B,b@example.com,,',
      'C,c@example.com,,',
      'D,d@example.com,,',
      'E,e@example.com,,',
      'F,f@example.com,,',
    ].join('\n');
    const res = await post(csv, { query: '?singleCycle=true&seed=3' });
    expect(res.statusCode).toBe(202);
    const status = await temporal.client.workflow.getHandle(res.json().id).result();
    const { pairs } = await loadAllocation(config, status.stored!);
    const next = new Map(pairs.map((p) => [p.giver, p.recipient]));
    let at = 'A';
    const seen = new Set<string>();
    do {
      seen.add(at);
      at = next.get(at)!;
    } while (at !== 'A');
    expect(seen.size).toBe(6);
  });

  it('avoidPrevious: no pair of the earlier run comes again; when that is impossible the run draws anyway and says nothing', async () => {
    const csv = ['A,a@example.com,,', 'B,b@example.com,,', 'C,c@example.com,,', 'D,d@example.com,,'].join('\n');
    const first = await post(csv, { query: '?seed=1' });
    const firstStatus = await temporal.client.workflow.getHandle(first.json().id).result();
    const before = (await loadAllocation(config, firstStatus.stored!)).pairs;
    const second = await post(csv, { query: `?seed=2&avoidPrevious=${first.json().id}` });
    expect(second.statusCode).toBe(202);
    const after = (await loadAllocation(config, (await temporal.client.workflow.getHandle(second.json().id).result()).stored!)).pairs;
    const key = (p: { giver: string; recipient: string }) => `${p.giver}>${p.recipient}`;
    expect(after.filter((p) => before.map(key).includes(key(p)))).toEqual([]);

    const two = 'A,a@example.com,,\nB,b@example.com,,';
    const pairOnce = await post(two);
    await temporal.client.workflow.getHandle(pairOnce.json().id).result();
    const impossible = await post(two, { query: `?avoidPrevious=${pairOnce.json().id}` });
    // A 422 here would tell the organiser that the pair came before: the run draws without avoiding it instead.
    expect(impossible.statusCode).toBe(202);
    const repeated = await temporal.client.workflow.getHandle(impossible.json().id).result();
    expect(repeated).toMatchObject({ stage: 'done', participants: 2, email: { sent: 2 } });
    expect((await loadAllocation(config, repeated.stored!)).pairs).toEqual(
      (await loadAllocation(config, `allocations/${pairOnce.json().id}.json`)).pairs,
    );

    const unknown = await post(csv, { query: '?avoidPrevious=santa-nope' });
    expect([unknown.statusCode, unknown.json().error]).toEqual([400, 'InvalidPreviousDraw']);
  });
});
