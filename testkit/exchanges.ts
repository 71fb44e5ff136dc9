/**
 * Driving exchanges through the API (a Fastify app, by `app.inject`) as an organiser (with their token) and as
 * participants (their links, no token): for the exchange tests and the history recorder alike.
 */
import type { FastifyInstance } from 'fastify';
import type { MailgunMessage } from './fake-mailgun';
import { until } from './until';

export const ORGANISER_TOKEN = 'exchange-organiser-token-42';
export const organiser = { authorization: `Bearer ${ORGANISER_TOKEN}` };
export const PUBLIC_URL = 'https://santa.example.org';

export const iso = (ms: number) => new Date(ms).toISOString();

export interface ExchangeQuery {
  title?: string;
  budget?: string;
  drawAt: string;
  giftDay: string;
  reveal?: boolean;
  singleCycle?: boolean;
}

export async function startExchange(app: FastifyInstance, csv: string, query: ExchangeQuery) {
  const params = new URLSearchParams({ title: 'Office party' });
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  return app.inject({ method: 'POST', url: `/exchanges?${params}`, payload: csv, headers: { 'content-type': 'text/csv', ...organiser } });
}

export const view = async (app: FastifyInstance, id: string) =>
  (await app.inject({ method: 'GET', url: `/exchanges/${id}`, headers: organiser })).json();

export const untilView = (
  app: FastifyInstance,
  id: string,
  what: string,
  ok: (v: ReturnType<typeof JSON.parse>) => boolean,
  timeoutMs = 60_000,
) =>
  until(
    what,
    async () => {
      const answer = await view(app, id);
      return ok(answer) ? answer : undefined;
    },
    timeoutMs,
  );

/** Each person's link, from the invitation their email brought (keyed by email address). */
export function linksFrom(messages: MailgunMessage[], exchangeId: string): Map<string, string> {
  const links = new Map<string, string>();
  const pattern = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/p/${exchangeId}/[\\w-]{22})`);
  for (const message of messages) {
    const path = pattern.exec(message.text)?.[1];
    if (path && message.subject.startsWith("You're invited")) links.set(message.to, path);
  }
  return links;
}

export const openPage = (app: FastifyInstance, path: string) => app.inject({ method: 'GET', url: path });

/** A form post from the page, as a browser sends it. */
export const act = (app: FastifyInstance, path: string, action: 'wishlist' | 'ask' | 'answer', text: string) =>
  app.inject({
    method: 'POST',
    url: `${path}/${action}`,
    payload: new URLSearchParams({ text }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
