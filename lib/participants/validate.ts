import { InvalidParticipantsError } from '../errors';
import type { Participant, ParticipantRow, Problem } from '../types';
import { cleanName, formulaStart, hiddenCharacter, isEmail, nameKey, normalisePhone, quoted } from './fields';
import { decodeParticipantsFile } from './decode';
import { parseParticipantsCsv } from './parse';

/** Longest name or group kept: long enough for any real name, short enough to keep messages readable. */
export const MAX_NAME_LENGTH = 200;
/** The longest address SMTP can carry (RFC 5321). */
const MAX_EMAIL_LENGTH = 254;

/** Checks every row and reports every problem at once, each with its line and field. */
export function validateParticipants(rows: ParticipantRow[]): { participants: Participant[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const report = (line: number, field: string, message: string) => problems.push({ line, field, message });

  // First pass: names, so exclusions can point forward as well as back.
  const byKey = new Map<string, { name: string; line: number }>();
  const keep = new Set<ParticipantRow>();
  for (const row of rows) {
    const name = cleanName(row.name);
    const earlier = byKey.get(nameKey(name));
    if (name === '') report(row.line, 'name', 'the name is missing');
    else if (earlier) report(row.line, 'name', `${quoted(name)} is already on line ${earlier.line} (names must be unique, ignoring case)`);
    else {
      const trouble = textProblem(name, 'name');
      if (trouble) report(row.line, 'name', trouble);
      byKey.set(nameKey(name), { name, line: row.line });
      keep.add(row);
    }
  }

  // Second pass: every row's other cells, even a row already in trouble, so nothing waits for a second try.
  const participants: Participant[] = [];
  for (const row of rows) {
    const participant = checkContacts(row, report);
    checkExclusions(row, participant, byKey, report);
    const group = cleanName(row.group);
    if (group !== '') {
      const trouble = textProblem(group, 'group');
      if (trouble) report(row.line, 'group', trouble);
      participant.group = group;
    }
    if (keep.has(row)) participants.push(participant);
  }

  if (participants.length < 2) {
    report(1, 'file', `a draw needs at least 2 participants, found ${participants.length}`);
  }
  return { participants, problems: problems.sort((a, b) => a.line - b.line) };
}

type Report = (line: number, field: string, message: string) => void;

/** What is wrong with a name or group that people and spreadsheets will read, or undefined. */
function textProblem(value: string, what: 'name' | 'group'): string | undefined {
  const hidden = hiddenCharacter(value);
  if (hidden) return `the ${what} ${quoted(value)} contains the invisible character ${hidden}; remove it`;
  const formula = formulaStart(value);
  if (formula) {
    return `the ${what} ${quoted(value)} starts with "${formula}", which spreadsheets run as a formula; remove the "${formula}"`;
  }
  if ([...value].length > MAX_NAME_LENGTH) return `the ${what} is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

function checkContacts(row: ParticipantRow, report: Report): Participant {
  const participant: Participant = { line: row.line, name: cleanName(row.name), exclusions: [] };
  const email = row.email.trim();
  const phone = row.phone.trim();
  if (email === '' && phone === '') report(row.line, 'email', 'an email or a phone is needed');
  if (email !== '') {
    if (email.length > MAX_EMAIL_LENGTH) report(row.line, 'email', `the email is longer than ${MAX_EMAIL_LENGTH} characters`);
    else if (hiddenCharacter(email) || !isEmail(email)) report(row.line, 'email', `${quoted(email)} is not a valid email address`);
    else participant.email = email;
  }
  if (phone !== '') {
    const result = normalisePhone(phone);
    if (result.ok) participant.phone = result.phone;
    else report(row.line, 'phone', result.message);
  }
  return participant;
}

function checkExclusions(row: ParticipantRow, participant: Participant, byKey: Map<string, { name: string }>, report: Report): void {
  const self = nameKey(participant.name);
  for (const piece of row.exclusions.split(';')) {
    const wanted = cleanName(piece);
    if (wanted === '') continue;
    const match = byKey.get(nameKey(wanted));
    if (!match) report(row.line, 'exclusions', `${quoted(wanted)} is not a participant`);
    else if (nameKey(match.name) === self) report(row.line, 'exclusions', `${participant.name} cannot exclude themselves`);
    else if (!participant.exclusions.includes(match.name)) participant.exclusions.push(match.name);
  }
}

/** Most problems one answer lists: enough to fix a file by, few enough that a hostile file cannot swell the answer. */
export const MAX_PROBLEMS = 1000;

/**
 * Decoding (for bytes), parsing and validation together. A file whose CSV itself is broken is not
 * validated: its rows are incomplete, so checks such as "not a participant" would only add noise.
 */
export function checkParticipants(file: string | Uint8Array): { participants: Participant[]; problems: Problem[] } {
  const decoded = typeof file === 'string' ? { text: file, problems: [] } : decodeParticipantsFile(file);
  const parsed = parseParticipantsCsv(decoded.text);
  const read = [...decoded.problems, ...parsed.problems];
  if (read.some((p) => p.field === 'file')) return { participants: [], problems: atMostMax(read) };
  const { participants, problems } = validateParticipants(parsed.rows);
  return { participants, problems: atMostMax([...read, ...problems]) };
}

/** The participants of a file, or InvalidParticipantsError carrying every problem. */
export function readParticipants(file: string | Uint8Array): Participant[] {
  const { participants, problems } = checkParticipants(file);
  if (problems.length > 0) throw new InvalidParticipantsError(problems);
  return participants;
}

/** Problems in line order, the first MAX_PROBLEMS of them and a last one saying how many more there are. */
function atMostMax(problems: Problem[]): Problem[] {
  const sorted = problems.sort((a, b) => a.line - b.line);
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const rest = sorted.length - MAX_PROBLEMS;
  return [
    ...sorted.slice(0, MAX_PROBLEMS),
    { line: sorted[MAX_PROBLEMS].line, field: 'file', message: `${rest.toLocaleString('en')} more problems from this line on are not listed` },
  ];
}
