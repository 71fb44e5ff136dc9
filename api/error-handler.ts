import type { FastifyError, FastifyInstance } from 'fastify';
import { InvalidParticipantsError, NoValidAllocationError } from '../lib/errors';

/** The one place errors become answers: domain errors by name, client errors as they are, the rest without detail. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof InvalidParticipantsError) {
      return reply.code(400).send({ error: error.name, message: error.message, details: error.problems });
    }
    if (error instanceof NoValidAllocationError) {
      return reply.code(422).send({ error: error.name, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({ error: 'BadRequest', message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: httpErrorName(status), message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'InternalError', message: 'something went wrong; the log has the details' });
  });
}

function httpErrorName(status: number): string {
  const names: Record<number, string> = { 404: 'NotFound', 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType' };
  return names[status] ?? 'BadRequest';
}
