import type { ParticipantRow, Problem } from '../types';
import { type CsvRecord, type CsvText, readCsvRecords } from './records';

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
export function parseParticipantsCsv(text: CsvText): { rows: ParticipantRow[]; problems: Problem[] } {
  // Records become rows as they are read, so a large file's records are never all held at once.
  let layout: Layout | undefined; // known from the first record: a header, or the first participant
  let at: Positions | undefined;
  const rows: ParticipantRow[] = [];
  let bodyRecords = 0;
  let firstOverLimit = 0; // line of the first record past the limit
  // The reading's own problems come first, then the header's, the limit's and the rows', as each was found.
  const headerProblems: Problem[] = [];
  const rowProblems: Problem[] = [];
  const { problems } = readCsvRecords(text, (record) => {
    if (layout === undefined) {
      const header = isHeader(record.cells);
      layout = header ? readHeader(record, headerProblems) : HEADERLESS;
      at = positionsOf(layout);
      if (header) return;
    }
    bodyRecords++;
    if (bodyRecords > MAX_PARTICIPANTS) {
      if (bodyRecords === MAX_PARTICIPANTS + 1) firstOverLimit = record.line;
      return;
    }
    rows.push(toRow(record, layout, at!, rowProblems));
  });
  for (const problem of headerProblems) problems.push(problem);
  if (bodyRecords > MAX_PARTICIPANTS) {
    problems.push({
      line: firstOverLimit,
      field: 'file',
      message:
        `too many participants: ${bodyRecords.toLocaleString('en')}, ` +
        `more than the limit of ${MAX_PARTICIPANTS.toLocaleString('en')} in one draw`,
    });
  }
  for (const problem of rowProblems) problems.push(problem);
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

/** Where each column's cell is in a record (-1: not in the file), and the unnamed positions, worked out once per file. */
interface Positions {
  name: number;
  email: number;
  phone: number;
  exclusions: number;
  group: number;
  /** Positions of header cells left empty: a value there has no column. */
  unnamed: number[];
}

function positionsOf(layout: Layout): Positions {
  // Each column is at one position at most: a repeated header cell gets no column.
  const at = (column: Column) => layout.columns.indexOf(column);
  const unnamed = layout.columns.flatMap((column, i) => (column === undefined && layout.labels[i] === '' ? [i] : []));
  return { name: at('name'), email: at('email'), phone: at('phone'), exclusions: at('exclusions'), group: at('group'), unnamed };
}

/** The cell at position `i` (-1: none), '' past the end of the record. */
function cellAt(cells: string[], i: number): string {
  return i < 0 ? '' : (cells[i] ?? '');
}

function toRow(record: CsvRecord, layout: Layout, at: Positions, problems: Problem[]): ParticipantRow {
  const { cells } = record;
  const row: ParticipantRow = {
    line: record.line,
    name: cellAt(cells, at.name),
    email: cellAt(cells, at.email),
    phone: cellAt(cells, at.phone),
    exclusions: cellAt(cells, at.exclusions),
    group: cellAt(cells, at.group),
  };
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
  for (const i of at.unnamed) {
    if ((cells[i] ?? '') !== '') {
      problems.push({ line: record.line, field: 'row', message: `cell ${i + 1} has a value but its column has no name in the header` });
    }
  }
  return row;
}
