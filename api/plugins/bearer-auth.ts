import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether `given` is `expected`, in a time that tells nothing of either, their lengths included (both are hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The organiser's token (API_TOKEN): with one configured, every route but the public ones needs
 * `Authorization: Bearer <token>`. A public path ending in `*` is a prefix (`/docs/*`). The codec's paths are
 * listed too: they take the operator's token instead (api/routes/codec.ts), never this one.
 */
export default fp<{ token?: string; publicPaths: string[] }>(async (app: FastifyInstance, { token, publicPaths }) => {
  if (!token) return;
  const expected = `Bearer ${token}`;
  const isPublic = (url = '') => publicPaths.some((path) => (path.endsWith('*') ? url.startsWith(path.slice(0, -1)) : url === path));
  app.addHook('onRequest', async (request, reply) => {
    // CORS preflights never carry credentials; the request that follows them is checked.
    if (request.method === 'OPTIONS' || isPublic(request.routeOptions.url)) return;
    if (!sameSecret(request.headers.authorization ?? '', expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'Unauthorized', message: 'a valid bearer token is required' });
    }
  });
});
