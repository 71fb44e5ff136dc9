import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, InvalidParticipantsError } from '../lib/errors';
import { validateParticipants as validateRows } from '../lib/participants/validate';
import type { Participant } from '../lib/types';
import type { ParsedParticipants } from './parse-participants';
import { type RunData, runKeys } from '../storage/run-data';

/** Failure details are a payload: past this many problems, the message gives the count and the first ones. */
const PROBLEMS_IN_DETAILS = 200;

export interface ValidatedParticipants {
  participantsKey: string;
  participants: number;
}

/** Bad input never gets better on retry: it fails the run for good, with the problems in the details. */
export function createValidateParticipants(data: RunData) {
  return async function validateParticipants({ runId, parsedKey }: { runId: string; parsedKey: string }): Promise<ValidatedParticipants> {
    const parsed = await data.read<ParsedParticipants>(parsedKey);
    const { participants, problems } = validateRows(parsed.rows);
    const all = [...parsed.problems, ...problems].sort((a, b) => a.line - b.line);
    if (all.length > 0) {
      const error = new InvalidParticipantsError(all.slice(0, PROBLEMS_IN_DETAILS));
      const more = all.length > PROBLEMS_IN_DETAILS ? ` (${all.length} problems in all; the first ${PROBLEMS_IN_DETAILS} are listed)` : '';
      throw ApplicationFailure.nonRetryable(error.message + more, ErrorType.InvalidParticipants, {
        problems: error.problems,
        total: all.length,
      });
    }
    const participantsKey = runKeys.participants(runId);
    await data.write(participantsKey, participants satisfies Participant[]);
    return { participantsKey, participants: participants.length };
  };
}
