import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Participants files arrive as the raw request body; parsing happens in the domain code, with line numbers. */
export default fp(async (app: FastifyInstance) => {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
});
