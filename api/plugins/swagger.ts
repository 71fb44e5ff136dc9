import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { version } from '../../package.json';

/** Where the OpenAPI document and its browsable UI live: `/docs`, `/docs/json`, `/docs/yaml`. */
export const DOCS_PREFIX = '/docs';

/**
 * OpenAPI generated from the route schemas (summary, description, body, answers).
 * Register before the routes: @fastify/swagger collects them as they are added.
 */
export default fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Secret Santa',
        version,
        description:
          'Post a participants CSV; a durable Temporal workflow draws who gives to whom and tells everyone. ' +
          'Answers never say who drew whom.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'needed when the server has API_TOKEN set' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, logLevel: 'warn' });
});
