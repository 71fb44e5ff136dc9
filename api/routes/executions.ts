import type { FastifyInstance } from 'fastify';
import type { StateMachineRuns } from '../state-machine-runs';
import { errorAnswer } from './schemas';

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['id'] } as const;

/** `GET /executions/:id`: a state machine execution's status, and its output or error once it has ended. `DELETE` stops it. */
export default async function executionRoutes(app: FastifyInstance, { runs }: { runs: StateMachineRuns }) {
  app.delete<{ Params: { id: string } }>(
    '/executions/:id',
    {
      schema: {
        summary: 'Stop an execution',
        description: "As Step Functions' StopExecution: nothing more of it runs, and it reads as ABORTED.",
        params: idParams,
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          404: errorAnswer,
          409: errorAnswer,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const stopped = await runs.stop(id);
      if (stopped === undefined) return reply.code(404).send({ error: 'NotFound', message: `no execution ${id}` });
      if (!stopped) return reply.code(409).send({ error: 'NotRunning', message: `execution ${id} has already ended` });
      return { id, status: 'ABORTED' };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/executions/:id',
    {
      schema: {
        params: idParams,
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
