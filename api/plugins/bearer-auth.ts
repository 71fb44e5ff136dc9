import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * With a token configured, every route but the public ones needs `Authorization: Bearer <token>`.
 * A public path ending in `*` is a prefix (`/docs/*`).
 */
export default fp<{ token?: string; publicPaths: string[] }>(async (app: FastifyInstance, { token, publicPaths }) => {
  if (!token) return;
  const expected = Buffer.from(`Bearer ${token}`);
  const isPublic = (url = '') => publicPaths.some((path) => (path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : url === path));
  app.addHook('onRequest', async (request, reply) => {
    // CORS preflights never carry credentials; the request that follows them is checked.
    if (request.method === 'OPTIONS' || isPublic(request.routeOptions.url)) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthorized', message: 'a valid bearer token is required' });
    }
  });
});
