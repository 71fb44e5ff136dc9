import type { ParticipantRow, Problem } from '../types';
import { type CsvRecord, readCsvRecords } from './records';

type Column = 'name' | 'email' | 'phone' | 'exclusions' | 'group';

/** Header names as written in files (lower case) and the column each one means. */
const HEADER_NAMES: Record<string, Column> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  number: 'phone',
  exclusions: 'exclusions',
  group: 'group',
};

/** Edd Mann's original form has no header: `name,email,number,exclusions`. */
const HEADERLESS: Layout = {
  columns: ['name', 'email', 'phone', 'exclusions'],
  labels: ['name', 'email', 'number', 'exclusions'],
};

interface Layout {
  /** Column of each cell position; undefined for an unnamed or unknown header cell. */
  columns: (Column | undefined)[];
  labels: string[];
}

/**
 * Most participants one file may hold: twice the largest draw the product is built and measured for
 * (100,000 people), and a bound on the work and the size of the answer a single file can cause.
 */
export const MAX_PARTICIPANTS = 200_000;

/** Reads the CSV into raw rows. Never throws: everything wrong becomes a Problem with its line. */
export function parseParticipantsCsv(text: string): { rows: ParticipantRow[]; problems: Problem[] } {
  const { records, problems } = readCsvRecords(text);
  let layout = HEADERLESS;
  let body = records;
  if (records.length > 0 && isHeader(records[0].cells)) {
    layout = readHeader(records[0], problems);
    body = records.slice(1);
  }
  if (body.length > MAX_PARTICIPANTS) {
    problems.push({
      line: body[MAX_PARTICIPANTS].line,
      field: 'file',
      message: `too many participants: ${body.length.toLocaleString('en')}, more than the limit of ${MAX_PARTICIPANTS.toLocaleString('en')} in one draw`,
    });
    body = body.slice(0, MAX_PARTICIPANTS);
  }
  const rows = body.map((record) => toRow(record, layout, problems));
  // A broken file has already said why it holds no one.
  if (rows.length === 0 && !problems.some((p) => p.field === 'file')) {
    problems.push({ line: 1, field: 'file', message: 'no participants' });
  }
  return { rows, problems: problems.sort((a, b) => a.line - b.line) };
}

/**
 * A header names `name` and otherwise only known columns; one unknown column is still a header
 * (and a problem) when at least one other known column is there too.
 */
function isHeader(cells: string[]): boolean {
  const named = cells.filter((cell) => cell !== '').map((cell) => cell.toLowerCase());
  if (!named.includes('name')) return false;
  const known = named.filter((cell) => cell in HEADER_NAMES).length;
  return known === named.length || known >= 2;
}

function readHeader(record: CsvRecord, problems: Problem[]): Layout {
  const seen = new Map<Column, string>();
  const columns = record.cells.map((cell): Column | undefined => {
    if (cell === '') return undefined; // spreadsheets often export trailing empty columns
    const column = Object.hasOwn(HEADER_NAMES, cell.toLowerCase()) ? HEADER_NAMES[cell.toLowerCase()] : undefined;
    if (!column) {
      problems.push({
        line: record.line,
        field: 'header',
        message: `unknown column "${cell}"; the columns are name, email, phone (or number), exclusions, group`,
      });
      return undefined;
    }
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      problems.push({ line: record.line, field: 'header', message: `column "${cell}" repeats column "${earlier}"` });
      return undefined;
    }
    seen.set(column, cell);
    return column;
  });
  return { columns, labels: record.cells };
}

function toRow(record: CsvRecord, layout: Layout, problems: Problem[]): ParticipantRow {
  const row: ParticipantRow = { line: record.line, name: '', email: '', phone: '', exclusions: '', group: '' };
  const { cells } = record;
  // Trailing empty cells are padding, not extra columns.
  let found = cells.length;
  while (found > 0 && cells[found - 1] === '') found--;
  if (found > layout.columns.length) {
    problems.push({
      line: record.line,
      field: 'row',
      message:
        `expected at most ${layout.columns.length} cells (${layout.labels.join(', ')}), found ${found}; ` +
        'put a cell that contains a comma in double quotes',
    });
  }
  layout.columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (column) row[column] = cell;
    else if (cell !== '' && layout.labels[i] === '') {
      problems.push({ line: record.line, field: 'row', message: `cell ${i + 1} has a value but its column has no name in the header` });
    }
  });
  return row;
}
