import { InvalidParticipantsError } from '../errors';
import type { Participant, ParticipantRow, Problem } from '../types';
import { cleanName, isEmail, nameKey, normalisePhone } from './fields';
import { parseParticipantsCsv } from './parse';

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
    else if (earlier) report(row.line, 'name', `"${name}" is already on line ${earlier.line} (names must be unique, ignoring case)`);
    else {
      byKey.set(nameKey(name), { name, line: row.line });
      keep.add(row);
    }
  }

  // Second pass: every row's other cells, even a row already in trouble, so nothing waits for a second try.
  const participants: Participant[] = [];
  for (const row of rows) {
    const name = cleanName(row.name);
    const participant: Participant = { line: row.line, name, exclusions: [] };
    const email = row.email.trim();
    const phone = row.phone.trim();
    if (email === '' && phone === '') report(row.line, 'email', 'an email or a phone is needed');
    if (email !== '') {
      if (isEmail(email)) participant.email = email;
      else report(row.line, 'email', `"${email}" is not a valid email address`);
    }
    if (phone !== '') {
      const result = normalisePhone(phone);
      if (result.ok) participant.phone = result.phone;
      else report(row.line, 'phone', result.message);
    }
    for (const piece of row.exclusions.split(';')) {
      const wanted = cleanName(piece);
      if (wanted === '') continue;
      const match = byKey.get(nameKey(wanted));
      if (!match) report(row.line, 'exclusions', `"${wanted}" is not a participant`);
      else if (nameKey(match.name) === nameKey(name)) report(row.line, 'exclusions', `${name} cannot exclude themselves`);
      else if (!participant.exclusions.includes(match.name)) participant.exclusions.push(match.name);
    }
    const group = cleanName(row.group);
    if (group !== '') participant.group = group;
    if (keep.has(row)) participants.push(participant);
  }

  if (participants.length < 2) {
    report(1, 'file', `a draw needs at least 2 participants, found ${participants.length}`);
  }
  return { participants, problems: problems.sort((a, b) => a.line - b.line) };
}

/**
 * Parse and validation together. A file whose CSV itself is broken is not validated: its rows are
 * incomplete, so checks such as "not a participant" would only add noise.
 */
export function checkParticipants(text: string): { participants: Participant[]; problems: Problem[] } {
  const parsed = parseParticipantsCsv(text);
  if (parsed.problems.some((p) => p.field === 'file')) return { participants: [], problems: parsed.problems };
  const { participants, problems } = validateParticipants(parsed.rows);
  return { participants, problems: [...parsed.problems, ...problems].sort((a, b) => a.line - b.line) };
}

/** The participants of a file, or InvalidParticipantsError carrying every problem. */
export function readParticipants(text: string): Participant[] {
  const { participants, problems } = checkParticipants(text);
  if (problems.length > 0) throw new InvalidParticipantsError(problems);
  return participants;
}
