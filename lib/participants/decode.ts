import type { Problem } from '../types';

/** Past this many undecodable lines the file is clearly in another encoding; more would only be noise. */
const MAX_ENCODING_PROBLEMS = 20;

const SAVE_AS_UTF8 = 'save the file as UTF-8 (in Excel: Save As, "CSV UTF-8")';

/**
 * The text of a participants file, which must be UTF-8 (with or without BOM). Never throws: each
 * line holding bytes that are not UTF-8 becomes a Problem (field `file`) naming the line and column
 * of its first bad byte, and the text comes back with those bytes replaced (U+FFFD) so the rest of
 * the file can still be checked; a UTF-16 file, known by its BOM, is one problem and read as UTF-16.
 * Lines are counted as the CSV reader counts them (LF, CRLF or CR).
 */
export function decodeParticipantsFile(bytes: Uint8Array): { text: string; problems: Problem[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    // Fall through: find where it breaks.
  }
  const utf16 = utf16Encoding(bytes);
  if (utf16) {
    // Read as what it is, so the rest of the file can be checked (and no NUL on every line).
    const text = new TextDecoder(utf16).decode(bytes);
    return { text, problems: [{ line: 1, field: 'file', message: `the file is UTF-16, not UTF-8; ${SAVE_AS_UTF8}` }] };
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  const problems: Problem[] = [];
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const end = lineEnd(bytes, start);
    const bad = firstBadByte(bytes.subarray(start, end));
    if (bad) {
      if (problems.length === MAX_ENCODING_PROBLEMS) {
        problems.push({ line, field: 'file', message: `more lines are not UTF-8; ${SAVE_AS_UTF8}` });
        break;
      }
      problems.push({
        line,
        field: 'file',
        message: `byte 0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')} at column ${bad.column} is not UTF-8; ${SAVE_AS_UTF8}`,
      });
    }
    start = end + (bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? 2 : 1);
  }
  return { text, problems };
}

/** Index of the CR or LF ending the line that starts at `start` (or the length of the file). */
function lineEnd(bytes: Uint8Array, start: number): number {
  for (let i = start; i < bytes.length; i++) if (bytes[i] === 0x0a || bytes[i] === 0x0d) return i;
  return bytes.length;
}

/**
 * The first byte of a line that breaks UTF-8, and its 1-based column in characters. CR and LF
 * never occur inside a UTF-8 sequence, so a line can be checked on its own.
 */
function firstBadByte(line: Uint8Array): { byte: number; column: number } | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let decoded = ''; // the line's text up to the last complete character
  let charStart = 0; // where the character being decoded starts
  for (let i = 0; i <= line.length; i++) {
    try {
      // Byte by byte, streaming: the decoder throws on the byte where a sequence goes wrong.
      const chars = i < line.length ? decoder.decode(line.subarray(i, i + 1), { stream: true }) : decoder.decode();
      if (chars !== '') {
        decoded += chars;
        charStart = i + 1;
      }
    } catch {
      return { byte: line[Math.min(charStart, line.length - 1)], column: [...decoded].length + 1 };
    }
  }
  return undefined;
}

/** UTF-16 by its byte order mark: Excel's "Unicode text" and some Windows tools write these. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}
