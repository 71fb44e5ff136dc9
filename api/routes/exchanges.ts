import type { FastifyInstance } from 'fastify';
import { hasControl } from '../../lib/exchange/limits';
import { checkDates } from '../../lib/exchange/schedule';
import { ApiError } from '../api-error';
import type { ExchangeRuns, ExchangeView } from '../exchanges';
import { requireCsvBody } from './allocations';
import { errorAnswer, participantsUpload } from './schemas';

interface StartQuery {
  title: string;
  budget?: string;
  drawAt: string;
  giftDay: string;
  reveal?: boolean;
  singleCycle?: boolean;
  avoidPrevious?: string;
}

const MAX_CSV_BYTES = 16 * 1024 * 1024;

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id'] } as const;

/** Answers are serialised through this: counts and the organiser's own settings, nothing else can leave. */
const exchangeView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] },
    stage: { type: 'string' },
    participants: { type: 'integer' },
    title: { type: 'string' },
    budget: { type: 'string' },
    drawAt: { type: 'string', format: 'date-time' },
    giftDay: { type: 'string', format: 'date-time' },
    reveal: { type: 'boolean' },
    counts: {
      type: 'object',
      properties: {
        invited: { type: 'integer' },
        wishlists: { type: 'integer', description: 'people with a wishlist' },
        questions: { type: 'integer' },
        answers: { type: 'integer' },
        messages: { type: 'object', properties: { sent: { type: 'integer' }, failed: { type: 'integer' } } },
      },
    },
    error: { type: 'string' },
  },
  required: ['id', 'status', 'stage', 'participants', 'counts'],
} as const;

/** `now`, or an ISO 8601 date-time with its offset (a date alone would say nothing of the hour). */
function parseDate(field: 'drawAt' | 'giftDay', value: string, now: number): number {
  if (field === 'drawAt' && value === 'now') return now;
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ApiError(
      400,
      'InvalidExchange',
      `${field}: "${value}" is not an ISO 8601 date-time with an offset, such as 2025-12-24T18:00:00Z`,
    );
  }
  return ms;
}

const viewOf = (view: ExchangeView) => ({
  ...view,
  drawAt: new Date(view.drawAt).toISOString(),
  giftDay: new Date(view.giftDay).toISOString(),
});

export default async function exchangeRoutes(app: FastifyInstance, { exchanges }: { exchanges: ExchangeRuns }) {
  app.post<{ Querystring: StartQuery; Body: string; Headers: { 'idempotency-key'?: string } }>(
    '/exchanges',
    {
      bodyLimit: MAX_CSV_BYTES,
      onRequest: requireCsvBody,
      schema: {
        summary: 'Start an exchange: invitations now, the draw on its date, reminders, the reveal, then deletion',
        description:
          'The participants file is checked as for /allocations (400 with every problem, 422 when no draw exists). Each participant ' +
          'is invited at once with their personal link; names are drawn at drawAt (or on POST /exchanges/:id/draw); the day before ' +
          'giftDay every Santa is reminded; on giftDay, with reveal=true, each person learns who their Santa was; SANTA_RETENTION_DAYS ' +
          'later everything the exchange kept is deleted.',
        tags: ['exchanges'],
        querystring: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 200 },
            budget: { type: 'string', minLength: 1, maxLength: 100 },
            drawAt: { type: 'string', minLength: 3, maxLength: 40, description: 'ISO 8601 date-time, or "now"' },
            giftDay: { type: 'string', minLength: 10, maxLength: 40, description: 'ISO 8601 date-time' },
            reveal: { type: 'boolean', default: false },
            singleCycle: { type: 'boolean' },
            avoidPrevious: { type: 'string', minLength: 1, maxLength: 255 },
          },
          required: ['title', 'drawAt', 'giftDay'],
          additionalProperties: false,
        },
        ...participantsUpload,
      },
    },
    async (request, reply) => {
      const { title, budget, reveal = false, singleCycle, avoidPrevious } = request.query;
      for (const [field, value] of Object.entries({ title, budget })) {
        if (value !== undefined && hasControl(value)) {
          throw new ApiError(400, 'InvalidExchange', `${field}: one line of text, without control characters`);
        }
      }
      const now = Date.now();
      const drawAt = parseDate('drawAt', request.query.drawAt, now);
      const giftDay = parseDate('giftDay', request.query.giftDay, now);
      const problems = checkDates(drawAt, giftDay, now);
      if (problems.length > 0) {
        return reply.code(400).send({
          error: 'InvalidExchange',
          message: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          details: problems,
        });
      }
      const { id, status } = await exchanges.start(request.body, {
        title: title.trim(),
        budget: budget?.trim(),
        drawAt,
        giftDay,
        reveal,
        singleCycle,
        avoidPrevious,
        idempotencyKey: request.headers['idempotency-key'],
      });
      request.log.info({ exchangeId: id }, 'exchange started');
      return reply.code(202).send({ id, status, links: { self: `/exchanges/${id}`, ui: exchanges.uiLink(id) } });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/exchanges/:id',
    {
      schema: {
        summary: 'The state of an exchange',
        description:
          'Stage and counts (invited, wishlists written, questions asked and answered, messages). Never content, never who drew whom.',
        tags: ['exchanges'],
        params: idParams,
        response: { 200: exchangeView, 404: errorAnswer },
      },
    },
    async (request, reply) => {
      const view = await exchanges.get(request.params.id);
      if (!view) return reply.code(404).send({ error: 'NotFound', message: `no exchange ${request.params.id}` });
      return viewOf(view);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/exchanges/:id',
    {
      schema: {
        summary: 'Cancel an exchange',
        description: 'Nothing more is sent, and everything it kept (wishlists, questions, the draw) is deleted before it answers.',
        tags: ['exchanges'],
        params: idParams,
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          404: errorAnswer,
          409: errorAnswer,
        },
      },
    },
    async (request) => ({ id: request.params.id, status: await exchanges.cancel(request.params.id) }),
  );

  app.post<{ Params: { id: string } }>(
    '/exchanges/:id/draw',
    {
      schema: {
        summary: 'Draw the names now',
        description: 'Before the draw date: the draw happens now (after the invitations), and everyone is told whom they give to.',
        tags: ['exchanges'],
        params: idParams,
        response: {
          202: { type: 'object', properties: { id: { type: 'string' }, stage: { type: 'string' } } },
          404: errorAnswer,
          409: errorAnswer,
        },
      },
    },
    async (request, reply) => {
      const { stage } = await exchanges.drawNow(request.params.id);
      return reply.code(202).send({ id: request.params.id, stage });
    },
  );
}
