import { Parser } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { Problem } from '../types';
import { readPlainRecords } from './plain-records';

/** One CSV record: its cells, trimmed, and the 1-based line where it starts. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Past this many broken records the rest of the file is not worth reading. */
const MAX_SYNTAX_PROBLEMS = 20;

/** How the file is given to csv-parse (besides a callback for each record). */
export const CSV_OPTIONS = {
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  record_delimiter: '\n',
} as const;

/** A file's text; or its bytes, known to be valid UTF-8, to be decoded only if need be. */
export type CsvText = string | { utf8: Uint8Array };

/**
 * RFC 4180 records with their starting line numbers. Never throws: broken CSV becomes a Problem
 * (field `file`) and reading resumes on the line after the break, so every break is reported.
 * Given `each`, records go to it as they are read and the list comes back empty.
 */
export function readCsvRecords(input: CsvText, each?: (record: CsvRecord) => void): { records: CsvRecord[]; problems: Problem[] } {
  const source = sourceOf(input);
  // The text's lines, split only when needed: for NULs, and to resume after a break.
  let split: string[] | undefined;
  const lines = () => (split ??= source.text().split('\n'));
  const records: CsvRecord[] = [];
  const take = each ?? ((record: CsvRecord) => records.push(record));
  const problems: Problem[] = source.mayHoldNul && source.text().includes('\u0000') ? nulProblems(lines()) : [];
  // Plain records need nothing of csv-parse; it reads on from the first that is not plain, if any.
  let first = problems.length === 0 ? readPlainRecords(source.text(), take) : 0; // index in `lines` where the chunk being read starts
  if (first < 0) return { records, problems };
  for (;;) {
    let lastEnd = 0; // chunk line where the last good record ended
    const offset = first;
    try {
      parseRecords(first === 0 ? source.whole : lines().slice(first).join('\n'), (cells, linesRead) => {
        lastEnd = linesRead;
        // csv-parse gives the line where a record ends; quoted newlines tell how far back it starts.
        const start = offset + linesRead - countNewlines(cells);
        let blank = true;
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i].trim();
          cells[i] = cell;
          if (cell !== '') blank = false;
        }
        if (!blank) take({ line: start, cells });
      });
      break;
    } catch (error) {
      const { code, lines: at } = error as { code?: string; lines?: number };
      const recordStart = firstNonBlank(lines(), offset + lastEnd) + 1;
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
      if (first >= lines().length) break;
    }
  }
  return { records, problems };
}

interface Source {
  /** What csv-parse reads: the text, or the same text's UTF-8 bytes. */
  whole: string | Buffer;
  /** The text, without a byte order mark and with one line ending everywhere. */
  text(): string;
  /** False when the text is known to hold no NUL. */
  mayHoldNul: boolean;
}

/**
 * The text csv-parse reads, as it reads it: without a BOM, and with one line ending everywhere
 * (csv-parse counts a CRLF inside quotes as two lines). UTF-8 bytes with no CR or NUL in them go
 * to csv-parse as they are, less their BOM, rather than be decoded here for csv-parse to encode
 * them again; their text is made only if a break in the CSV needs its lines.
 */
function sourceOf(input: CsvText): Source {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    // Decoding drops one BOM (TextDecoder), and the text one more (below).
    let bytes = Buffer.from(input.utf8.buffer, input.utf8.byteOffset, input.utf8.byteLength);
    for (let i = 0; i < 2 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf; i++) bytes = bytes.subarray(3);
    // In UTF-8 no other character holds the byte of CR or NUL.
    if (!bytes.includes(0x0d) && !bytes.includes(0x00)) {
      let decoded: string | undefined;
      return { whole: bytes, text: () => (decoded ??= new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)), mayHoldNul: false };
    }
    text = new TextDecoder('utf-8').decode(input.utf8);
  }
  const normal = text.replace(/^\uFEFF/, '');
  const whole = normal.includes('\r') ? normal.replace(/\r\n?/g, '\n') : normal;
  return { whole, text: () => whole, mayHoldNul: true };
}

/** The parser behind csv-parse's stream API, as `parse` runs it. */
type CsvApi = { parse(input: Buffer, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined };

/**
 * csv-parse's sync `parse` with CSV_OPTIONS, handing each record to `onRecord` with the number of
 * lines read when it ended; throws what `parse` throws. `parse`'s on_record callback would give
 * that count in a context object it builds afresh for every record, which costs as much as the
 * parsing itself on a file of many short records (100,000 people). So the parser behind the stream
 * API is run here as `parse` runs it, and the count read off the stream's `info` (documented) as
 * each record arrives. Should a csv-parse release stop exposing that parser, on_record it is.
 */
function parseRecords(text: string | Buffer, onRecord: (cells: string[], linesRead: number) => void): void {
  const input = typeof text === 'string' ? Buffer.from(text) : text; // as `parse` does with a string
  const parser = new Parser(CSV_OPTIONS);
  const api = (parser as unknown as { api?: Partial<CsvApi> }).api;
  if (typeof api?.parse === 'function' && typeof parser.info?.lines === 'number') {
    const { info } = parser;
    const error = api.parse(
      input,
      true,
      (cells) => onRecord(cells, info.lines),
      () => {},
    );
    if (error !== undefined) throw error;
    return;
  }
  parse(input, {
    ...CSV_OPTIONS,
    on_record: (cells: string[], context) => {
      onRecord(cells, context.lines);
      return null;
    },
  });
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
      message:
        `a NUL character at column ${[...lines[i].slice(0, column)].length + 1}: ` +
        'this is not a text file (UTF-16?); save it as a UTF-8 CSV',
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
