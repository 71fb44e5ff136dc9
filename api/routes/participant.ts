import type { FastifyInstance, FastifyReply } from 'fastify';
import { linkId } from '../../lib/codec/draw-seal';
import type { Channel } from '../../lib/types';
import type { AllocationRuns } from '../allocation-runs';
import { ApiError } from '../api-error';
import { sendSecretPage } from './secret-page';

/** A participant's page: the link is their key, so these routes are public even with API_TOKEN set. */
export const PARTICIPANT_PATHS = ['/p/:runId/:token', '/p/:runId/:token/resend'];

/** 128 bits in base64url, as the worker makes them (activities/store-allocations.ts). */
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

const params = {
  type: 'object',
  properties: { runId: { type: 'string', minLength: 1, maxLength: 200 }, token: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['runId', 'token'],
} as const;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, body: string) {
  return sendSecretPage(
    reply,
    status,
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      `<title>Your Secret Santa</title><link rel="stylesheet" href="/page.css"></head><body><main>${body}</main></body></html>`,
  );
}

const NOT_VALID =
  '<h1>This link is not valid</h1><p class="error" id="invalid">It shows nothing: it may have been mistyped, cut short or changed. ' +
  'Open the link exactly as your message gave it, or ask the organiser to send your message again.</p>';

export default async function participantRoutes(app: FastifyInstance, { runs }: { runs: AllocationRuns }) {
  // The page's one form posts plainly, without JavaScript.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const reveal = async (runId: string, token: string) => (TOKEN.test(token) ? runs.reveal(runId, token) : undefined);

  app.get<{ Params: { runId: string; token: string } }>('/p/:runId/:token', { schema: { hide: true, params } }, async (request, reply) => {
    const { runId, token } = request.params;
    const draw = await reveal(runId, token);
    if (!draw) return page(reply, 404, NOT_VALID);
    return page(
      reply,
      200,
      `<h1>Hi ${escape(draw.name)}</h1>` +
        `<p id="draw">You're Secret Santa for <strong id="recipient">${escape(draw.recipient)}</strong> this year!</p>` +
        '<p>Only you can see this page: keep its link to yourself.</p>' +
        '<form method="post" action="' +
        escape(`/p/${encodeURIComponent(runId)}/${token}/resend`) +
        '">' +
        '<p>Lost your message? Have it sent to you again:</p>' +
        '<button name="channel" value="email">By email</button> <button name="channel" value="sms">By text message</button></form>',
    );
  });

  app.post<{ Params: { runId: string; token: string }; Body: { channel?: string } }>(
    '/p/:runId/:token/resend',
    { schema: { hide: true, params } },
    async (request, reply) => {
      const { runId, token } = request.params;
      const channel = request.body?.channel;
      if (channel !== 'email' && channel !== 'sms')
        return page(reply, 400, '<h1>Nothing sent</h1><p class="error">Choose email or text message.</p>');
      const draw = await reveal(runId, token);
      if (!draw) return page(reply, 404, NOT_VALID);
      const how = channel === 'email' ? 'email' : 'text message';
      try {
        await runs.resend(runId, { linkId: linkId(token) }, channel as Channel);
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 422) {
          return page(reply, 422, `<h1>Nothing sent</h1><p class="error">The organiser has no ${how} contact for you.</p>`);
        }
        throw error;
      }
      return page(reply, 200, `<h1>Sent</h1><p id="sent">Your message is on its way again by ${how}.</p>`);
    },
  );
}
