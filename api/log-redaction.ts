import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Secrets that travel in paths: the operator's token in the Web UI's codec endpoint (`/codec/t/<CODEC_TOKEN>/decode`)
 * and a participant's link (`/p/<run id>/<token>`), which opens their draw.
 */
export const redactUrl = (url: string): string =>
  url.replace(/(\/codec\/t\/)[^/?#]*/gi, '$1[redacted]').replace(/^(\/p\/[^/?#]*\/)[^/?#]*/i, '$1[redacted]');

/** Fastify's own request serializer, its URL redacted. */
const request = (req: FastifyRequest) => ({
  method: req.method,
  url: redactUrl(req.url),
  version: req.headers?.['accept-version'] as string | undefined,
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/** The API's logger options (or `true`, Fastify's defaults) with request URLs logged without the codec token. */
export function redactingLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return logger;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: request } };
}
