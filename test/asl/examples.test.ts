/** The example state machines (examples/state-machines/), each run through the stateMachine workflow on the real server. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createExampleActivities } from '../../activities/examples';
import { recordValue, resultsKey } from '../../activities/examples/records';
import { createObjectStore } from '../../storage/object-store';
import { keepSeed, RunData, uploadParticipants } from '../../storage/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { executionOutcome } from 'states-language-temporal/client';
import { DrawSeal } from '../../lib/codec/draw-seal';
import type { Definition } from 'states-language-temporal';
import { testConfig } from '../support/config';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { startRun } from '../../testkit/runs';
import { selfDrawingAllocate } from '../../testkit/self-drawing-allocate';
import { FakeTeamApi } from './support/fake-team-api';
import { TemporalRunner } from './support/temporal-runner';

const example = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines', `${name}.asl.json`), 'utf8')) as Definition;
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

let runner: TemporalRunner;
let providers: FakeProviders;
let teamApi: FakeTeamApi;
let db: Pool;
const rolls: number[] = [];

beforeAll(async () => {
  providers = await startFakeProviders();
  teamApi = await new FakeTeamApi().listen();
  db = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const examples = (store: Parameters<typeof createExampleActivities>[0]) =>
    createExampleActivities(store, { teamApiUrl: teamApi.url, databaseUrl: DATABASE_URL });
  const config = testConfig();
  const data = new RunData(createObjectStore(config.storage), new DrawSeal(config.drawKeys!));
  runner = await TemporalRunner.start(
    {
      ...examples(data.store),
      // The dice are loaded: each roll takes the next scripted face.
      rollDie: async () => rolls.shift() ?? 6,
      // Everyone draws themselves: the independent check refuses every such draw.
      selfDraw: selfDrawingAllocate(data),
    },
    providers.env,
  );
});

afterAll(async () => {
  await runner?.close();
  await providers?.close();
  await teamApi?.close();
  await db?.end();
});

function participantsCsv(n: number): string {
  return Array.from({ length: n }, (_, i) => {
    const email = i % 4 === 3 ? '' : `p${i}@example.com`;
    const phone = i % 4 === 1 ? '' : `+4477009${String(i).padStart(5, '0')}`;
    return `P${i},${email},${phone},`;
  }).join('\n');
}

/** The messages so far, each without its personal link (a secret of its own per run). */
const sent = () => ({
  email: providers.mailgun.messages.map((m) => `${m.to}|${m.text.split('\n')[0]}`),
  sms: providers.twilio.messages.map((m) => `${m.to}|${m.body.split('\n')[0]}`),
});

it('1. Secret Santa: the original machine gives the same outcome as the hand-written workflow', async () => {
  const csv = participantsCsv(12);
  providers.mailgun.failAlwaysFor('p5@example.com', 400);
  providers.mailgun.failNext(1, 500); // retried by both

  const before = sent();
  const hand = await (await startRun(runner.temporal.client, runner.config, { csv, seed: 7 })).result();
  const afterHand = sent();

  const id = `secret-santa-${randomUUID()}`;
  const store = createObjectStore(runner.config.storage);
  const csvKey = await uploadParticipants(store, id, csv);
  const seedKey = await keepSeed(store, id, 7);
  store.close();
  const outcome = await runner.run(example('secret-santa'), { csvKey, seedKey }, { id, name: 'secret-santa' });
  const afterAsl = sent();
  providers.mailgun.succeedFor('p5@example.com');

  expect(outcome.status).toBe('SUCCEEDED');
  const output = (outcome as { output: Record<string, unknown> }).output;
  expect(output.email).toEqual(hand.email);
  expect(output.sms).toEqual(hand.sms);
  expect(output.email).toEqual({ sent: 8, skipped: 3, failed: 1 });
  expect(output.failures).toEqual([{ outcome: 'failed', name: 'P5', channel: 'email', error: expect.stringContaining('400') }]);
  // The same draw, stored the same way, and the same messages to the same people.
  const [handDraw, aslDraw] = await Promise.all([
    loadAllocation(runner.config, hand.stored!),
    loadAllocation(runner.config, output.stored as string),
  ]);
  expect(aslDraw.pairs).toEqual(handDraw.pairs);
  const slice = (from: ReturnType<typeof sent>, to: ReturnType<typeof sent>) => ({
    email: to.email.slice(from.email.length).sort(),
    sms: to.sms.slice(from.sms.length).sort(),
  });
  expect(slice(afterHand, afterAsl)).toEqual(slice(before, afterHand));
  expect(slice(afterHand, afterAsl).sms).toHaveLength(9);
});

it('1. Secret Santa: a draw failing its check goes back to Allocate, at most 3 times (Catch → Allocate)', async () => {
  const id = `secret-santa-${randomUUID()}`;
  const store = createObjectStore(runner.config.storage);
  const csvKey = await uploadParticipants(store, id, 'Alice,alice@example.com,,\nBob,bob@example.com,,\nCarol,carol@example.com,,');
  store.close();
  const definition = example('secret-santa');
  definition.States['Allocate'] = { ...definition.States['Allocate'], Resource: 'selfDraw' };
  const handle = await runner.startExecution(definition, { csvKey }, { id, name: 'secret-santa' });
  expect(await executionOutcome(handle.result())).toEqual({
    status: 'FAILED',
    error: 'InvalidAllocation',
    cause: expect.stringContaining('no draw passed the check in 3 attempts'),
  });
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  expect(scheduled.filter((name) => name === 'selfDraw')).toHaveLength(3);
  expect(scheduled.filter((name) => name === 'validateAllocations')).toHaveLength(3);
  expect(scheduled).not.toContain('storeAllocations');
});

it('2. Dice: rolls, waits (durable timers) and rolls again until the die shows more than 3', async () => {
  rolls.push(2, 3, 5);
  const handle = await runner.startExecution(example('dice'), { rolls: 0, waitSeconds: 1 }, { name: 'dice' });
  expect(await handle.result()).toEqual({ rolls: 3, last: 5, waitSeconds: 1 });
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(2);
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'rollDie')).toHaveLength(3);
});

it('3. Records: fetches page after page while there is more data, processes each batch, saves the totals', async () => {
  const source = { name: `records-${randomUUID()}`, total: 25 };
  const handle = await runner.startExecution(example('records'), { source, pageSize: 10 }, { name: 'records' });
  const expectedTotal = Array.from({ length: 25 }, (_, i) => recordValue(i)).reduce((a, b) => a + b, 0);
  expect(await handle.result()).toEqual({ key: resultsKey(source.name), processed: 25, total: expectedTotal });
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchRecords')).toHaveLength(3);
  const store = createObjectStore(runner.config.storage);
  expect(JSON.parse((await store.get(resultsKey(source.name)))!)).toEqual({ source, processed: 25, total: expectedTotal });
  store.close();
});

describe('4. Onboarding', () => {
  beforeAll(async () => {
    await runner.machines.put('onboard-member', example('onboard-member'));
  });

  const members = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => ({ email: `${tag}-${i}@example.com`, name: `Member ${i}`, team: i % 2 ? 'blue' : 'red' }));

  it('a child execution per member adds them to the team and records them in PostgreSQL, at most 50 at a time; then notifies', async () => {
    const tag = `ok-${randomUUID()}`;
    teamApi.delayMs = 30;
    teamApi.maxInFlight = 0;
    const outcome = await runner.run(example('onboarding'), { members: members(60, tag) }, { name: 'onboarding' });
    teamApi.delayMs = 0;
    expect(outcome.status).toBe('SUCCEEDED');
    const output = (outcome as { output: { email: string; memberId: number; membershipId: string }[] }).output;
    expect(output.map((o) => o.email)).toEqual(members(60, tag).map((m) => m.email));
    const { rows } = await db.query('SELECT email, team, membership_id FROM onboarded_members WHERE email LIKE $1 ORDER BY email', [
      `${tag}-%`,
    ]);
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => /^m-\d+$/.test(r.membership_id))).toBe(true);
    expect(teamApi.maxInFlight).toBeGreaterThan(1);
    expect(teamApi.maxInFlight).toBeLessThanOrEqual(50);
    expect(teamApi.notifications).toContainEqual({ outcome: 'succeeded', members: 60, message: '60 members onboarded' });
  }, 120_000);

  it('a member the team API refuses fails their child execution; the parent notifies the error and fails with it', async () => {
    const tag = `bad-${randomUUID()}`;
    const group = members(5, tag);
    teamApi.failAlwaysFor(group[2].email, 400);
    const outcome = await runner.run(example('onboarding'), { members: group }, { name: 'onboarding' });
    teamApi.succeedFor(group[2].email);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: 'States.TaskFailed',
      cause: expect.stringContaining('"Error":"TeamApiRejected"'),
    });
    expect(teamApi.notifications).toContainEqual(expect.objectContaining({ outcome: 'failed', error: 'States.TaskFailed' }));
  }, 120_000);
});
