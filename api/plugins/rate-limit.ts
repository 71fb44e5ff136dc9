import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitConfig } from '../../lib/config';

/**
 * At most `max` requests per client address in any `windowMs`, on every route but `publicPaths`
 * (the health check, which orchestrators poll). Checked in an app-wide onRequest hook, registered
 * before authentication, so guessing tokens is limited too. Over the limit: 429 with Retry-After,
 * answered by the one error handler.
 */
export default fp<RateLimitConfig & { publicPaths: string[] }>(async (app: FastifyInstance, { max, windowMs, publicPaths }) => {
  await app.register(rateLimit, { global: false });
  app.addHook(
    'onRequest',
    app.rateLimit({
      max,
      timeWindow: windowMs,
      allowList: (request) => publicPaths.includes(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, { max: limit, after }) =>
        Object.assign(new Error(`too many requests: at most ${limit} in ${describeWindow(windowMs)} from one address; retry in ${after}`), {
          statusCode: 429,
        }),
    }),
  );
});

function describeWindow(ms: number): string {
  const units: [number, string][] = [
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, unit] of units) {
    if (ms % size === 0) return ms === size ? `1 ${unit}` : `${ms / size} ${unit}s`;
  }
  return `${ms} ms`;
}
