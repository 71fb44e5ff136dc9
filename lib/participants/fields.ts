/** Checks and normal forms of single cells. */

/** Names match ignoring case, surrounding and repeated whitespace, and Unicode composition. */
export function nameKey(name: string): string {
  return cleanName(name).normalize('NFC').toLowerCase();
}

/** A name as it is kept: trimmed, inner whitespace collapsed to single spaces. */
export function cleanName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

// Deliberately simple: one @, no spaces, a dotted domain. Delivery is the real test.
const EMAIL = /^[^\s@,;:<>()[\]"]+@[^\s@,;:<>()[\]".]+(\.[^\s@,;:<>()[\]".]+)+$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

const E164 = /^\+[1-9]\d{7,14}$/;

export type PhoneResult = { ok: true; phone: string } | { ok: false; message: string };

/** E.164 from the ways people write numbers: spaces, dashes, dots, brackets, a leading 00. */
export function normalisePhone(raw: string): PhoneResult {
  const compact = raw
    .replace(/\(0\)/g, '') // "+44 (0)7700 …": the bracketed trunk zero is not dialled from abroad
    .replace(/[\s\-.()]/g, '')
    .replace(/^00/, '+');
  if (E164.test(compact)) return { ok: true, phone: compact };
  if (/^\d+$/.test(compact)) {
    return { ok: false, message: `"${raw}" has no country code; use the international form, e.g. +447700900123` };
  }
  return { ok: false, message: `"${raw}" is not a valid phone number; use the international form, e.g. +447700900123` };
}
