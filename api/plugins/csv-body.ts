import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidParticipantsError } from '../../lib/errors';
import { decodeParticipantsFile } from '../../lib/participants/decode';
import { checkParticipants } from '../../lib/participants/validate';

/**
 * Participants files arrive as raw bytes and must be UTF-8: a lenient decode would silently turn
 * bad bytes into U+FFFD. A file that is not UTF-8 is answered at once with every problem the file
 * has (by line); a good one reaches the route as text, parsed there by the domain code.
 */
export default fp(async (app: FastifyInstance) => {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    const { text, problems } = decodeParticipantsFile(bytes);
    if (problems.length > 0) return done(new InvalidParticipantsError(checkParticipants(bytes).problems));
    done(null, text);
  });
});
