import { decodeParticipantsFile } from '../../lib/participants/decode';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

describe('decodeParticipantsFile', () => {
  it('decodes UTF-8, dropping a BOM, and reports nothing', () => {
    expect(decodeParticipantsFile(bytes([0xef, 0xbb, 0xbf], 'Zoë,zoe@example.com\n'))).toEqual({
      text: 'Zoë,zoe@example.com\n',
      problems: [],
    });
    expect(decodeParticipantsFile(bytes(''))).toEqual({ text: '', problems: [] });
  });

  it('names the line and column of the first bad byte of each line, counting LF, CRLF and CR as the CSV reader does', () => {
    const file = bytes('ok\r\n', 'Zo', [0xeb], ' and ', [0xff], '\r', 'fine\n', [0x80], 'x\n', 'ünï', [0xc3], '\n');
    const { text, problems } = decodeParticipantsFile(file);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'file'],
      [4, 'file'],
      [5, 'file'],
    ]);
    expect(problems[0].message).toMatch(/^byte 0xEB at column 3 is not UTF-8; save the file as UTF-8/);
    expect(problems[1].message).toMatch(/^byte 0x80 at column 1 /);
    // A sequence cut short by the line end: its first byte, after three characters of which two are not ASCII.
    expect(problems[2].message).toMatch(/^byte 0xC3 at column 4 /);
    // The rest of the text survives, bad bytes replaced, so the file can still be checked.
    expect(text).toBe('ok\r\nZo\uFFFD and \uFFFD\rfine\n\uFFFDx\nünï\uFFFD\n');
  });

  it.each([
    ['an overlong encoding of "/"', [0xc0, 0xaf], 0xc0],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80], 0xed],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0xf4],
    ['a lead byte followed by ASCII', [0xe2, 0x41], 0xe2],
    ['a byte that never occurs in UTF-8', [0xf8], 0xf8],
  ])('reports %s', (_, bad, first) => {
    const { problems } = decodeParticipantsFile(bytes('Alice,a@example.com\n', 'Bob', bad, ',b@example.com\n'));
    expect(problems).toEqual([
      { line: 2, field: 'file', message: expect.stringContaining(`byte 0x${first.toString(16).toUpperCase()} at column 4`) },
    ]);
  });

  it('recognises UTF-16 by its BOM: one problem, and the text read as UTF-16 so the rest can be checked', () => {
    for (const encoding of ['utf16le', 'utf-16be'] as const) {
      const body = '\uFEFFname,email\r\nAlice,a@example.com\r\n';
      const file = encoding === 'utf16le' ? Buffer.from(body, 'utf16le') : Buffer.from(body, 'utf16le').swap16();
      const { text, problems } = decodeParticipantsFile(file);
      expect(problems).toEqual([{ line: 1, field: 'file', message: expect.stringContaining('the file is UTF-16, not UTF-8') }]);
      expect(text).toBe('name,email\r\nAlice,a@example.com\r\n');
    }
  });

  it('stops after 20 bad lines and says more follow', () => {
    const file = Buffer.concat(Array.from({ length: 30 }, () => bytes([0xe9], '\n')));
    const { problems } = decodeParticipantsFile(file);
    expect(problems).toHaveLength(21);
    expect(problems[19].line).toBe(20);
    expect(problems[20]).toEqual({ line: 21, field: 'file', message: expect.stringContaining('more lines are not UTF-8') });
  });
});
