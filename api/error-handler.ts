import type { FastifyError, FastifyInstance } from 'fastify';
import { InvalidParticipantsError, NoValidAllocationError } from '../lib/errors';
import { ApiError } from './api-error';

/** The one place errors become answers: domain errors by name, client errors as they are, the rest without detail. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof InvalidParticipantsError) {
      return reply.code(400).send({ error: error.name, message: error.message, details: error.problems });
    }
    if (error instanceof NoValidAllocationError) {
      return reply.code(422).send({ error: error.name, message: error.message });
    }
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({ error: 'BadRequest', message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      const limit = request.routeOptions.bodyLimit;
      return reply
        .code(413)
        .send({ error: httpErrorName(413), message: `the request body is larger than the limit of ${bytes(limit)} (${limit} bytes)` });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: httpErrorName(status), message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'InternalError', message: 'something went wrong; the log has the details' });
  });
}

function httpErrorName(status: number): string {
  const names: Record<number, string> = { 404: 'NotFound', 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType', 429: 'TooManyRequests' };
  return names[status] ?? 'BadRequest';
}

/** A byte count as people say it: 16 MiB rather than 16777216. */
function bytes(count: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (count >= size) return `${Number((count / size).toFixed(1))} ${unit}`;
  }
  return `${count} bytes`;
}
