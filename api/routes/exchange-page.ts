import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ParticipantAction } from '../../lib/exchange/schedule';
import { ApiError } from '../api-error';
import { document, escape, exchangePage, NOT_VALID } from '../exchange-page-html';
import type { ExchangeRuns } from '../exchanges';
import { sendSecretPage } from './secret-page';

/**
 * An exchange participant's page, on the same path as a run's (`/p/<id>/<token>`: the id tells them apart), public
 * even with API_TOKEN set: the link is the key.
 */
export const EXCHANGE_PAGE_PATHS = [
  '/exchange.css',
  '/p/exchange-:ref/:token',
  '/p/exchange-:ref/:token/wishlist',
  '/p/exchange-:ref/:token/ask',
  '/p/exchange-:ref/:token/answer',
];

const params = {
  type: 'object',
  properties: { ref: { type: 'string', minLength: 1, maxLength: 100 }, token: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['ref', 'token'],
} as const;

type Params = { ref: string; token: string };

const CSS = readFileSync(join(__dirname, '../public/exchange.css'));

function send(reply: FastifyReply, status: number, html: string) {
  return sendSecretPage(reply, status, document(html));
}

export default async function exchangePageRoutes(app: FastifyInstance, { exchanges }: { exchanges: ExchangeRuns }) {
  // Forms post plainly; a wishlist of 2,000 characters, percent-encoded, fits.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 32 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/exchange.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(CSS),
  );

  const render = async (reply: FastifyReply, { ref, token }: Params, status: number, options: { notice?: string; error?: string }) => {
    const id = `exchange-${ref}`;
    const page = await exchanges.page(id, token);
    if (!page) return send(reply, 404, NOT_VALID);
    return send(reply, status, exchangePage(page.status, page.view, { path: `/p/${id}/${token}`, ...options }));
  };

  app.get<{ Params: Params; Querystring: { saved?: string } }>(
    '/p/exchange-:ref/:token',
    { schema: { hide: true, params, querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 20 } } } } },
    async (request, reply) => render(reply, request.params, 200, { notice: request.query.saved }),
  );

  for (const action of ['wishlist', 'ask', 'answer'] as const satisfies readonly ParticipantAction[]) {
    app.post<{ Params: Params; Body: { text?: string } }>(
      `/p/exchange-:ref/:token/${action}`,
      { schema: { hide: true, params } },
      async (request, reply) => {
        const { ref, token } = request.params;
        try {
          await exchanges.act(`exchange-${ref}`, token, action, request.body?.text ?? '');
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.statusCode === 404) return send(reply, 404, NOT_VALID);
          return render(reply, request.params, error.statusCode, { error: `Not saved: ${error.message}` });
        }
        // Post, redirect, get: a reload does not send it twice.
        return reply
          .code(303)
          .header('location', `/p/exchange-${escape(ref)}/${escape(token)}?saved=${action}`)
          .send();
      },
    );
  }
}
