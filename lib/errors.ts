import type { Problem } from './types';

/** Error type names, shared by activities (as ApplicationFailure types), the workflow and the API. */
export const ErrorType = {
  InvalidParticipants: 'InvalidParticipants',
  NoValidAllocation: 'NoValidAllocation',
  InvalidAllocation: 'InvalidAllocation',
  ProviderRejected: 'ProviderRejected',
  UnknownParticipant: 'UnknownParticipant',
  NoContact: 'NoContact',
} as const;

export class InvalidParticipantsError extends Error {
  override readonly name = ErrorType.InvalidParticipants;
  constructor(readonly problems: Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the participants file: ` +
        problems.map((p) => `line ${p.line}, ${p.field}: ${p.message}`).join('; '),
    );
  }
}

export class NoValidAllocationError extends Error {
  override readonly name = ErrorType.NoValidAllocation;
  /** The people who block every draw. */
  constructor(
    message: string,
    readonly blockers: string[],
  ) {
    super(message);
  }
}

export class InvalidAllocationError extends Error {
  override readonly name = ErrorType.InvalidAllocation;
}
