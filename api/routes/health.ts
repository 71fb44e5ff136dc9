import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { errorAnswer } from './schemas';

export const HEALTH_PATH = '/health';

export default async function healthRoutes(app: FastifyInstance, { client }: { client: Client }) {
  app.get(
    HEALTH_PATH,
    {
      schema: {
        summary: 'Ready once Temporal answers',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, 503: errorAnswer },
      },
    },
    async (_request, reply) => {
      try {
        await client.connection.workflowService.getSystemInfo({}, );
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ error: 'Unavailable', message: 'Temporal is not reachable' });
      }
    },
  );
}
