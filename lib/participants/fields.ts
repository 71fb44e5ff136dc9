/** Checks and normal forms of single cells. */

/** Names match ignoring case, surrounding and repeated whitespace, and Unicode composition. */
export function nameKey(name: string): string {
  return cleanNameKey(cleanName(name));
}

/** nameKey of a name already cleaned (cleanName), without cleaning it again. */
export function cleanNameKey(clean: string): string {
  return clean.normalize('NFC').toLowerCase();
}

/** Whitespace other than single spaces: what cleanName collapses. */
const UNCLEAN_SPACE = /\s\s|[^\S ]/;

/** A name as it is kept: trimmed, inner whitespace collapsed to single spaces. */
export function cleanName(name: string): string {
  const trimmed = name.trim();
  // Most names have nothing to collapse: finding that out is cheaper than replacing nothing.
  return UNCLEAN_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
}

// Deliberately simple: one @, no spaces, a dotted domain. Delivery is the real test.
const EMAIL = /^[^\s@,;:<>()[\]"]+@[^\s@,;:<>()[\]".]+(\.[^\s@,;:<>()[\]".]+)+$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Control characters (C0, DEL, C1), bidirectional overrides and zero-width spaces: invisible, they let
 * a name pass for another (or for a second entry of the same person) and rewrite terminal and message
 * text. Whitespace controls never reach here (cells are cleaned); joiners (U+200C, U+200D) are kept,
 * as some scripts and emoji need them.
 */
const HIDDEN = /[\u0000-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2060\u2066-\u2069]/u;

/** The first hidden character of a value, as U+XXXX, or undefined. */
export function hiddenCharacter(value: string): string | undefined {
  const found = HIDDEN.exec(value)?.[0];
  return found === undefined ? undefined : `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@]/;

/** The leading character that would make a spreadsheet run the value as a formula, or undefined. */
export function formulaStart(value: string): string | undefined {
  return FORMULA_START.exec(value)?.[0];
}

/** A cell's value for a message: quoted, and cut short so a hostile cell cannot swell the answer. */
export function quoted(value: string, max = 60): string {
  const chars = [...value];
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : value);
}

export type PhoneResult = { ok: true; phone: string } | { ok: false; message: string };

/** E.164 from the ways people write numbers: spaces, dashes, dots, brackets, a leading 00. */
export function normalisePhone(raw: string): PhoneResult {
  const compact = raw
    // "+44 (0)7700 …": the bracketed trunk zero is not dialled from abroad; with it, spaces, dashes, dots and
    // brackets go, in one pass ("(0)" is tried first at each place, so it goes whole, zero and all).
    .replace(/\(0\)|[\s\-.()]/g, '')
    .replace(/^00/, '+');
  if (E164.test(compact)) return { ok: true, phone: compact };
  if (/^\d+$/.test(compact)) {
    return { ok: false, message: `${quoted(raw)} has no country code; use the international form, e.g. +447700900123` };
  }
  return { ok: false, message: `${quoted(raw)} is not a valid phone number; use the international form, e.g. +447700900123` };
}
