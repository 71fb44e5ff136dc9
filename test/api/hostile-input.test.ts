import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import type { Config } from '../../lib/config';
import { hostileFixtures, unmatchedProblems } from '../fixtures/hostile';
import { testConfig } from '../support/config';
import { runsOnQueue, waitForRunsOnQueue } from '../../testkit/queue';
import { connectTestTemporal, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

// No worker: nothing here may start a run, and the one control run must only be seen, not run.
let temporal: TestTemporal;
let config: Config;
let app: FastifyInstance;

const fixtures = hostileFixtures();
const post = (payload: Buffer | string) =>
  app.inject({ method: 'POST', url: '/allocations', payload, headers: { 'content-type': 'text/csv' } });

beforeAll(async () => {
  temporal = await connectTestTemporal();
  config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('hostile') });
  app = await buildApp({ config, client: temporal.client, logger: false });
});

afterAll(async () => {
  await app?.close();
  await temporal?.close();
});

describe('POST /allocations with hostile files', () => {
  it('has at least 40 of them, each with an expectation', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  it.each(fixtures.map((fixture) => [fixture.file, fixture]))('%s: answers with every problem and starts nothing', async (_, fixture) => {
    const res = await post(fixture.bytes);
    expect(res.statusCode).toBe(fixture.expected.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).not.toMatch(/\n\s+at |node_modules|\/work\//);
    const body = res.json();
    if (fixture.expected.status === 400) {
      expect(body).toMatchObject({ error: 'InvalidParticipants', message: expect.any(String) });
      expect(unmatchedProblems(body.details, fixture.expected.problems)).toEqual({ missing: [], unexpected: [] });
    } else {
      expect(body).toEqual({ error: 'NoValidAllocation', message: expect.any(String) });
      for (const name of fixture.expected.names) expect(body.message).toContain(name);
    }
    expect(await runsOnQueue(temporal.client, config.temporal.taskQueue)).toBe(0);
  });

  it('started nothing for any of them: a good file afterwards is the only run on the queue', async () => {
    const res = await post('Alice,alice@example.com,,\nBob,bob@example.com,,\n');
    expect(res.statusCode).toBe(202);
    expect(await waitForRunsOnQueue(temporal.client, config.temporal.taskQueue, 1)).toBe(1);
    await temporal.client.workflow.getHandle(res.json().id).terminate('test over');
  });
});
