import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { errorAnswer } from './schemas';

export const HEALTH_PATH = '/health';
const HEALTH_TIMEOUT_MS = 2000;

export default async function healthRoutes(app: FastifyInstance, { client }: { client: Client }) {
  app.get(
    HEALTH_PATH,
    {
      schema: {
        summary: 'Whether Temporal is reachable',
        description: 'Needs no token, even with API_TOKEN set.',
        tags: ['health'],
        security: [],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, 503: errorAnswer },
      },
    },
    async (_request, reply) => {
      try {
        // A deadline, so an unreachable server answers 503 quickly instead of after the client's retries.
        await client.connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () => client.connection.workflowService.getSystemInfo({}));
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ error: 'Unavailable', message: 'Temporal is not reachable' });
      }
    },
  );
}
