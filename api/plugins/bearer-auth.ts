import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** With a token configured, every route but the health check needs `Authorization: Bearer <token>`. */
export default fp<{ token?: string; publicPaths: string[] }>(async (app: FastifyInstance, { token, publicPaths }) => {
  if (!token) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', async (request, reply) => {
    // CORS preflights never carry credentials; the request that follows them is checked.
    if (request.method === 'OPTIONS' || publicPaths.includes(request.routeOptions.url ?? '')) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthorized', message: 'a valid bearer token is required' });
    }
  });
});
