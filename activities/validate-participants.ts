import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, InvalidParticipantsError } from '../lib/errors';
import { validateParticipants as validateRows } from '../lib/participants/validate';
import type { Participant } from '../lib/types';
import type { ParsedParticipants } from './parse-participants';

/** Bad input never gets better on retry: it fails the run for good, with every problem in the details. */
export async function validateParticipants(parsed: ParsedParticipants): Promise<Participant[]> {
  const { participants, problems } = validateRows(parsed.rows);
  const all = [...parsed.problems, ...problems].sort((a, b) => a.line - b.line);
  if (all.length > 0) {
    const error = new InvalidParticipantsError(all);
    throw ApplicationFailure.nonRetryable(error.message, ErrorType.InvalidParticipants, { problems: all });
  }
  return participants;
}
