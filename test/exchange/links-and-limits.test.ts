/**
 * What a link can and cannot do: a forged, altered or foreign link reads and writes nothing; texts are bounded in
 * length and rate; the organiser draws early, cancels (deleting what was kept), and gets clear errors for bad input.
 * And an exchange that continues as new keeps everything it had.
 */
import { randomUUID } from 'node:crypto';
import { exchangeKeys } from '../../storage/exchange-data';
import { createObjectStore } from '../../storage/object-store';
import { allocationKey } from '../../storage/run-data';
import { until } from '../../testkit/until';
import { exchangeStatusQuery } from '../../workflows';
import { startTestStack, type TestStack } from '../support/stack';
import {
  act,
  iso,
  linksFrom,
  ORGANISER_TOKEN,
  openPage,
  organiser,
  PUBLIC_URL,
  startExchange,
  startExchangeWorkflow,
  untilView,
  view,
} from './support';

const people = ['Eve', 'Finn', 'Gus', 'Hal', 'Ivy'];
const email = (name: string) => `${name.toLowerCase()}@example.com`;
const csv = people.map((name) => `${name},${email(name)},,`).join('\n');
const DAY = 86_400_000;

let stack: TestStack;

async function invited(query: Partial<Parameters<typeof startExchange>[2]> = {}) {
  const started = await startExchange(stack.app, csv, { drawAt: iso(Date.now() + DAY), giftDay: iso(Date.now() + 2 * DAY), ...query });
  expect(started.statusCode).toBe(202);
  const { id } = started.json();
  await untilView(stack.app, id, 'the invitations', (v) => v.counts.invited === people.length);
  const links = linksFrom(stack.providers.mailgun.messages, id);
  return { id, link: (name: string) => links.get(email(name))! };
}

beforeAll(async () => {
  stack = await startTestStack('exchange-links', { env: { API_TOKEN: ORGANISER_TOKEN, SANTA_PUBLIC_URL: PUBLIC_URL } });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('the organiser', () => {
  it('gets every problem of a bad request by field: dates, file, an impossible draw; nothing starts', async () => {
    const past = await startExchange(stack.app, csv, { drawAt: iso(Date.now() - DAY), giftDay: iso(Date.now() - 2 * DAY) });
    expect(past.statusCode).toBe(400);
    expect(past.json().details).toEqual([
      { field: 'drawAt', message: expect.stringMatching(/in the past/) },
      { field: 'giftDay', message: expect.stringMatching(/after the draw/) },
    ]);
    const notADate = await startExchange(stack.app, csv, { drawAt: 'now', giftDay: '24 December' });
    expect(notADate.statusCode).toBe(400);
    expect(notADate.json().message).toMatch(/^giftDay: "24 December" is not an ISO 8601 date-time/);
    const badFile = await startExchange(stack.app, 'Eve,not-an-email,,\nEve,eve@example.com,,', {
      drawAt: 'now',
      giftDay: iso(Date.now() + DAY),
    });
    expect(badFile.statusCode).toBe(400);
    expect(badFile.json().details.map((d: { line: number; field: string }) => `${d.line}:${d.field}`)).toEqual(
      expect.arrayContaining(['1:email', '2:name']),
    );
    const impossible = await startExchange(stack.app, 'Eve,eve@example.com,,Finn\nFinn,finn@example.com,,', {
      drawAt: 'now',
      giftDay: iso(Date.now() + DAY),
    });
    expect(impossible.statusCode).toBe(422);
    const noToken = await stack.app.inject({ method: 'GET', url: '/exchanges/exchange-00000000-0000-0000-0000-000000000000' });
    expect(noToken.statusCode).toBe(401);
  });

  it('draws early on request, once; cancels, deleting what the exchange kept', async () => {
    const { id, link } = await invited();
    expect((await act(stack.app, link('Eve'), 'wishlist', 'A kite')).statusCode).toBe(303);
    const draw = await stack.app.inject({ method: 'POST', url: `/exchanges/${id}/draw`, headers: organiser });
    expect(draw.statusCode).toBe(202);
    await until('the draw messages', async () =>
      stack.providers.mailgun.messages.filter((m) => m.text.includes(`/p/${id}/`) && /who are you Secret Santa for/.test(m.subject))
        .length === people.length
        ? true
        : undefined,
    );
    const again = await stack.app.inject({ method: 'POST', url: `/exchanges/${id}/draw`, headers: organiser });
    expect(again.statusCode).toBe(409);

    const cancelled = await stack.app.inject({ method: 'DELETE', url: `/exchanges/${id}`, headers: organiser });
    expect(cancelled.json()).toEqual({ id, status: 'CANCELLED' });
    const store = createObjectStore(stack.config.storage);
    try {
      for (const key of [exchangeKeys.links(id), allocationKey(id)])
        expect({ key, kept: (await store.get(key)) !== undefined }).toEqual({ key, kept: false });
    } finally {
      store.close();
    }
    const page = await openPage(stack.app, link('Eve'));
    expect(page.body).toContain('The organiser cancelled this exchange');
    expect(page.body).not.toContain('A kite');
    expect((await act(stack.app, link('Eve'), 'wishlist', 'still here?')).statusCode).toBe(404);
  });
});

describe('a link that is not a participant’s own', () => {
  let a: Awaited<ReturnType<typeof invited>>;
  let b: Awaited<ReturnType<typeof invited>>;
  beforeAll(async () => {
    [a, b] = [await invited(), await invited()];
    expect((await act(stack.app, a.link('Finn'), 'wishlist', 'Finn wants a telescope')).statusCode).toBe(303);
    expect((await stack.app.inject({ method: 'POST', url: `/exchanges/${a.id}/draw`, headers: organiser })).statusCode).toBe(202);
    await untilView(stack.app, a.id, 'the draw', (v) => v.stage === 'drawn');
    expect((await act(stack.app, a.link('Gus'), 'ask', 'Do you like jazz?')).statusCode).toBe(303);
  }, 60_000);

  const forgeries = () => {
    const real = a.link('Finn');
    const token = real.split('/').pop()!;
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    return {
      altered: real.replace(token, altered),
      guessed: real.replace(token, 'A'.repeat(22)),
      cut: real.slice(0, -3),
      'another exchange’s link on this one': `/p/${a.id}/${b.link('Finn').split('/').pop()}`,
      'this link on another exchange': `/p/${b.id}/${token}`,
      'this link on a made-up exchange': `/p/exchange-${randomUUID()}/${token}`,
    };
  };

  it('reads nothing: 404, no name, no wishlist, no question', async () => {
    for (const [how, path] of Object.entries(forgeries())) {
      const page = await openPage(stack.app, path);
      expect({ how, status: page.statusCode }).toEqual({ how, status: 404 });
      expect(page.body).toContain('This link is not valid');
      for (const text of [...people, 'telescope', 'jazz'])
        expect({ how, text, shown: page.body.includes(text) }).toEqual({ how, text, shown: false });
    }
  });

  it("writes nothing: no wishlist, question or answer lands, and the counts don't move", async () => {
    const before = (await view(stack.app, a.id)).counts;
    for (const [how, path] of Object.entries(forgeries())) {
      for (const action of ['wishlist', 'ask', 'answer'] as const) {
        const answer = await act(stack.app, path, action, 'forged words');
        expect({ how, action, status: answer.statusCode }).toEqual({ how, action, status: 404 });
      }
    }
    expect((await view(stack.app, a.id)).counts).toEqual(before);
    for (const name of people) expect((await openPage(stack.app, a.link(name))).body).not.toContain('forged words');
    expect((await openPage(stack.app, a.link('Finn'))).body).toContain('Finn wants a telescope</textarea>');
  });
});

describe('texts a page sends', () => {
  it('are bounded in length, refused with the field named, and nothing is kept', async () => {
    const { id, link } = await invited();
    const long = await act(stack.app, link('Hal'), 'wishlist', 'x'.repeat(2001));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('wishlist: at most 2000 characters (this has 2001)');
    const control = await act(stack.app, link('Hal'), 'wishlist', 'hidden\u0000null');
    expect(control.statusCode).toBe(400);
    expect(control.body).toContain('wishlist: holds invisible control characters');
    const huge = await stack.app.inject({
      method: 'POST',
      url: `${link('Hal')}/wishlist`,
      payload: `text=${'y'.repeat(40_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(huge.statusCode).toBe(413);
    expect((await view(stack.app, id)).counts.wishlists).toBe(0);
  });

  it('are limited in rate per link: the 21st change in an hour waits', async () => {
    const { id, link } = await invited();
    for (let i = 1; i <= 20; i++) expect((await act(stack.app, link('Ivy'), 'wishlist', `idea ${i}`)).statusCode).toBe(303);
    const flood = await act(stack.app, link('Ivy'), 'wishlist', 'idea 21');
    expect(flood.statusCode).toBe(429);
    expect(flood.body).toMatch(/too many changes from this page: try again in \d+ s/);
    expect((await openPage(stack.app, link('Ivy'))).body).toContain('idea 20</textarea>');
    // Another person's page is not held back by it.
    expect((await act(stack.app, link('Eve'), 'wishlist', 'a scarf')).statusCode).toBe(303);
    expect((await view(stack.app, id)).counts.wishlists).toBe(2);
  });
});

it('continues as new when its history grows, keeping links, counts and content', async () => {
  const id = `exchange-${randomUUID()}`;
  const now = Date.now();
  const handle = await startExchangeWorkflow(stack, id, csv, {
    settings: { title: 'Long season', drawAt: now + DAY, giftDay: now + 2 * DAY, reveal: false },
    retentionMs: DAY,
    continueAsNewAfter: 60,
  });
  await until('the invitations', async () =>
    (await handle.query(exchangeStatusQuery)).counts.invited === people.length ? true : undefined,
  );
  const links = linksFrom(stack.providers.mailgun.messages, id);
  const link = (name: string) => links.get(email(name))!;
  for (const [i, name] of people.entries())
    expect((await act(stack.app, link(name), 'wishlist', `wish ${i} of ${name}`)).statusCode).toBe(303);
  for (let i = 0; i < 6; i++) expect((await act(stack.app, link('Eve'), 'wishlist', `Eve wish, take ${i}`)).statusCode).toBe(303);
  const status = await until('a new run', async () => {
    const s = await handle.query(exchangeStatusQuery);
    return s.runs >= 1 ? s : undefined;
  });
  expect(status.counts).toMatchObject({ invited: 5, wishlists: 5 });
  const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: id },
  });
  expect(history!.events!.length).toBeLessThan(120);
  // Links still open pages and take changes in the new run; the draw comes, with the wishlists kept.
  expect((await act(stack.app, link('Finn'), 'wishlist', 'Finn, after the new run')).statusCode).toBe(303);
  expect((await openPage(stack.app, link('Eve'))).body).toContain('Eve wish, take 5</textarea>');
  expect((await stack.app.inject({ method: 'POST', url: `/exchanges/${id}/draw`, headers: organiser })).statusCode).toBe(202);
  const drawn = await until('the draw messages', async () => {
    const told = stack.providers.mailgun.messages.filter(
      (m) => m.text.includes(`/p/${id}/`) && /who are you Secret Santa for/.test(m.subject),
    );
    return told.length === people.length ? told : undefined;
  });
  expect(drawn.some((m) => m.text.includes('Finn, after the new run'))).toBe(true);
  await handle.cancel();
});
