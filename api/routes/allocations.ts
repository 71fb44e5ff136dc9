import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Channel } from '../../lib/types';
import type { AllocationRuns } from '../allocation-runs';
import { allocationView, errorAnswer, participantsUpload } from './schemas';

interface StartQuery {
  seed?: number;
  dryRun?: boolean;
  maxConcurrency?: number;
  singleCycle?: boolean;
  avoidPrevious?: string;
}

const MAX_CSV_BYTES = 16 * 1024 * 1024;

/** Any other body type would reach the body schema parsed as something else; say what is wanted instead. */
export async function requireCsvBody(request: FastifyRequest, reply: FastifyReply) {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'text/csv' && type !== 'text/plain') {
    return reply.code(415).send({ error: 'UnsupportedMediaType', message: 'send the participants file as text/csv' });
  }
}

export default async function allocationRoutes(app: FastifyInstance, { runs }: { runs: AllocationRuns }) {
  app.post<{ Querystring: StartQuery; Body: string; Headers: { 'idempotency-key'?: string } }>(
    '/allocations',
    {
      bodyLimit: MAX_CSV_BYTES,
      onRequest: requireCsvBody,
      schema: {
        summary: 'Start an allocation run from a participants CSV',
        description:
          'The file is checked, and a valid draw is known to exist, before anything starts: an invalid file answers 400 with ' +
          'every problem by line and field, an impossible draw 422 naming who blocks it. Otherwise the run starts and the ' +
          'answer links to its status and to the run in the Temporal UI. The same Idempotency-Key always answers with the same run.',
        tags: ['allocations'],
        querystring: {
          type: 'object',
          properties: {
            seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
            dryRun: { type: 'boolean' },
            maxConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
            singleCycle: { type: 'boolean', description: 'one loop through everyone (A→B→…→A)' },
            avoidPrevious: {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              description: 'id of an earlier run whose pairs must not come again',
            },
          },
          additionalProperties: false,
        },
        ...participantsUpload,
      },
    },
    async (request, reply) => {
      const { id, status } = await runs.start(request.body, {
        ...request.query,
        idempotencyKey: request.headers['idempotency-key'],
      });
      request.log.info({ allocationId: id }, 'allocation run started');
      return reply.code(202).send({ id, status, links: { self: `/allocations/${id}`, ui: runs.uiLink(id) } });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/allocations/:id',
    {
      schema: {
        summary: 'The state of an allocation run',
        description: 'Status, stage and per-channel counts (sent, skipped, failed). Never who drew whom.',
        tags: ['allocations'],
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id'] },
        response: { 200: allocationView, 404: errorAnswer },
      },
    },
    async (request, reply) => {
      const view = await runs.get(request.params.id);
      if (!view) return reply.code(404).send({ error: 'NotFound', message: `no allocation run ${request.params.id}` });
      return view;
    },
  );

  const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id'] } as const;

  app.delete<{ Params: { id: string } }>(
    '/allocations/:id',
    {
      schema: {
        summary: 'Cancel a run',
        description: 'Answers once the run has closed: messages already on their way finish first, and nothing is sent afterwards.',
        tags: ['allocations'],
        params: idParams,
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          404: errorAnswer,
          409: errorAnswer,
        },
      },
    },
    async (request) => ({ id: request.params.id, status: await runs.cancel(request.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: { name: string; channel: Channel } }>(
    '/allocations/:id/resend',
    {
      schema: {
        summary: "Send one person's message again",
        description: 'From the stored draw, never a new one: for the participant who lost their email or text.',
        tags: ['allocations'],
        params: idParams,
        body: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, channel: { type: 'string', enum: ['email', 'sms'] } },
          required: ['name', 'channel'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, name: { type: 'string' }, channel: { type: 'string' }, via: { type: 'string' } },
          },
          404: errorAnswer,
          409: errorAnswer,
          422: errorAnswer,
          502: errorAnswer,
        },
      },
    },
    async (request) => {
      const sent = await runs.resend(request.params.id, { name: request.body.name }, request.body.channel);
      return { id: request.params.id, name: sent.name, channel: sent.channel, via: sent.via };
    },
  );
}
