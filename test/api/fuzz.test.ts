/**
 * Fuzzing POST /allocations through fastify.inject: hostile bodies, content types, query strings and
 * idempotency keys. Never a 500, always a JSON answer without stack traces or file paths, and a run
 * starts only when the answer is 202. Adds 3,000 cases to the 10,000 of test/unit/fuzz-participants.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import type { Config } from '../../lib/config';
import { hostileFile } from '../fixtures/hostile/arbitraries';
import { testConfig } from '../support/config';
import { waitForRunsOnQueue } from '../../testkit/queue';
import { connectTestTemporal, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

const FIELDS = ['name', 'email', 'phone', 'exclusions', 'group', 'header', 'row', 'file'];
const LEAKS = /\n\s+at |node_modules|\/work\/|\.ts:\d+/;

// No worker: runs that start are only counted, then terminated.
let temporal: TestTemporal;
let config: Config;
let app: FastifyInstance;
const started = new Set<string>();

beforeAll(async () => {
  temporal = await connectTestTemporal();
  config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('fuzz'), RATE_LIMIT_MAX: '1000000' });
  app = await buildApp({ config, client: temporal.client, logger: false });
});

afterAll(async () => {
  await Promise.all(
    [...started].map((id) =>
      temporal.client.workflow
        .getHandle(id)
        .terminate('fuzz test over')
        .catch(() => undefined),
    ),
  );
  await app?.close();
  await temporal?.close();
});

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'TEXT/CSV', 'text/plain', 'text/csv; charset=latin1') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('application/json', 'application/octet-stream', 'multipart/form-data; boundary=x', 'text/csvx', ''),
  },
);
const query = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom('', '?seed=7', '?seed=0', '?seed=4294967295', '?dryRun=true', '?maxConcurrency=5', '?seed=7&dryRun=false'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?seed=-1',
      '?seed=4294967296',
      '?seed=abc',
      '?seed=1.5',
      '?maxConcurrency=0',
      '?dryRun=maybe',
      '?unknown=1',
      '?seed=%00',
      '?seed=7&seed=8',
    ),
  },
);
const idempotencyKey = fc.option(fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', ' ', '"', ';', '=', '\t', 'é'), maxLength: 300 }), {
  freq: 10,
});

describe('POST /allocations, fuzzed', () => {
  it('never answers 500, always JSON without internals, and starts a run only on 202 (3,000 cases)', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileFile(), contentType, query, idempotencyKey, async (body, type, search, key) => {
        const headers: Record<string, string> = {};
        if (type !== '') headers['content-type'] = type;
        if (key !== null) headers['idempotency-key'] = key;
        const res = await app.inject({ method: 'POST', url: `/allocations${search}`, payload: body, headers });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);

        expect([202, 400, 413, 415, 422]).toContain(res.statusCode);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).not.toMatch(LEAKS);
        const answer = res.json();
        if (res.statusCode === 202) {
          expect(answer).toMatchObject({ id: expect.stringMatching(/^santa-/), status: expect.any(String) });
          started.add(answer.id);
          return;
        }
        expect(answer).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        if (answer.error === 'InvalidParticipants') {
          const wrong = (answer.details as { line: number; field: string }[]).filter((d) => !(d.line >= 1) || !FIELDS.includes(d.field));
          expect(wrong).toEqual([]);
        }
      }),
      { numRuns: 3000 },
    );
    // Every kind of answer was reached, so each check above ran.
    for (const status of [202, 400, 415, 422]) expect(statuses.get(status)).toBeGreaterThan(0);
    // Exactly the runs answered 202 exist on the queue: nothing else started one.
    expect(await waitForRunsOnQueue(temporal.client, config.temporal.taskQueue, started.size)).toBe(started.size);
  }, 300_000);
});
