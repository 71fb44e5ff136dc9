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

const PREFIX = 'No valid draw exists: ';

/** People nobody can be paired with at all, on either side. */
export function isolatedPeople(cannotGive: string[], cannotReceive: string[]): NoValidAllocationError {
  const reasons: string[] = [];
  if (cannotGive.length > 0) reasons.push(`${listNames(cannotGive)} cannot give to anyone`);
  if (cannotReceive.length > 0) reasons.push(`nobody may give to ${listNames(cannotReceive, 'or')}`);
  const blockers = [...new Set([...cannotGive, ...cannotReceive])];
  return new NoValidAllocationError(PREFIX + reasons.join('; '), blockers);
}

/** Hall's condition fails for givers: they are more than the people they may give to. */
export function tooFewRecipients(givers: string[], recipients: string[], why = ''): NoValidAllocationError {
  const message =
    `${why}${listNames(givers)} may only give to ${listNames(recipients)}: ` +
    `${count(givers.length, 'giver', 'givers')} for ${count(recipients.length, 'person', 'people')}`;
  return new NoValidAllocationError(PREFIX + message, givers);
}

/** One group is more than half of everyone: its members cannot all give outside it. */
export function groupTooBig(group: string, members: string[], outsiders: string[]): NoValidAllocationError {
  return tooFewRecipients(members, outsiders, `group "${group}" is more than half of everyone, so `);
}

/** Hall's condition fails for recipients: they are more than the people who may give to them. */
export function tooFewGivers(recipients: string[], givers: string[]): NoValidAllocationError {
  const message =
    `only ${listNames(givers)} may give to ${listNames(recipients)}: ` +
    `${count(givers.length, 'giver', 'givers')} for ${count(recipients.length, 'person', 'people')}`;
  return new NoValidAllocationError(PREFIX + message, recipients);
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
