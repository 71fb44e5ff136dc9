import { parse } from 'csv-parse/sync';
import type { Problem } from '../types';

/** One CSV record: its cells, trimmed, and the 1-based line where it starts. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Past this many broken records the rest of the file is not worth reading. */
const MAX_SYNTAX_PROBLEMS = 20;

/**
 * RFC 4180 records with their starting line numbers. Never throws: broken CSV becomes a Problem
 * (field `file`) and reading resumes on the line after the break, so every break is reported.
 */
export function readCsvRecords(text: string): { records: CsvRecord[]; problems: Problem[] } {
  // One line ending everywhere: csv-parse counts a CRLF inside quotes as two lines.
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const records: CsvRecord[] = [];
  const problems: Problem[] = nulProblems(lines);
  let first = 0; // index in `lines` where the chunk being read starts
  while (first < lines.length) {
    let lastEnd = 0; // chunk line where the last good record ended
    const offset = first;
    try {
      parse(lines.slice(first).join('\n'), {
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
        record_delimiter: '\n',
        on_record: (cells: string[], context) => {
          lastEnd = context.lines;
          // csv-parse gives the line where a record ends; quoted newlines tell how far back it starts.
          const start = offset + context.lines - countNewlines(cells);
          const trimmed = cells.map((cell) => cell.trim());
          if (trimmed.some((cell) => cell !== '')) records.push({ line: start, cells: trimmed });
          return null;
        },
      });
      break;
    } catch (error) {
      const { code, lines: at } = error as { code?: string; lines?: number };
      const recordStart = firstNonBlank(lines, offset + lastEnd) + 1;
      const resumable = code !== 'CSV_QUOTE_NOT_CLOSED' && typeof at === 'number' && at > lastEnd;
      const line = resumable ? offset + at : recordStart;
      const where = line === recordStart ? '' : ` (in the record that starts on line ${recordStart})`;
      problems.push({ line, field: 'file', message: describe(code, error) + where });
      if (!resumable) break;
      if (problems.length >= MAX_SYNTAX_PROBLEMS) {
        problems.push({ line, field: 'file', message: `too many broken records; the file was not read past line ${line}` });
        break;
      }
      first = offset + at;
    }
  }
  return { records, problems };
}

/** A NUL is never text: the file is binary, or UTF-16 read as UTF-8. One problem per line that holds one. */
function nulProblems(lines: string[]): Problem[] {
  const problems: Problem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const column = lines[i].indexOf('\u0000');
    if (column < 0) continue;
    if (problems.length === MAX_SYNTAX_PROBLEMS) {
      problems.push({ line: i + 1, field: 'file', message: 'more lines hold NUL characters; the file was not checked further for them' });
      break;
    }
    problems.push({
      line: i + 1,
      field: 'file',
      message: `a NUL character at column ${[...lines[i].slice(0, column)].length + 1}: this is not a text file (UTF-16?); save it as a UTF-8 CSV`,
    });
  }
  return problems;
}

function countNewlines(cells: string[]): number {
  let count = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) count++;
  return count;
}

function firstNonBlank(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (lines[i].trim() !== '') return i;
  return Math.min(from, lines.length - 1);
}

const QUOTING_HINT = 'put the whole cell in double quotes and double any quote inside it ("")';

function describe(code: string | undefined, error: unknown): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell starting in this record is never closed: a closing " is missing';
    case 'INVALID_OPENING_QUOTE':
      return `a " inside a cell that does not start with one; ${QUOTING_HINT}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `text after the closing " of a quoted cell; ${QUOTING_HINT}`;
    default:
      return `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`;
  }
}
