/**
 * Re-records the workflow histories that the replay test checks (test/histories/*.json).
 * Run after an intended change of the workflow: `npm run record-histories` (`-- --out DIR` writes them elsewhere).
 * Starts its own Temporal dev server, fake providers and worker; the runs are fixed by their seeds, and started
 * the API's way (testkit's startRun), so the histories begin with the input the API gives. The exchange and a page
 * view of it go through the API itself (the Fastify app, by `app.inject`, with testkit/exchanges' helpers), their
 * dates seconds apart: exchange.json and exchange-page.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../activities';
import { loadAllocation } from '../activities/store-allocations';
import { buildApp } from '../api/app';
import { DrawSeal } from '../lib/codec/draw-seal';
import { type Config, loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { createObjectStore } from '../storage/object-store';
import { allocationKey, RunData } from '../storage/run-data';
import { createWorker } from '../worker/create-worker';
import { act, iso, linksFrom, ORGANISER_TOKEN, openPage, PUBLIC_URL, startExchange, untilView } from '../testkit/exchanges';
import { type FakeProviders, startFakeProviders } from '../testkit/providers';
import { type RunRequest, startRun } from '../testkit/runs';
import { selfDrawingAllocate } from '../testkit/self-drawing-allocate';
import { until } from '../testkit/until';
import { DevServer } from './dev-server';

const { values: flags } = parseArgs({ options: { out: { type: 'string' } } });
const historiesDir = flags.out ? resolve(flags.out) : join(__dirname, '../test/histories');
const csv = [
  'Alice,alice@example.com,+447700900001,Bob',
  'Bob,bob@example.com,,',
  'Carol,,+447700900003,Alice',
  'Dave,dave@example.com,+447700900004,',
].join('\n');
// Not bob@example.com: the fake Mailgun still refuses him, from the delivery-failure run.
const exchangeCsv = [
  'Ann,ann@example.com,+447700950000,',
  'Ben,ben@example.com,+447700950001,',
  'Cy,cy@example.com,,',
  'Di,di@example.com,+447700950003,',
].join('\n');

/**
 * An exchange from start to end, its dates seconds apart, as the organiser and the participants drive it through the
 * API: the invitations, a wishlist before the draw, the draw on its date, a page view, a question from a Santa and its
 * answer, the reminder, the reveal on gift day, and the deletion once the retention period (seconds) ends.
 * Gives the ids of the exchange and of the page view's workflow.
 */
async function runExchange(app: FastifyInstance, config: Config, providers: FakeProviders, client: Client) {
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) throw new Error(`${what}: ${String(actual)}, not ${String(wanted)}`);
  };
  const now = Date.now();
  const started = await startExchange(app, exchangeCsv, {
    title: 'Office party',
    budget: '£20',
    drawAt: iso(now + 10_000),
    giftDay: iso(now + 30_000), // the reminder halfway, at now + 20 s
    reveal: true,
    singleCycle: true,
  });
  expect('starting the exchange', started.statusCode, 202);
  const id: string = started.json().id;
  await untilView(app, id, 'everyone invited', (v) => v.counts.invited === 4);
  const links = linksFrom(providers.mailgun.messages, id);
  expect('links from the invitations', links.size, 4);
  const link = (name: string) => links.get(`${name.toLowerCase()}@example.com`)!;

  expect("Ann's wishlist", (await act(app, link('Ann'), 'wishlist', 'Woolly socks\nA good novel')).statusCode, 303);
  await untilView(app, id, 'the draw', (v) => v.counts.wishlists === 1 && !['waiting-for-draw', 'drawing'].includes(v.stage));
  const { pairs } = await loadAllocation(config, allocationKey(id));
  const santa = pairs.find((p) => p.recipient === 'Ann')!.giver;

  // The one page view: Ann's Santa sees whom they give to, and her wishlist.
  const page = await openPage(app, link(santa));
  expect("Ann's Santa's page", page.statusCode, 200);
  expect("Ann's Santa's page shows her wishlist", page.body.includes('Woolly socks'), true);
  const [pageView] = await until('the page view in the visibility store', async () => {
    const found = [];
    for await (const execution of client.workflow.list({ query: `WorkflowType = 'exchangePage' AND ExecutionStatus = 'Completed'` })) {
      found.push(execution.workflowId);
    }
    return found.length > 0 ? found : undefined;
  });

  expect('the question', (await act(app, link(santa), 'ask', 'Which author do you like best?')).statusCode, 303);
  expect('the answer', (await act(app, link('Ann'), 'answer', 'Ursula K. Le Guin')).statusCode, 303);
  const ended = await untilView(app, id, 'the end of retention', (v) => v.status === 'COMPLETED', 90_000);
  expect('the stage at the end', ended.stage, 'ended');
  expect('the questions and answers', `${ended.counts.questions}/${ended.counts.answers}`, '1/1');
  // Invitations, the draw's news, the reminders and the reveals (4 each), the question and the answer.
  expect('messages sent', ended.counts.messages.sent, 18);
  return { exchangeId: id, pageViewId: pageView };
}

async function main(): Promise<void> {
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run `npm run record-histories`');
  const server = await DevServer.start({ cli: executable });
  const providers = await startFakeProviders();
  const dir = mkdtempSync(join(tmpdir(), 'santa-record-'));
  const config = loadConfig({
    ...providers.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'record-histories',
    SANTA_DATA_DIR: dir,
    SANTA_OUTBOX_DIR: dir,
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
    // For the exchange, which goes through the API: the organiser's token, the links' base, and 8.6 s of retention.
    API_TOKEN: ORGANISER_TOKEN,
    SANTA_PUBLIC_URL: PUBLIC_URL,
    SANTA_RETENTION_DAYS: '0.0001',
  });
  const activities = createActivities(config);
  const client = await connectClient(config);
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    /** The history of `workflowId` as `<name>.json` (the API names exchanges and page views itself). */
    const save = async (workflowId: string, name = workflowId) => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(history) + '\n');
      console.log(`recorded ${workflowId}${name === workflowId ? '' : ` as ${name}`}`);
    };
    const record = async (name: string, request: RunRequest, overrides: Partial<typeof activities> = {}) => {
      const worker = await createWorker(config, connection, { activities: { ...activities, ...overrides } });
      const handle = await startRun(client, config, request, name);
      await worker.runUntil(handle.result().catch(() => undefined));
      await save(name);
    };

    await record('completed', { csv, seed: 1, maxConcurrency: 2 });

    providers.mailgun.failNext(1, 500);
    providers.mailgun.failAlwaysFor('bob@example.com', 400);
    await record('retry-and-delivery-failure', { csv, seed: 2 });

    await record(
      'redraws-exhausted',
      { csv, seed: 3 },
      { allocate: selfDrawingAllocate(new RunData(createObjectStore(config.storage), new DrawSeal(config.drawKeys!))) },
    );

    // A file the API would refuse, so that the history shows the workflow's own check failing it.
    await record('invalid-file', { csv: 'Alice,,,\nAlice,alice@example.com,,', unchecked: true });

    // Batches of 2: the notification Maps fan out into child workflows; one child's history is kept too.
    await record('batched', { csv, seed: 4, batchSize: 2, maxConcurrency: 2 });
    await save('batched-email-0');

    const app = await buildApp({ config, client, logger: false });
    try {
      const worker = await createWorker(config, connection, { activities });
      const { exchangeId, pageViewId } = await worker.runUntil(runExchange(app, config, providers, client));
      await save(exchangeId, 'exchange');
      await save(pageViewId, 'exchange-page');
    } finally {
      await app.close();
    }
  } finally {
    await providers.close();
    await client.connection.close();
    await connection.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
