import { InvalidParticipantsError } from '../../lib/errors';
import { checkParticipants, MAX_NAME_LENGTH, MAX_PROBLEMS, readParticipants, validateParticipants } from '../../lib/participants/validate';
import type { ParticipantRow } from '../../lib/types';
import { hostileFixtures, unmatchedProblems } from '../fixtures/hostile';

let nextLine = 1;
function row(name: string, fields: Partial<Omit<ParticipantRow, 'name'>> = {}): ParticipantRow {
  return { line: nextLine++, name, email: '', phone: '', exclusions: '', group: '', ...fields };
}
beforeEach(() => {
  nextLine = 1;
});

const email = (name: string) => ({ email: `${name.toLowerCase()}@example.com` });

describe('validateParticipants', () => {
  it('turns good rows into participants', () => {
    const { participants, problems } = validateParticipants([
      row('  Alice   Smith ', { email: 'alice@example.com', phone: '+44 (0)7700 900-001', exclusions: ' bob ;; ', group: ' Smiths ' }),
      row('Bob', { phone: '0044.7700.900002' }),
    ]);
    expect(problems).toEqual([]);
    expect(participants).toEqual([
      { line: 1, name: 'Alice Smith', email: 'alice@example.com', phone: '+447700900001', exclusions: ['Bob'], group: 'Smiths' },
      { line: 2, name: 'Bob', phone: '+447700900002', exclusions: [] },
    ]);
  });

  it('matches exclusions case-insensitively, forward and back, and keeps the canonical spelling', () => {
    const { participants, problems } = validateParticipants([
      row('Alice', { ...email('a'), exclusions: 'CAROL  ANN;carol ann' }),
      row('Bob', { ...email('b'), exclusions: 'alice' }),
      row('Carol Ann', email('c')),
    ]);
    expect(problems).toEqual([]);
    expect(participants.map((p) => p.exclusions)).toEqual([['Carol Ann'], ['Alice'], []]);
  });

  it('reports a missing name', () => {
    const { problems } = validateParticipants([row('', email('x')), row('Bob', email('b')), row('Cy', email('c'))]);
    expect(problems).toEqual([{ line: 1, field: 'name', message: 'the name is missing' }]);
  });

  it('reports a duplicate name on the later line, naming the earlier one', () => {
    const { problems, participants } = validateParticipants([
      row('Alice', email('a')),
      row('Bob', email('b')),
      row(' ALICE ', email('a2')),
      row('bob', email('b2')),
    ]);
    expect(problems).toEqual([
      { line: 3, field: 'name', message: expect.stringContaining('already on line 1') },
      { line: 4, field: 'name', message: expect.stringContaining('already on line 2') },
    ]);
    expect(participants.map((p) => p.name)).toEqual(['Alice', 'Bob']);
  });

  it('treats inner whitespace as one space when comparing names', () => {
    const { problems } = validateParticipants([row('Mary  Jane', email('a')), row('mary jane', email('b')), row('Zed', email('z'))]);
    expect(problems).toEqual([{ line: 2, field: 'name', message: expect.stringContaining('already on line 1') }]);
  });

  it('needs an email or a phone', () => {
    const { problems } = validateParticipants([row('Alice'), row('Bob', email('b'))]);
    expect(problems).toEqual([{ line: 1, field: 'email', message: 'an email or a phone is needed' }]);
  });

  it.each([
    'alice',
    'alice@',
    '@example.com',
    'alice@example',
    'al ice@example.com',
    'alice@@example.com',
    'alice@example..com',
    'a,b@example.com',
  ])('rejects the email %j', (bad) => {
    const { problems } = validateParticipants([row('Alice', { email: bad }), row('Bob', email('b'))]);
    expect(problems).toEqual([{ line: 1, field: 'email', message: `"${bad}" is not a valid email address` }]);
  });

  it.each(['alice@example.com', 'alice.smith+santa@mail.example.co.uk', "o'brien@example.ie"])('accepts the email %j', (good) => {
    expect(validateParticipants([row('Alice', { email: good }), row('Bob', email('b'))]).problems).toEqual([]);
  });

  it.each([
    ['+447700900001', '+447700900001'],
    ['+44 7700 900001', '+447700900001'],
    ['+44-7700-900-001', '+447700900001'],
    ['+44.7700.900.001', '+447700900001'],
    ['+44 (0) 7700 900001', '+447700900001'],
    ['(+1) 202-555-0143', '+12025550143'],
    ['0033 6 12 34 56 78', '+33612345678'],
  ])('normalises the phone %j to E.164', (input, e164) => {
    const { participants, problems } = validateParticipants([row('Alice', { phone: input }), row('Bob', email('b'))]);
    expect(problems).toEqual([]);
    expect(participants[0].phone).toBe(e164);
  });

  it('rejects a national number, asking for the international form', () => {
    const { problems } = validateParticipants([row('Alice', { phone: '07700 900001' }), row('Bob', email('b'))]);
    expect(problems).toEqual([{ line: 1, field: 'phone', message: expect.stringContaining('international form') }]);
  });

  it.each(['+0447700900001', '+44', '+1234567', '+1234567890123456', 'call me', '+44 7700 9000O1'])('rejects the phone %j', (bad) => {
    const { problems } = validateParticipants([row('Alice', { phone: bad }), row('Bob', email('b'))]);
    expect(problems).toEqual([{ line: 1, field: 'phone', message: expect.stringContaining(`"${bad}"`) }]);
  });

  it('reports unknown exclusions and self-exclusion', () => {
    const { problems } = validateParticipants([row('Alice', { ...email('a'), exclusions: 'Bobby;alice' }), row('Bob', email('b'))]);
    expect(problems).toEqual([
      { line: 1, field: 'exclusions', message: '"Bobby" is not a participant' },
      { line: 1, field: 'exclusions', message: 'Alice cannot exclude themselves' },
    ]);
  });

  it('needs at least two participants', () => {
    expect(validateParticipants([row('Alice', email('a'))]).problems).toEqual([
      { line: 1, field: 'file', message: 'a draw needs at least 2 participants, found 1' },
    ]);
    expect(validateParticipants([]).problems).toEqual([
      { line: 1, field: 'file', message: 'a draw needs at least 2 participants, found 0' },
    ]);
  });

  it('reports every problem at once, sorted by line, even on rows already in trouble', () => {
    nextLine = 2;
    const { problems } = validateParticipants([
      row('Alice', { email: 'nope', exclusions: 'Zed' }), // 2
      row('Bob'), // 3
      row('', { phone: '0123' }), // 4
      row('alice', { phone: 'x', email: 'also-bad' }), // 5
      row('Cy', { email: 'cy@example.com', group: 'G' }), // 6
    ]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'email'],
      [2, 'exclusions'],
      [3, 'email'],
      [4, 'name'],
      [4, 'phone'],
      [5, 'name'],
      [5, 'email'],
      [5, 'phone'],
    ]);
  });
});

describe('readParticipants', () => {
  it('parses and validates a file', () => {
    const people = readParticipants('name,email,group\nAlice,a@example.com,X\nBob,b@example.com,\n');
    expect(people).toEqual([
      { line: 2, name: 'Alice', email: 'a@example.com', exclusions: [], group: 'X' },
      { line: 3, name: 'Bob', email: 'b@example.com', exclusions: [] },
    ]);
  });

  it('throws InvalidParticipantsError with the problems of both parsing and validation', () => {
    const text = 'Alice,a@example.com,,Zed,extra\nBob,,,\n';
    let error: unknown;
    try {
      readParticipants(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidParticipantsError);
    const { problems } = error as InvalidParticipantsError;
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [1, 'row'],
      [1, 'exclusions'],
      [2, 'email'],
    ]);
    expect((error as Error).message).toContain('line 2, email: an email or a phone is needed');
  });

  it('does not validate rows of a file whose CSV is broken', () => {
    const { problems } = checkParticipants('Alice,a@example.com,,Bob\n"Bob,b@example.com,,\n');
    expect(problems).toEqual([{ line: 2, field: 'file', message: expect.stringContaining('never closed') }]);
  });
});

describe('validateParticipants, hostile cells', () => {
  it.each(['=1+1', '+1+1', '-1+1', '@SUM(A1)', '=HYPERLINK("http://evil.example","x")'])(
    'rejects the name %j, which a spreadsheet would run',
    (name) => {
      const { problems } = validateParticipants([row(name, email('a')), row('Bob', email('b')), row('Cy', email('c'))]);
      expect(problems).toEqual([
        { line: 1, field: 'name', message: expect.stringContaining(`starts with "${name[0]}", which spreadsheets run as a formula`) },
      ]);
    },
  );

  it('rejects a group a spreadsheet would run, and keeps hyphens and plus signs inside names', () => {
    const { problems } = validateParticipants([
      row('Anne-Marie', { ...email('a'), group: '=cmd|calc' }),
      row('Bob+1', email('b')),
      row('Cy', email('c')),
    ]);
    expect(problems).toEqual([{ line: 1, field: 'group', message: expect.stringContaining('the group "=cmd|calc" starts with "="') }]);
  });

  it.each([
    ['an escape sequence', 'Al\u001b[31mice', 'U+001B'],
    ['a bell', 'Al\u0007ice', 'U+0007'],
    ['a C1 control', 'Al\u0085ice', 'U+0085'],
    ['a right-to-left override', 'Alice\u202Eecila', 'U+202E'],
    ['a zero-width space', 'Al\u200Bice', 'U+200B'],
  ])('rejects a name with %s, naming the character', (_, name, code) => {
    const { problems } = validateParticipants([row(name, email('a')), row('Bob', email('b'))]);
    expect(problems).toEqual([{ line: 1, field: 'name', message: expect.stringContaining(`invisible character ${code}`) }]);
  });

  it('keeps joiners that scripts and emoji need', () => {
    const { problems } = validateParticipants([row('می\u200Cخواهم', email('a')), row('👩\u200D👩\u200D👧', email('b'))]);
    expect(problems).toEqual([]);
  });

  it('rejects over-long names and emails, and quotes long values in messages only in part', () => {
    const long = 'x'.repeat(5000);
    const { problems } = validateParticipants([
      row('A'.repeat(MAX_NAME_LENGTH + 1), { email: `${'a'.repeat(250)}@example.com` }),
      row('A'.repeat(MAX_NAME_LENGTH), { phone: long }),
      row('Bob', { ...email('b'), exclusions: long }),
    ]);
    expect(problems.map((p) => [p.line, p.field, p.message.length < 200])).toEqual([
      [1, 'name', true],
      [1, 'email', true],
      [2, 'phone', true],
      [3, 'exclusions', true],
    ]);
    expect(problems[0].message).toBe(`the name is longer than ${MAX_NAME_LENGTH} characters`);
    expect(problems[2].message).toContain(`"${'x'.repeat(60)}…"`);
  });
});

describe('checkParticipants, limits and bytes', () => {
  it(`lists at most ${MAX_PROBLEMS} problems, then says how many more there are`, () => {
    const text = Array.from({ length: 1500 }, (_, i) => `P${i},not-an-email,,`).join('\n');
    const { problems } = checkParticipants(text);
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[MAX_PROBLEMS - 1]).toMatchObject({ line: MAX_PROBLEMS, field: 'email' });
    expect(problems[MAX_PROBLEMS]).toEqual({
      line: MAX_PROBLEMS + 1,
      field: 'file',
      message: '500 more problems from this line on are not listed',
    });
  });

  it('reads bytes: bad encoding and CSV problems together, rows not validated', () => {
    const file = Buffer.concat([
      Buffer.from('Alice,a@example.com,,Zed\nZo'),
      Buffer.from([0xeb]),
      Buffer.from(',z@example.com,,\n"Bob,b@example.com,,\n'),
    ]);
    expect(checkParticipants(file).problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'file'],
      [3, 'file'],
    ]);
    expect(checkParticipants(Buffer.from('Alice,a@example.com,,\nBob,b@example.com,,\n'))).toEqual(
      checkParticipants('Alice,a@example.com,,\nBob,b@example.com,,\n'),
    );
  });

  // The API answers what checkParticipants finds; so does the CLI, which reads files as bytes.
  it.each(
    hostileFixtures()
      .filter((f) => f.expected.status === 400)
      .map((f) => [f.file, f]),
  )('finds every problem of %s without a server', (_, fixture) => {
    if (fixture.expected.status !== 400) throw new Error('unreachable');
    expect(unmatchedProblems(checkParticipants(fixture.bytes).problems, fixture.expected.problems)).toEqual({
      missing: [],
      unexpected: [],
    });
  });
});
