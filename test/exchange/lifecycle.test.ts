/**
 * An exchange from start to end on the real server, its dates seconds apart: invitations, a wishlist, the draw on its
 * date (the worker down when it came, restarted after), a question and its answer both ways, a wishlist change, the
 * reminder, the reveal, and the deletion of everything it kept after the retention period.
 */
import type { Worker } from '@temporalio/worker';
import { loadAllocation } from '../../activities/store-allocations';
import { exchangeKeys } from '../../storage/exchange-data';
import { createObjectStore } from '../../storage/object-store';
import { allocationKey, runKeys } from '../../storage/run-data';
import { until } from '../../testkit/until';
import { startTestStack, type TestStack } from '../support/stack';
import { createTestWorker } from '../support/temporal';
import { act, iso, linksFrom, ORGANISER_TOKEN, openPage, PUBLIC_URL, startExchange, untilView, view } from './support';

const people = ['Ann', 'Bob', 'Cy', 'Di'];
const email = (name: string) => `${name.toLowerCase()}@example.com`;
// Di has no phone: her messages go by email only.
const csv = people.map((name, i) => `${name},${email(name)},${name === 'Di' ? '' : `+44770095000${i}`},`).join('\n');

let stack: TestStack;
let restarted: { worker: Worker; running: Promise<void> } | undefined;
let id: string;
let drawAt: number;
let links: Map<string, string>;
/** Who gives to whom, as only the worker's key opens it: for checking what each person was told. */
let recipientOf: Map<string, string>;
let santaOf: Map<string, string>;

const mails = (name: string) => stack.providers.mailgun.messages.filter((m) => m.to === email(name));
const mailTo = (name: string, subject: RegExp) =>
  until(`${name}'s email "${subject}"`, async () => mails(name).find((m) => subject.test(m.subject)));
const page = (name: string) => openPage(stack.app, links.get(email(name))!);

beforeAll(async () => {
  stack = await startTestStack('exchange-lifecycle', {
    env: { API_TOKEN: ORGANISER_TOKEN, SANTA_PUBLIC_URL: PUBLIC_URL, SANTA_RETENTION_DAYS: '0.0001' }, // 8.6 s
  });
}, 60_000);

afterAll(async () => {
  // The stack stops whichever worker is its own by then: the restarted one.
  await stack?.close();
  await restarted?.running;
});

it('starts: 202, and everyone is invited at once with their own link', async () => {
  const now = Date.now();
  drawAt = now + 10_000;
  const started = await startExchange(stack.app, csv, {
    title: 'Office party',
    budget: '£20',
    drawAt: iso(drawAt),
    giftDay: iso(now + 34_000),
    reveal: true,
    singleCycle: true, // one loop: nobody's Santa is also their giftee, so a page naming the giftee never names the Santa
  });
  expect(started.statusCode).toBe(202);
  id = started.json().id;
  expect(started.json()).toMatchObject({ status: 'RUNNING', links: { self: `/exchanges/${id}` } });
  const invited = await untilView(stack.app, id, 'everyone invited', (v) => v.counts.invited === 4);
  expect(invited).toMatchObject({ status: 'RUNNING', stage: 'waiting-for-draw', participants: 4, title: 'Office party', budget: '£20' });
  links = linksFrom(stack.providers.mailgun.messages, id);
  expect([...links.keys()].sort()).toEqual(people.map(email).sort());
  expect(new Set(links.values()).size).toBe(4);
  // Texts carry the same link, to those with a phone.
  const texts = stack.providers.twilio.messages.filter((m) => m.body.includes(`/p/${id}/`));
  expect(texts.map((m) => m.to).sort()).toEqual(['+447700950000', '+447700950001', '+447700950002']);
});

it("shows each person their page before the draw: their name, the exchange's title, budget and dates, no recipient yet", async () => {
  const before = await page('Ann');
  expect(before.statusCode).toBe(200);
  expect(before.headers['cache-control']).toBe('no-store');
  expect(before.body).toContain('Hi Ann');
  expect(before.body).toContain('Office party');
  expect(before.body).toContain('£20');
  expect(before.body).toContain('The names are drawn on');
  for (const other of people.filter((p) => p !== 'Ann')) expect(before.body).not.toContain(other);
});

it('keeps a wishlist written before the draw; a question must wait for the draw', async () => {
  const saved = await act(stack.app, links.get(email('Ann'))!, 'wishlist', 'Woolly socks\nA good novel');
  expect(saved.statusCode).toBe(303);
  expect(saved.headers.location).toMatch(/\?saved=wishlist$/);
  expect((await page('Ann')).body).toContain('Woolly socks\nA good novel</textarea>');
  const early = await act(stack.app, links.get(email('Bob'))!, 'ask', 'Tea or coffee?');
  expect(early.statusCode).toBe(409);
  expect(early.body).toContain('questions open once the names are drawn');
  expect((await view(stack.app, id)).counts).toMatchObject({ wishlists: 1, questions: 0 });
});

it('draws on the draw date though the worker was down when it came, and tells each whom they give to, with their wishlist', async () => {
  stack.worker.shutdown();
  await until('the worker to stop', async () => (stack.worker.getState() === 'STOPPED' ? true : undefined));
  // The date passes with no worker at all: the timer is the server's, and fires for the next worker.
  await until('the draw date to pass', async () => (Date.now() > drawAt + 1000 ? true : undefined), 30_000, 250);
  const worker = await createTestWorker(stack.temporal, stack.config);
  restarted = { worker, running: worker.run() };
  stack.worker = worker;

  await untilView(stack.app, id, 'the draw', (v) => v.stage !== 'waiting-for-draw' && v.stage !== 'drawing');
  const { pairs } = await loadAllocation(stack.config, allocationKey(id));
  recipientOf = new Map(pairs.map((p) => [p.giver, p.recipient]));
  santaOf = new Map(pairs.map((p) => [p.recipient, p.giver]));
  for (const name of people) {
    const told = await mailTo(name, /who are you Secret Santa for/);
    expect(told.text).toContain(`Hey ${name}, you're Secret Santa for ${recipientOf.get(name)} this year!`);
  }
  expect((await mailTo(santaOf.get('Ann')!, /who are you Secret Santa for/)).text).toContain(
    "Ann's wishlist:\n> Woolly socks\n> A good novel",
  );
  const annPage = (await page('Ann')).body;
  expect(annPage).toContain(`<strong id="recipient">${recipientOf.get('Ann')}</strong>`);
  expect(annPage).not.toContain(santaOf.get('Ann')!);
});

it('carries a question from a Santa to their giftee and the answer back, and neither page nor message names the Santa', async () => {
  const santa = santaOf.get('Ann')!;
  const asked = await act(stack.app, links.get(email(santa))!, 'ask', 'Which author do you like best?');
  expect(asked.statusCode).toBe(303);
  const question = await mailTo('Ann', /your Secret Santa asks/);
  expect(question.text).toContain('your Secret Santa asks:\n> Which author do you like best?');
  expect(question.text).not.toContain(santa);

  const annPage = (await page('Ann')).body;
  expect(annPage).toContain('Which author do you like best?');
  expect(annPage).not.toContain(santa);

  expect((await act(stack.app, links.get(email('Ann'))!, 'answer', 'Ursula K. Le Guin')).statusCode).toBe(303);
  const answer = await mailTo(santa, /Ann answered/);
  expect(answer.text).toContain('Ann answered your question:\n> Ursula K. Le Guin');
  const santaPage = (await page(santa)).body;
  expect(santaPage).toContain('Which author do you like best?');
  expect(santaPage).toContain('Ursula K. Le Guin');

  // Only Ann's Santa asked: Bob has nothing to answer.
  const nothing = await act(stack.app, links.get(email('Bob'))!, 'answer', 'hello?');
  expect(nothing.statusCode).toBe(409);
  expect(nothing.body).toContain('has not asked you anything yet');
  expect((await view(stack.app, id)).counts).toMatchObject({ questions: 1, answers: 1 });
});

it("tells Ann's Santa when her wishlist changes", async () => {
  expect((await act(stack.app, links.get(email('Ann'))!, 'wishlist', 'Woolly socks\nAnything by Le Guin')).statusCode).toBe(303);
  const changed = await mailTo(santaOf.get('Ann')!, /Ann changed their wishlist/);
  expect(changed.text).toContain('Anything by Le Guin');
  expect((await page(santaOf.get('Ann')!)).body).toContain('Anything by Le Guin');
});

it('reminds every Santa before gift day, then reveals who was whose Santa, and closes the pages to changes', async () => {
  for (const name of people) {
    const reminder = await mailTo(name, /gift day is coming/);
    expect(reminder.text).toContain(`you're Secret Santa for ${recipientOf.get(name)}`);
  }
  for (const name of people) {
    const reveal = await mailTo(name, /who was your Secret Santa/);
    expect(reveal.text).toContain(`${santaOf.get(name)} was your Secret Santa.`);
  }
  await untilView(stack.app, id, 'gift day', (v) => v.stage === 'after-gift-day' || v.stage === 'deleting' || v.stage === 'ended');
  const after = await page('Ann');
  expect(after.body).toContain(`<strong id="santa">${santaOf.get('Ann')}</strong> was your Secret Santa`);
  expect(after.body).not.toContain('<form');
  const late = await act(stack.app, links.get(email('Ann'))!, 'wishlist', 'too late');
  expect(late.statusCode).toBe(409);
  expect(late.body).toContain('gift day has passed');
});

it('deletes everything it kept once the retention period ends, and its pages say so', async () => {
  const ended = await untilView(stack.app, id, 'the end of retention', (v) => v.status === 'COMPLETED');
  expect(ended).toMatchObject({
    stage: 'ended',
    participants: 4,
    counts: { invited: 4, wishlists: 1, questions: 1, answers: 1, messages: { sent: 19, failed: 0 } },
  });
  const store = createObjectStore(stack.config.storage);
  try {
    for (const key of [
      exchangeKeys.links(id),
      allocationKey(id),
      runKeys.participants(id),
      runKeys.upload(id),
      runKeys.draw(id, 0),
      exchangeKeys.revealed(id),
    ]) {
      expect({ key, stored: (await store.get(key)) !== undefined }).toEqual({ key, stored: false });
    }
  } finally {
    store.close();
  }
  const gone = await page('Ann');
  expect(gone.statusCode).toBe(200);
  expect(gone.body).toContain('its wishlists and questions have been deleted');
  expect(gone.body).not.toContain('Woolly socks');
});
