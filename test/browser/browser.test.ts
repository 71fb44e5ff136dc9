/**
 * In a real browser (Debian's chromium through playwright-core): the organiser's upload page, and a finished run
 * in the Temporal Web UI, once without the codec (payloads are ciphertext) and once with it (readable), its codec
 * endpoint holding the operator's CODEC_TOKEN in the path (`…/codec/t/<token>`), as `npm start` configures it.
 * Screenshots go to test-results/browser/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { allocationKey } from '../../storage/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { buildApp } from '../../api/app';
import type { Config } from '../../lib/config';
import { quiet, Supervisor } from '../../scripts/supervisor';
import { freePort } from '../../testkit/net';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { until } from '../../testkit/until';
import { launchChromium } from '../support/browser';
import { testConfig } from '../support/config';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../support/temporal';

const root = join(__dirname, '../..');
const artifacts = join(root, 'test-results/browser');
const example = readFileSync(join(root, 'examples/participants.csv'));
const STEPS = [
  'parseParticipants',
  'validateParticipants',
  'allocate',
  'validateAllocations',
  'storeAllocations',
  'notifyEmail',
  'notifySms',
];
const TOKEN = 'browser-test-token';
const CODEC_TOKEN = 'browser-test-operator-codec-token';

let temporal: TestTemporal;
let providers: FakeProviders;
let worker: Worker;
let workerRun: Promise<void>;
const apps: FastifyInstance[] = [];
/** The Temporal UI servers, not started again if they die: a test should see that, not a restart. */
const uiServers = new Supervisor(root, quiet);
let browser: BrowserContext;
let api: string;
let tokenApi: string;
let uiWithCodec: string;
let uiWithoutCodec: string;
let config: Config;

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** The Temporal Web UI server (as `npm run selfhost` runs it) in front of the suite's Temporal server. */
async function startUi(port: number, codecEndpoint?: string): Promise<string> {
  const bin = process.env.TEMPORAL_UI_SERVER_BIN;
  if (!bin) throw new Error('TEMPORAL_UI_SERVER_BIN is not set: run the suite with `npm test`, which builds it');
  const ui = uiServers.start(
    `temporal-ui-${port}`,
    {
      command: bin,
      args: ['--root', join(root, 'scripts/selfhost'), '--config', 'ui', '--env', 'selfhost', 'start'],
      env: { TEMPORAL_UI_PORT: String(port), TEMPORAL_CODEC_ENDPOINT: codecEndpoint ?? '', TEMPORAL_CORS_ORIGINS: api },
    },
    { restartDelayMs: null },
  );
  const url = `http://127.0.0.1:${port}`;
  await until('the Temporal UI to answer', async () => ((await fetch(`${url}/api/v1/settings`)).ok ? true : undefined)).catch(
    (error: Error) => {
      throw new Error(`${error.message}; its last lines:\n${ui.tail.join('\n')}`);
    },
  );
  return url;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  temporal = await connectTestTemporal();
  providers = await startFakeProviders();
  providers.mailgun.delayMs = 1500; // long enough a notifying stage for the page to show it
  const codecUiPort = await freePort();
  uiWithCodec = `http://127.0.0.1:${codecUiPort}`;
  const env = {
    ...providers.env,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('browser'),
    TEMPORAL_UI_URL: uiWithCodec,
    S3_BUCKET: undefined,
    CODEC_TOKEN,
  };
  config = testConfig(env);
  worker = await createTestWorker(temporal, config);
  workerRun = worker.run();
  api = await listen(await buildApp({ config, client: temporal.client, logger: false }));
  // The same storage as the worker's (the API hands the file over there), behind a token.
  tokenApi = await listen(
    await buildApp({ config: { ...config, api: { ...config.api, token: TOKEN } }, client: temporal.client, logger: false }),
  );

  // The UI with the codec on the port the API links to; its browser decodes through the API's /codec, with the
  // operator's token in the path (it sends no header of ours).
  await startUi(codecUiPort, `${api}/codec/t/${CODEC_TOKEN}`);
  uiWithoutCodec = await startUi(await freePort());

  browser = await launchChromium({ viewport: { width: 1400, height: 1600 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await uiServers.stop();
  for (const app of apps) await app.close();
  worker?.shutdown();
  await workerRun;
  await providers?.close();
  await temporal?.close();
});

const text = (page: Page, selector: string) => page.locator(selector).innerText();

let runId: string;

describe('the upload page', () => {
  it('starts a run from a valid file, shows its progress live until COMPLETED, and links to the run in the Temporal UI', async () => {
    const page = await browser.newPage();
    await page.goto(`${api}/`);
    await page.setInputFiles('#file', { name: 'participants.csv', mimeType: 'text/csv', buffer: example });
    await page.click('#start');
    // Seen while it runs: the notifying stage, with the counts so far.
    await until('the page to show the run notifying', async () =>
      (await text(page, '#run-status')) === 'RUNNING' && (await text(page, '#run-stage')) === 'notifying' ? true : undefined,
    );
    await until('the page to show COMPLETED', async () => ((await text(page, '#run-status')) === 'COMPLETED' ? true : undefined), 60_000);
    expect(await text(page, '#run-stage')).toBe('done');
    expect(await text(page, '#run-participants')).toBe('6');
    for (const row of ['#email-row', '#sms-row']) {
      expect([row, await text(page, `${row} .sent`), await text(page, `${row} .failed`)]).toEqual([row, '6', '0']);
    }
    runId = await text(page, '#run-id');
    expect(runId).toMatch(/^santa-/);
    expect(await page.getAttribute('#run-ui', 'href')).toBe(`${uiWithCodec}/namespaces/default/workflows/${runId}`);
    expect(await page.isHidden('#problems')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'upload-page-completed.png'), fullPage: true });
    await page.close();
  }, 90_000);

  it('shows every problem of an invalid file with its line number, and no run', async () => {
    const page = await browser.newPage();
    await page.goto(`${api}/`);
    const bad = 'Alice,not-an-email,,\nBob,,,\nAlice,alice@example.com,,\n';
    await page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.click('#start');
    await page.locator('#problems').waitFor({ state: 'visible' });
    const rows = await page
      .locator('#problem-rows tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map(([line]) => line)).toEqual(expect.arrayContaining(['1', '2', '3']));
    expect(rows).toContainEqual(['1', 'email', expect.any(String)]);
    expect(rows).toContainEqual(['3', 'name', expect.any(String)]);
    expect(await text(page, '#problems-message')).toBe('The file has 3 problems: fix them and start again.');
    expect(await page.isHidden('#run')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'upload-page-problems.png'), fullPage: true });
    await page.close();
  });

  it('asks for the API token when the server needs one, and keeps it for the tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${tokenApi}/`);
    await page.setInputFiles('#file', { name: 'participants.csv', mimeType: 'text/csv', buffer: example });
    await page.click('#start');
    await until('the page to ask for the token', async () =>
      (await text(page, '#problems-message')).includes('API token') ? true : undefined,
    );
    expect(await page.locator('#token-box').getAttribute('open')).not.toBeNull();
    await page.fill('#token', TOKEN);
    await page.check('#dry-run');
    await page.click('#start');
    await until('the dry run to complete', async () => ((await text(page, '#run-status')) === 'COMPLETED' ? true : undefined), 60_000);
    expect(await text(page, '#email-row .sent')).toBe('0'); // a dry run sends nothing
    await page.reload();
    expect(await page.inputValue('#token')).toBe(TOKEN);
    await page.close();
  }, 90_000);
});

/** The text of the UI's Input and Result boxes and of the whole page, once the timeline has drawn. */
async function runPage(uiUrl: string, screenshot: string, ready: (input: string) => boolean) {
  const page = await browser.newPage();
  const codecCalls: string[] = [];
  const codecAnswers: number[] = [];
  page.on('request', (request) => request.url().includes('/codec/') && codecCalls.push(request.url()));
  page.on('response', (response) => response.url().includes('/codec/') && codecAnswers.push(response.status()));
  await page.goto(`${uiUrl}/namespaces/default/workflows/${runId}`);
  const read = async () => {
    const body = await page.innerText('body');
    const input = body.slice(body.indexOf('\nInput\n') + 7, body.indexOf('\nResult\n'));
    const result = body.slice(body.indexOf('\nResult\n') + 8, body.indexOf('\nTimeline\n', body.indexOf('\nResult\n')));
    return { body, input, result };
  };
  const shown = await until(
    'the run page to draw',
    async () => {
      const current = await read();
      return current.body.includes('notifySms') && ready(current.input) ? current : undefined;
    },
    30_000,
  );
  await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
  await page.close();
  return { ...shown, codecCalls, codecAnswers };
}

describe('the Temporal Web UI', () => {
  it('shows the finished run with each step by name, and its payloads readable through the codec', async () => {
    expect(runId).toBeDefined();
    const shown = await runPage(uiWithCodec, 'temporal-ui-run.png', (input) => input.includes('csvKey'));
    for (const step of STEPS) expect([step, shown.body.includes(step)]).toEqual([step, true]);
    expect(shown.body).toContain('COMPLETED');
    expect(shown.input).toContain(`runs/${runId}/`);
    expect(shown.result).toMatch(/"stage": "done"/);
    expect(shown.result).toMatch(/"participants": 6/);
    // Every decode went to the operator's path, and the API took it.
    expect(shown.codecCalls.length).toBeGreaterThan(0);
    for (const url of shown.codecCalls) expect(url.split('?')[0]).toBe(`${api}/codec/t/${CODEC_TOKEN}/decode`);
    expect(shown.codecAnswers.filter((status) => status !== 200 && status !== 204)).toEqual([]);
  }, 60_000);

  it('shows the same payloads as ciphertext without the codec', async () => {
    expect(runId).toBeDefined();
    const shown = await runPage(uiWithoutCodec, 'temporal-ui-run-without-codec.png', (input) => /"[A-Za-z0-9+/=]{40,}"/.test(input));
    expect(shown.input.trim()).toMatch(/^"[A-Za-z0-9+/=]{40,}"$/);
    expect(shown.result.trim()).toMatch(/^"[A-Za-z0-9+/=]{40,}"$/);
    expect(shown.body).not.toContain('csvKey');
    expect(shown.body).not.toContain('"stage"');
    expect(shown.codecCalls).toEqual([]);
    for (const step of STEPS) expect([step, shown.body.includes(step)]).toEqual([step, true]);
  }, 60_000);
});

describe('a hostile organiser in the Web UI', () => {
  it('opens every event of the finished run, decoded through the codec, and finds no pair', async () => {
    expect(runId).toBeDefined();
    const { pairs } = await loadAllocation(config, allocationKey(runId));
    const { runId: executionId } = await temporal.client.workflow.getHandle(runId).describe();
    const page = await browser.newPage();
    const decoded: string[] = [];
    page.on('response', async (response) => {
      if (response.url().includes('/codec/') && response.request().method() === 'POST') decoded.push(await response.text().catch(() => ''));
    });
    await page.goto(`${uiWithCodec}/namespaces/default/workflows/${runId}/${executionId}/history`);
    // Each event opened in turn ("Expand details"), as someone reading the whole run would.
    const expand = page.getByRole('button', { name: 'Expand details' });
    await expand.first().waitFor();
    const events = await expand.count();
    // An opened event's button becomes "Collapse details": open the first closed one until none is left.
    for (let opened = 0; opened < events && (await expand.count()) > 0; opened++) await expand.first().click();
    expect(await expand.count()).toBe(0);
    // Every event open: the givers' messages (notify inputs, with their addresses) are on the page, decoded.
    const body = await until(
      'every event to be open and decoded',
      async () => {
        const current = await page.innerText('body');
        return pairs.every(({ giver }) => current.includes(giver)) && current.includes('@example.com') ? current : undefined;
      },
      60_000,
    );
    await page.screenshot({ path: join(artifacts, 'temporal-ui-history-expanded.png'), fullPage: true });
    await page.close();
    expect(events).toBeGreaterThan(20);
    expect(decoded.length).toBeGreaterThan(0);
    for (const shown of [body, ...decoded]) {
      expect(shown).not.toMatch(/Secret Santa for|recipient/i);
      expect(shown).not.toMatch(/"seed"/);
    }
  }, 120_000);
});

describe("a participant's page", () => {
  it('shows the participant whom they give to, and a tampered link nothing', async () => {
    expect(runId).toBeDefined();
    const { pairs } = await loadAllocation(config, allocationKey(runId));
    const { giver, recipient } = pairs[0];
    const message = providers.mailgun.messages.find((m) => m.text.startsWith(`Hey ${giver},`))!;
    const link = new URL(/http:\/\/\S+\/p\/\S+/.exec(message.text)![0]);
    const page = await browser.newPage();
    await page.goto(`${api}${link.pathname}`);
    expect(await text(page, 'h1')).toBe(`Hi ${giver}`);
    expect(await text(page, '#recipient')).toBe(recipient);
    await page.screenshot({ path: join(artifacts, 'participant-page.png'), fullPage: true });

    const token = link.pathname.split('/').pop()!;
    await page.goto(`${api}${link.pathname.replace(token, token.slice(0, -1) + (token.endsWith('Q') ? 'R' : 'Q'))}`);
    expect(await text(page, 'h1')).toBe('This link is not valid');
    const shown = await page.innerText('body');
    for (const { giver: name } of pairs) expect(shown).not.toContain(name);
    await page.screenshot({ path: join(artifacts, 'participant-page-tampered.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
