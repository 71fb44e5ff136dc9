/**
 * The participant's page in a real browser (Debian's chromium through playwright-core), on a phone-sized screen, as
 * people use it: open the link from the message, write a wishlist, ask the giftee a question, answer one's own
 * Santa. Screenshots go to test-results/exchange/ (the README's come from here).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { loadAllocation } from '../../activities/store-allocations';
import { allocationKey } from '../../storage/run-data';
import { launchChromium } from '../support/browser';
import { startTestStack, type TestStack } from '../support/stack';
import { iso, linksFrom, ORGANISER_TOKEN, PUBLIC_URL, startExchange, untilView } from './support';

const artifacts = join(__dirname, '../../test-results/exchange');
const people = ['Ann', 'Bob', 'Cy'];
const email = (name: string) => `${name.toLowerCase()}@example.com`;
const csv = people.map((name, i) => `${name},${email(name)},+44770096000${i},`).join('\n');

let stack: TestStack;
let browser: BrowserContext;
let base: string;
let links: Map<string, string>;
let recipientOf: Map<string, string>;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startTestStack('exchange-browser', { env: { API_TOKEN: ORGANISER_TOKEN, SANTA_PUBLIC_URL: PUBLIC_URL } });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  const started = await startExchange(stack.app, csv, {
    title: 'Family Christmas',
    budget: '£25',
    drawAt: 'now',
    giftDay: iso(Date.UTC(new Date().getUTCFullYear() + 1, 11, 25, 10)),
    reveal: true,
    singleCycle: true,
  });
  const { id } = started.json();
  await untilView(stack.app, id, 'the draw', (v) => v.stage === 'drawn');
  links = linksFrom(stack.providers.mailgun.messages, id);
  recipientOf = new Map((await loadAllocation(stack.config, allocationKey(id))).pairs.map((p) => [p.giver, p.recipient]));
  browser = await launchChromium({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const open = async (name: string): Promise<Page> => {
  const page = await browser.newPage();
  await page.goto(`${base}${links.get(email(name))}`);
  return page;
};
const shot = (page: Page, file: string) => page.screenshot({ path: join(artifacts, file), fullPage: true });
/** Nothing wider than the phone: no sideways scrolling. */
const fitsThePhone = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

it('shows a person, on a phone, whom they give to; they write a wishlist and ask a question anonymously', async () => {
  const ann = await open('Ann');
  const giftee = recipientOf.get('Ann')!;
  expect(await ann.locator('h1').textContent()).toBe('Hi Ann');
  expect(await ann.locator('#recipient').textContent()).toBe(giftee);
  expect(await ann.locator('#title').textContent()).toBe('Family Christmas');
  expect(await fitsThePhone(ann)).toBe(true);
  await shot(ann, 'exchange-1-page.png');

  await ann.fill('#wishlist-text', 'Warm gloves (size M)\nA board game for two');
  await Promise.all([ann.waitForURL(/saved=wishlist/), ann.click('#wishlist button')]);
  expect(await ann.locator('#notice').textContent()).toBe('Your wishlist is saved.');
  expect(await ann.inputValue('#wishlist-text')).toBe('Warm gloves (size M)\nA board game for two');
  await shot(ann, 'exchange-2-wishlist.png');

  await ann.fill('#question', 'Do you prefer tea or coffee?');
  await Promise.all([ann.waitForURL(/saved=ask/), ann.click('#giving button')]);
  expect(await ann.locator('#giving .thread li').first().textContent()).toContain('Do you prefer tea or coffee?');
  await shot(ann, 'exchange-3-asked.png');
  await ann.close();
});

it("lets the giftee answer their Santa's question without learning who asked, and shows the Santa the answer", async () => {
  const giftee = recipientOf.get('Ann')!;
  const page = await open(giftee);
  const section = page.locator('#from-santa');
  expect(await section.textContent()).toContain('Do you prefer tea or coffee?');
  expect(await section.textContent()).toContain('Your Secret Santa');
  expect(await page.locator('main').textContent()).not.toContain('Ann');
  await page.fill('#answer', 'Tea, with milk');
  await Promise.all([page.waitForURL(/saved=answer/), page.click('#from-santa button')]);
  expect(await page.locator('#notice').textContent()).toContain('on its way to your Secret Santa');
  expect(await fitsThePhone(page)).toBe(true);
  await shot(page, 'exchange-4-answered.png');
  await page.close();

  const ann = await open('Ann');
  expect(await ann.locator('#giving .thread').textContent()).toContain('Tea, with milk');
  await shot(ann, 'exchange-5-thread.png');
  await ann.close();
});

it('says plainly that a wrong link shows nothing', async () => {
  const page = await browser.newPage();
  const link = links.get(email('Bob'))!;
  const response = await page.goto(`${base}${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}`);
  expect(response?.status()).toBe(404);
  expect(await page.locator('h1').textContent()).toBe('This link is not valid');
  await shot(page, 'exchange-6-wrong-link.png');
  await page.close();
});
