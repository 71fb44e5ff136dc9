import fc from 'fast-check';
import { MAX_PARTICIPANTS, parseParticipantsCsv } from '../../lib/participants/parse';

const EDD = [
  'Alice,alice@example.com,+447700900001,Bob;Carol',
  'Bob,bob@example.com,+447700900002,',
  'Carol,carol@example.com,,Alice',
].join('\n');

describe('parseParticipantsCsv', () => {
  it("reads Edd Mann's headerless form", () => {
    const { rows, problems } = parseParticipantsCsv(EDD);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 1, name: 'Alice', email: 'alice@example.com', phone: '+447700900001', exclusions: 'Bob;Carol', group: '' },
      { line: 2, name: 'Bob', email: 'bob@example.com', phone: '+447700900002', exclusions: '', group: '' },
      { line: 3, name: 'Carol', email: 'carol@example.com', phone: '', exclusions: 'Alice', group: '' },
    ]);
  });

  it('reads a header in any order, case-insensitive, with `number` for `phone`', () => {
    const text = ' Group ,EXCLUSIONS,Number,name,email\nSmiths,Bob,+447700900001,Alice,alice@example.com\n,,,Bob,bob@example.com\n';
    const { rows, problems } = parseParticipantsCsv(text);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, name: 'Alice', email: 'alice@example.com', phone: '+447700900001', exclusions: 'Bob', group: 'Smiths' },
      { line: 3, name: 'Bob', email: 'bob@example.com', phone: '', exclusions: '', group: '' },
    ]);
  });

  it('accepts a header with fewer columns; missing columns read as empty', () => {
    const { rows, problems } = parseParticipantsCsv('name,phone\nAlice,+447700900001\nBob,+447700900002');
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.name, r.email, r.phone])).toEqual([
      ['Alice', '', '+447700900001'],
      ['Bob', '', '+447700900002'],
    ]);
  });

  it('does not mistake a participant called Name for a header', () => {
    const { rows } = parseParticipantsCsv('Name,name@example.com,,\nBob,bob@example.com,,');
    expect(rows.map((r) => r.name)).toEqual(['Name', 'Bob']);
  });

  it('strips a UTF-8 BOM, with or without a header', () => {
    expect(parseParticipantsCsv(`\uFEFF${EDD}`).rows[0].name).toBe('Alice');
    const { rows, problems } = parseParticipantsCsv('\uFEFFname,email\nAlice,a@example.com');
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(1);
  });

  it('reads CRLF like LF', () => {
    const crlf = parseParticipantsCsv(EDD.replace(/\n/g, '\r\n') + '\r\n');
    expect(crlf).toEqual(parseParticipantsCsv(EDD));
  });

  it('trims cells, quoted or not, and keeps UTF-8 text', () => {
    const { rows } = parseParticipantsCsv('  Zoë Ångström  , " zoe@example.com " ,\t+447700900001\t,  Bob ; Carol ');
    expect(rows[0]).toMatchObject({ name: 'Zoë Ångström', email: 'zoe@example.com', phone: '+447700900001', exclusions: 'Bob ; Carol' });
  });

  it('handles RFC 4180 quoting: commas, doubled quotes and newlines inside cells', () => {
    const text = '"Smith, Alice",alice@example.com,,"Bob ""The Builder"";Carol"\n"Bob ""The Builder""",bob@example.com,,\n';
    const { rows, problems } = parseParticipantsCsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(['Smith, Alice', 'Bob "The Builder"']);
    expect(rows[0].exclusions).toBe('Bob "The Builder";Carol');
  });

  it('ignores blank lines, whitespace-only lines and all-empty records', () => {
    const text = '\n\nAlice,a@example.com,,\n   \n\t\n,,,\n\nBob,b@example.com,,\n\n';
    const { rows, problems } = parseParticipantsCsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.line, r.name])).toEqual([
      [3, 'Alice'],
      [8, 'Bob'],
    ]);
  });

  it('numbers each row by the physical line where its record starts, past quoted newlines and blank lines', () => {
    const text = [
      'name,email,exclusions', // 1
      '', // 2
      'Alice,a@example.com,"Bob', // 3
      'Carol', // 4
      '', // 5  (inside the quoted cell: not a blank line)
      'Dave"', // 6
      '', // 7
      'Bob,b@example.com,', // 8
      '"Carol', // 9
      'Ann",c@example.com,', // 10
      'Dave,d@example.com,', // 11
    ].join('\r\n');
    const { rows, problems } = parseParticipantsCsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([3, 8, 9, 11]);
    expect(rows[0].exclusions).toBe('Bob\nCarol\n\nDave');
  });

  it('reports an unterminated quote at the line where its record starts, without throwing', () => {
    const text = 'Alice,a@example.com,,\n\nBob,"b@example.com,,\nCarol,c@example.com,,\n';
    const { rows, problems } = parseParticipantsCsv(text);
    expect(rows.map((r) => r.name)).toEqual(['Alice']);
    expect(problems).toEqual([{ line: 3, field: 'file', message: expect.stringMatching(/never closed/) }]);
  });

  it('reports every stray quote and keeps reading after each', () => {
    const text = ['Alice,a@example.com,,', 'Bob,b@exa"mple.com,,', 'Carol,"c@example.com"x,,', 'Dave,d@example.com,,'].join('\n');
    const { rows, problems } = parseParticipantsCsv(text);
    expect(rows.map((r) => [r.line, r.name])).toEqual([
      [1, 'Alice'],
      [4, 'Dave'],
    ]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'file'],
      [3, 'file'],
    ]);
    expect(problems[0].message).toMatch(/quote/);
  });

  it('reports a row with more cells than columns, naming expected and found', () => {
    const { rows, problems } = parseParticipantsCsv('Alice,a@example.com,,Bob,Carol\nBob,b@example.com,,,,,');
    expect(rows).toHaveLength(2);
    expect(problems).toEqual([{ line: 1, field: 'row', message: expect.stringContaining('expected at most 4 cells') }]);
    expect(problems[0].message).toContain('found 5');
  });

  it('reports unknown and repeated header columns', () => {
    const { problems } = parseParticipantsCsv('name,email,Notes,phone,number\nAlice,a@example.com,hi,,');
    expect(problems).toEqual([
      { line: 1, field: 'header', message: expect.stringContaining('unknown column "Notes"') },
      { line: 1, field: 'header', message: expect.stringContaining('"number"') },
    ]);
  });

  it('reports a value under a header column with no name', () => {
    const ok = parseParticipantsCsv('name,email,,\nAlice,a@example.com,,\n');
    expect(ok.problems).toEqual([]);
    const bad = parseParticipantsCsv('name,email,\nAlice,a@example.com,oops\n');
    expect(bad.problems).toEqual([{ line: 2, field: 'row', message: expect.stringContaining('no name') }]);
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n \r\n\n'],
    ['only a header', 'name,email,phone\n'],
  ])('reports no participants for %s', (_, text) => {
    expect(parseParticipantsCsv(text)).toEqual({ rows: [], problems: [{ line: 1, field: 'file', message: 'no participants' }] });
  });

  it('never throws, whatever the input', () => {
    for (const text of ['"', '""', '"\n', ',"', 'a,"b"c"', '\uFEFF', '\r', '\u0000,\u0000', '"a"""', 'name\n"']) {
      expect(() => parseParticipantsCsv(text)).not.toThrow();
    }
  });
});

describe('parseParticipantsCsv, properties', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', 'Z', 'é', ' ', ',', '"', '\n', '\r\n', ';', '@', '+', '1'), maxLength: 8 });
  const quote = (value: string) => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value);

  it('recovers cells and starting lines of any well-formed file', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell, cell, cell), { maxLength: 6 }),
        fc.array(fc.nat(2), { minLength: 6, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (records, blanks, eol, bom) => {
          // Each record is preceded by some blank lines; a record with a non-empty name is kept.
          let text = bom ? '\uFEFF' : '';
          let line = 1;
          const expected: { line: number; name: string; exclusions: string }[] = [];
          records.forEach((cells, i) => {
            text += eol.repeat(blanks[i]);
            line += blanks[i];
            const trimmed = cells.map((c) => c.replace(/\r\n/g, '\n').trim());
            if (trimmed[0] !== '' && trimmed[0].toLowerCase() !== 'name') {
              expected.push({ line, name: trimmed[0], exclusions: trimmed[3] });
            }
            const encoded = cells.map((c) => quote(c.replace(/\r\n/g, eol))).join(',');
            text += encoded + eol;
            line += (encoded.match(/\r\n|\n/g) ?? []).length + 1;
          });
          fc.pre(records.every((cells) => cells.some((c) => c.trim() !== '')));
          const { rows, problems } = parseParticipantsCsv(text);
          expect(problems.filter((p) => p.field !== 'file')).toEqual([]);
          expect(rows.filter((r) => r.name !== '').map((r) => ({ line: r.line, name: r.name, exclusions: r.exclusions }))).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '\uFEFF', 'name', 'email') }), (text) => {
        const { rows, problems } = parseParticipantsCsv(text);
        for (const item of [...rows, ...problems]) expect(item.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseParticipantsCsv, hopeless files', () => {
  it('stops after many broken records and says so', () => {
    const text = Array.from({ length: 50 }, (_, i) => `P${i},x"y,,`).join('\n');
    const { problems } = parseParticipantsCsv(text);
    expect(problems).toHaveLength(21);
    expect(problems.at(-1)?.message).toMatch(/not read past line 20/);
  });
});

describe('parseParticipantsCsv, hostile files', () => {
  it('reports each line holding a NUL character, with its column', () => {
    const { problems } = parseParticipantsCsv('Alice,a@example.com,,\r\nBö\u0000b,b@example.com,,\n\u0000\n');
    expect(problems).toEqual([
      { line: 2, field: 'file', message: expect.stringMatching(/^a NUL character at column 3: .*UTF-8 CSV$/) },
      { line: 3, field: 'file', message: expect.stringContaining('column 1') },
    ]);
  });

  it(`accepts ${MAX_PARTICIPANTS.toLocaleString('en')} participants and reports one more, at the line where the excess starts`, () => {
    const file = (count: number) =>
      `name,phone\n${Array.from({ length: count }, (_, i) => `P${i},+4477009${String(i).padStart(5, '0')}`).join('\n')}`;
    const atLimit = parseParticipantsCsv(file(MAX_PARTICIPANTS));
    expect(atLimit.problems).toEqual([]);
    expect(atLimit.rows).toHaveLength(MAX_PARTICIPANTS);
    const over = parseParticipantsCsv(`${file(MAX_PARTICIPANTS + 1)}\nP-last,+447700900000`);
    expect(over.problems).toEqual([
      { line: MAX_PARTICIPANTS + 2, field: 'file', message: 'too many participants: 200,002, more than the limit of 200,000 in one draw' },
    ]);
  });
});
