import type { FastifyInstance } from 'fastify';
import type { StateMachineRuns } from '../state-machine-runs';
import { errorAnswer } from './schemas';

/** `GET /executions/:id`: a state machine execution's status, and its output or error once it has ended. */
export default async function executionRoutes(app: FastifyInstance, { runs }: { runs: StateMachineRuns }) {
  app.get<{ Params: { id: string } }>(
    '/executions/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { type: 'string', enum: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] },
              // Any JSON: the execution's output.
              output: {},
              error: { type: 'string' },
              cause: { type: 'string' },
            },
            required: ['id', 'status'],
          },
          404: errorAnswer,
        },
      },
    },
    async (request, reply) => {
      const view = await runs.get(request.params.id);
      if (!view) return reply.code(404).send({ error: 'NotFound', message: `no execution ${request.params.id}` });
      return view;
    },
  );
}
