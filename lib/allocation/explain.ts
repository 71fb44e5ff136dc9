import { NoValidAllocationError } from '../errors';

/** Long lists are cut: the message must stay readable for 100,000 people. */
const MAX_LISTED = 8;

/** "Ann", "Ann and Bob", "Ann, Bob and Cy", "Ann, …, Hal and 12 others". */
export function listNames(names: string[], conjunction = 'and'): string {
  if (names.length <= 1) return names.join('');
  if (names.length > MAX_LISTED) {
    return `${names.slice(0, MAX_LISTED).join(', ')} ${conjunction} ${(names.length - MAX_LISTED).toLocaleString('en')} others`;
  }
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

export const NO_DRAW = 'No valid draw exists';
export const NO_LOOP = 'No single loop through everyone exists';
export const NO_LOOP_FOUND = 'No single loop through everyone was found';

/**
 * Why no draw was made: a verdict ("No valid draw exists") and a reason naming who blocks it. The
 * message is "verdict: reason", the text the API's 422 and the CLI show.
 */
export class NoDrawError extends NoValidAllocationError {
  constructor(
    readonly verdict: string,
    readonly reason: string,
    blockers: string[],
    /** False only when a single loop was not found within the search limit: one may still exist. */
    readonly proved = true,
  ) {
    super(`${verdict}: ${reason}`, blockers);
  }

  /** The same finding, blamed on avoiding last year's pairs (the draw would exist without that). */
  withoutRepeatingLastYear(): NoDrawError {
    return new NoDrawError(`${this.verdict} without repeating last year's pairs`, this.reason, this.blockers, this.proved);
  }
}

/** People nobody can be paired with at all, on either side. */
export function isolatedPeople(cannotGive: string[], cannotReceive: string[]): NoDrawError {
  const reasons: string[] = [];
  if (cannotGive.length > 0) reasons.push(`${listNames(cannotGive)} cannot give to anyone`);
  if (cannotReceive.length > 0) reasons.push(`nobody may give to ${listNames(cannotReceive, 'or')}`);
  const blockers = [...new Set([...cannotGive, ...cannotReceive])];
  return new NoDrawError(NO_DRAW, reasons.join('; '), blockers);
}

/** Hall's condition fails for givers: they are more than the people they may give to. */
export function tooFewRecipients(givers: string[], recipients: string[], why = ''): NoDrawError {
  const reason =
    `${why}${listNames(givers)} may only give to ${listNames(recipients)}: ` +
    `${count(givers.length, 'giver', 'givers')} for ${count(recipients.length, 'person', 'people')}`;
  return new NoDrawError(NO_DRAW, reason, givers);
}

/** One group is more than half of everyone: its members cannot all give outside it. */
export function groupTooBig(group: string, members: string[], outsiders: string[]): NoDrawError {
  return tooFewRecipients(members, outsiders, `group "${group}" is more than half of everyone, so `);
}

/** Hall's condition fails for recipients: they are more than the people who may give to them. */
export function tooFewGivers(recipients: string[], givers: string[]): NoDrawError {
  const reason =
    `only ${listNames(givers)} may give to ${listNames(recipients)}: ` +
    `${count(givers.length, 'giver', 'givers')} for ${count(recipients.length, 'person', 'people')}`;
  return new NoDrawError(NO_DRAW, reason, recipients);
}

/** A set nobody in it may give out of: a loop that entered it could never leave. */
export function closedCircle(members: string[]): NoDrawError {
  return new NoDrawError(
    NO_LOOP,
    `${listNames(members)} may only give to each other, so a loop through them cannot reach anyone else`,
    members,
  );
}

/** A set nobody outside it may give into: no loop from outside could reach it. */
export function unreachableCircle(members: string[]): NoDrawError {
  return new NoDrawError(
    NO_LOOP,
    `nobody else may give to ${listNames(members, 'or')}, so a loop through everyone cannot reach them`,
    members,
  );
}

/** Everyone is reachable, but only through one person: a loop would pass them twice. */
export function cutAt(person: string, piece: string[]): NoDrawError {
  return new NoDrawError(
    NO_LOOP,
    `every way to or from ${listNames(piece)} passes through ${person}, so a loop through everyone would have to pass ${person} twice`,
    [person],
  );
}

const SEVERAL_LOOPS = 'draws made of several smaller loops do exist';

/** The search went through every possible loop: none keeps to the exclusions and groups. */
export function everyLoopTried(): NoDrawError {
  return new NoDrawError(NO_LOOP, `every possible loop breaks an exclusion or a group (all were tried); ${SEVERAL_LOOPS}`, []);
}

/** The search stopped at its limit: unproven either way, and said so. */
export function searchLimitReached(what: string): NoDrawError {
  return new NoDrawError(
    NO_LOOP_FOUND,
    `the search stopped after ${what} without finding one, so one may still exist; ${SEVERAL_LOOPS}`,
    [],
    false,
  );
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
