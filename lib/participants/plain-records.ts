import type { CsvRecord } from './records';

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Reads the records of a text with LF line endings as csv-parse reads them with CSV_OPTIONS, and
 * each cell trimmed as readCsvRecords keeps it, for as long as the text is plain RFC 4180: cells
 * either unquoted with no quote inside, or quoted (only spaces and tabs around the quotes) and
 * closed. A well-formed file is read in a fraction of csv-parse's time (one pass over its characters, a
 * string per cell and nothing else). At the first record that is not plain,
 * reading stops and answers that record's index in the text's lines, for csv-parse to read on
 * from there (and to say what is wrong, if anything is); -1 when every record was read.
 */
export function readPlainRecords(text: string, take: (record: CsvRecord) => void): number {
  const end = text.length;
  let at = 0;
  let line = 0; // index of the line `at` is on
  while (at < end) {
    const recordLine = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      let from = at;
      while (from < end && isSpaceOrTab(text.charCodeAt(from))) from++;
      let cell: string;
      if (from < end && text.charCodeAt(from) === QUOTE) {
        const quoted = readQuoted(text, from + 1);
        if (quoted === undefined) return recordLine;
        cell = quoted.value;
        line += quoted.newlines;
        at = quoted.next;
        while (at < end && isSpaceOrTab(text.charCodeAt(at))) at++;
        const next = at < end ? text.charCodeAt(at) : NEWLINE;
        if (next !== COMMA && next !== NEWLINE) return recordLine; // text after the closing quote
      } else {
        let stop = from;
        let next = NEWLINE;
        for (; stop < end; stop++) {
          next = text.charCodeAt(stop);
          if (next === COMMA || next === NEWLINE) break;
          if (next === QUOTE) return recordLine; // a quote inside an unquoted cell
        }
        if (stop === end) next = NEWLINE;
        cell = text.slice(from, stop);
        at = stop;
      }
      cell = cell.trim();
      if (cell !== '') blank = false;
      cells.push(cell);
      if (at >= end || text.charCodeAt(at) === NEWLINE) break;
      at++; // past the comma
    }
    if (!blank) take({ line: recordLine + 1, cells });
    at++; // past the newline
    line++;
  }
  return -1;
}

function isSpaceOrTab(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** A quoted cell's value from just past its opening quote, or undefined if it is never closed. */
function readQuoted(text: string, start: number): { value: string; next: number; newlines: number } | undefined {
  let value = '';
  let from = start;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return undefined;
    if (text.charCodeAt(close + 1) === QUOTE) {
      value += text.slice(from, close + 1); // a doubled quote is one quote
      from = close + 2;
      continue;
    }
    value += text.slice(from, close);
    return { value, next: close + 1, newlines: countNewlines(text, start, close) };
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
