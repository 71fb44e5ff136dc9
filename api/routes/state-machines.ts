import type { FastifyInstance } from 'fastify';
import { InvalidDefinitionError, STATE_MACHINE_NAME } from 'states-language-temporal/client';
import { type StateMachineRuns, UnknownStateMachineError } from '../state-machine-runs';
import { errorAnswer, startedAnswer } from './schemas';

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', pattern: STATE_MACHINE_NAME.source } },
  required: ['name'],
} as const;

const MAX_DEFINITION_BYTES = 1024 * 1024;

/**
 * `PUT /state-machines/:name` stores a checked definition (its Tasks bound only to the activities registered for
 * state machines: any other is a 400 naming its path); `POST /state-machines/:name/executions` starts one.
 */
export default async function stateMachineRoutes(app: FastifyInstance, { runs }: { runs: StateMachineRuns }) {
  app.put<{ Params: { name: string }; Body: unknown }>(
    '/state-machines/:name',
    {
      bodyLimit: MAX_DEFINITION_BYTES,
      schema: {
        params: nameParams,
        body: { type: 'object' },
        response: {
          200: {
            type: 'object',
            properties: { name: { type: 'string' }, links: { type: 'object', properties: { executions: { type: 'string' } } } },
          },
          400: {
            ...errorAnswer,
            properties: {
              ...errorAnswer.properties,
              details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      try {
        await runs.put(name, request.body);
      } catch (error) {
        if (!(error instanceof InvalidDefinitionError)) throw error;
        return reply.code(400).send({ error: error.name, message: error.message, details: error.problems });
      }
      request.log.info({ stateMachine: name }, 'state machine stored');
      return { name, links: { executions: `/state-machines/${name}/executions` } };
    },
  );

  app.post<{ Params: { name: string }; Body: unknown }>(
    '/state-machines/:name/executions',
    {
      schema: {
        params: nameParams,
        response: {
          202: startedAnswer,
          404: errorAnswer,
        },
      },
    },
    async (request, reply) => {
      let id: string;
      try {
        id = await runs.start(request.params.name, request.body ?? {});
      } catch (error) {
        if (!(error instanceof UnknownStateMachineError)) throw error;
        return reply.code(404).send({ error: 'NotFound', message: error.message });
      }
      request.log.info({ stateMachine: request.params.name, executionId: id }, 'execution started');
      return reply.code(202).send({ id, status: 'RUNNING', links: { self: `/executions/${id}`, ui: runs.uiLink(id) } });
    },
  );
}
