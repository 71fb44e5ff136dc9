/** RFC 4180 rows (quoted cells, doubled quotes, CRLF or LF), for a Distributed Map's CSV ItemReader. */

export const DELIMITERS: Readonly<Record<string, string>> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/** Every row's cells; blank lines dropped; stops after `maxRows` rows. */
export function parseCsv(text: string, delimiter = ',', maxRows = Number.POSITIVE_INFINITY): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  for (; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) row.push(cell), (cell = '');
    else if (c === '\n') endRow();
    else if (c !== '\r') cell += c;
  }
  if (rows.length < maxRows && (cell !== '' || row.length > 0)) endRow();
  return rows;
}
