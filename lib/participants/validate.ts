import { isUtf8 } from 'node:buffer';
import { InvalidParticipantsError } from '../errors';
import type { Participant, ParticipantRow, Problem } from '../types';
import { cleanName, cleanNameKey, formulaStart, hiddenCharacter, isEmail, normalisePhone, quoted } from './fields';
import { decodeParticipantsFile } from './decode';
import { FirstRows } from './first-rows';
import { parseParticipantsCsv } from './parse';
import type { CsvText } from './records';

/** Longest name or group kept: long enough for any real name, short enough to keep messages readable. */
export const MAX_NAME_LENGTH = 200;
/** The longest address SMTP can carry (RFC 5321). */
const MAX_EMAIL_LENGTH = 254;

/**
 * Checks every row and reports every problem at once, each with its line and field. Files can be
 * large (100,000 people; 2,000 each excluding 1,000 others is 28 MB): each name is cleaned and
 * keyed once, and an exclusion spelt as its row spells the name is found without either.
 */
export function validateParticipants(rows: ParticipantRow[]): { participants: Participant[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const report = (line: number, field: string, message: string) => problems.push({ line, field, message });

  // First pass: names, so exclusions can point forward as well as back.
  const names = new Names(rows.length);
  const keep = new Uint8Array(rows.length); // 1: the row's name is there, and its own
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const name = cleanName(row.name);
    names.names[i] = name;
    names.keys[i] = cleanNameKey(name);
    if (name === '') {
      report(row.line, 'name', 'the name is missing');
      continue;
    }
    const first = names.byKey.add(i);
    if (first !== i) {
      report(row.line, 'name', `${quoted(name)} is already on line ${rows[first].line} (names must be unique, ignoring case)`);
      continue;
    }
    const trouble = textProblem(name, 'name');
    if (trouble) report(row.line, 'name', trouble);
    keep[i] = 1;
  }

  // Second pass: every row's other cells, even a row already in trouble, so nothing waits for a second try.
  const participants: Participant[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const participant = checkContacts(row, names.names[i], report);
    checkExclusions(row, participant, names.keys[i], names, report);
    const group = cleanName(row.group);
    if (group !== '') {
      const trouble = textProblem(group, 'group');
      if (trouble) report(row.line, 'group', trouble);
      participant.group = group;
    }
    if (keep[i] === 1) participants.push(participant);
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
  // Characters are code points; a value no longer than the limit in UTF-16 units is short enough without counting them.
  if (value.length > MAX_NAME_LENGTH && [...value].length > MAX_NAME_LENGTH)
    return `the ${what} is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/** `name` is the row's name, cleaned (cleanName). */
function checkContacts(row: ParticipantRow, name: string, report: Report): Participant {
  const participant: Participant = { line: row.line, name, exclusions: [] };
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

/**
 * The rows' names, and the row that holds each, by key: the first row to hold it. Rows are known
 * by their index, so that a file of 100,000 people costs no object per name.
 */
class Names {
  /** Each row's name, cleaned (cleanName). */
  readonly names: string[];
  /** Each row's key (nameKey). */
  readonly keys: string[];
  /** The first row that holds each key. */
  readonly byKey: FirstRows;
  /**
   * Names that exclusions have used more than once, by their spelling as kept: exclusions can name
   * the same people again and again (a 28 MB file holds two million), mostly as their rows spell
   * them, and a name found here needs neither cleaning nor a key.
   */
  private readonly bySpelling = new Map<string, number>();
  /** Whether an exclusion has named each row, spelt as kept, before. */
  private readonly spelt: Uint8Array;
  /** Each row's last exclusions cell (a count of cells read) that named it, to drop repeats. */
  private readonly lastCell: Int32Array;
  private cells = 0;
  /** The piece of the last `find`, cleaned (cleanName). */
  wanted = '';

  constructor(rows: number) {
    this.names = new Array<string>(rows);
    this.keys = new Array<string>(rows);
    this.byKey = new FirstRows(this.keys);
    this.spelt = new Uint8Array(rows);
    this.lastCell = new Int32Array(rows);
  }

  /** Starts reading another exclusions cell. */
  nextCell(): void {
    this.cells++;
  }

  /** Whether the row was named before in this cell; it has been now. */
  repeated(row: number): boolean {
    if (this.lastCell[row] === this.cells) return true;
    this.lastCell[row] = this.cells;
    return false;
  }

  /** The row a piece of an exclusions cell names, or -1; the piece as cleaned is then in `wanted`. */
  find(piece: string): number {
    // A kept name is clean: a piece spelt like one is that name.
    const known = this.bySpelling.get(piece);
    if (known !== undefined) {
      this.wanted = piece;
      return known;
    }
    const wanted = cleanName(piece);
    this.wanted = wanted;
    const row = wanted === '' ? -1 : this.byKey.get(cleanNameKey(wanted));
    if (row < 0) return -1;
    // Remembered from the second time on: a name excluded only once (as most are in a large draw) costs no entry.
    if (this.names[row] === wanted) {
      if (this.spelt[row] === 1) this.bySpelling.set(wanted, row);
      else this.spelt[row] = 1;
    }
    return row;
  }
}

/** Whitespace that String.prototype.trim removes, as far as ASCII goes: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Each `;`-separated piece of the cell, cleaned (cleanName), must name another participant; the
 * names found, in the cell's order without repeats, become the participant's exclusions. The cell
 * is read in place rather than split and trimmed piece by piece: it can hold thousands of names.
 * `self` is the participant's own key.
 */
function checkExclusions(row: ParticipantRow, participant: Participant, self: string, names: Names, report: Report): void {
  const cell = row.exclusions;
  if (cell === '') return;
  names.nextCell();
  for (let from = 0; from <= cell.length; ) {
    let end = cell.indexOf(';', from);
    if (end < 0) end = cell.length;
    let start = from;
    let stop = end;
    from = end + 1;
    // The ASCII part of trimming, before taking the piece out; cleanName trims the rest (such as non-breaking spaces).
    while (start < stop && isAsciiSpace(cell.charCodeAt(start))) start++;
    while (stop > start && isAsciiSpace(cell.charCodeAt(stop - 1))) stop--;
    if (start === stop) continue;
    const match = names.find(cell.slice(start, stop));
    const { wanted } = names;
    if (wanted === '') continue;
    if (match < 0) report(row.line, 'exclusions', `${quoted(wanted)} is not a participant`);
    else if (names.keys[match] === self) report(row.line, 'exclusions', `${participant.name} cannot exclude themselves`);
    else if (!names.repeated(match)) participant.exclusions.push(names.names[match]);
  }
}

/** Most problems one answer lists: enough to fix a file by, few enough that a hostile file cannot swell the answer. */
export const MAX_PROBLEMS = 1000;

/**
 * Decoding (for bytes), parsing and validation together. A file whose CSV itself is broken is not
 * validated: its rows are incomplete, so checks such as "not a participant" would only add noise.
 */
export function checkParticipants(file: string | Uint8Array): { participants: Participant[]; problems: Problem[] } {
  const decoded: { text: CsvText; problems: Problem[] } =
    typeof file === 'string'
      ? { text: file, problems: [] }
      : isUtf8(file)
        ? { text: { utf8: file }, problems: [] } // read as they are: decoding finds nothing, and csv-parse reads bytes
        : decodeParticipantsFile(file);
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
    {
      line: sorted[MAX_PROBLEMS].line,
      field: 'file',
      message: `${rest.toLocaleString('en')} more problems from this line on are not listed`,
    },
  ];
}
