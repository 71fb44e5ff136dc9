/**
 * The participants check's shortcuts (bench/allocation.ts measures them) answer as the long way
 * round would: UTF-8 bytes read without decoding them first, plain records read without csv-parse,
 * csv-parse's parser read directly rather than through on_record, exclusions found by their
 * spelling before their key, and names' first rows found in a table of their own.
 */
import fc from 'fast-check';
import { decodeParticipantsFile } from '../../lib/participants/decode';
import { readCsvRecords } from '../../lib/participants/records';
import { checkParticipants, validateParticipants } from '../../lib/participants/validate';
import type { ParticipantRow } from '../../lib/types';
import { hostileText } from '../fixtures/hostile/arbitraries';

const TEXTS = [
  'name,email,exclusions\nAlice,a@example.com,Bob\nBob,b@example.com,\n',
  '\n\nAlice,a@example.com,,"Bob\nCy"\n\n  \n,,,\nBob,b@example.com\r\nCy,c@example.com,,\r\n',
  'Alice,a@example.com\n"Bob,b@example.com\nCy,c@example.com\n',
  'Alice,a"x@example.com\nBob,"b@example.com"x\nCy,c@example.com\n"Di,d@example.com',
  'Alice,a@example.com\u0000\nBob,b@example.com\n',
  '\uFEFF\uFEFFname,email\r\nAlice,a@example.com\r\nBob,"b\r\n@example.com"\r\n',
];

describe('readCsvRecords', () => {
  it("reads the same records and problems whether or not csv-parse's stream parser can be read directly", () => {
    let fallback: typeof readCsvRecords | undefined;
    jest.isolateModules(() => {
      // A csv-parse whose Parser does not expose the parser it runs: records come through on_record.
      jest.doMock('csv-parse', () => ({ Parser: class {} }));
      fallback = (require('../../lib/participants/records') as typeof import('../../lib/participants/records')).readCsvRecords;
    });
    jest.dontMock('csv-parse');
    for (const text of TEXTS) expect(fallback!(text)).toEqual(readCsvRecords(text));
    fc.assert(
      fc.property(hostileText(300), (text) => {
        expect(fallback!(text)).toEqual(readCsvRecords(text));
      }),
      { numRuns: 1000 },
    );
  });
});

/** CSV made mostly of what makes records plain or not: quotes, commas, newlines, spaces around them. */
const csvText = fc.string({
  unit: fc.constantFrom('a', 'Bo', 'é', ' ', '\t', '\u00A0', '\f', ',', ',', '\n', '\n', '"', '""', '\r\n', '\u0000', '\uFEFF'),
  maxLength: 60,
});

describe('readCsvRecords, plain records', () => {
  it('reads what csv-parse alone reads, up to the first record that is not plain and on from there', () => {
    let csvParseOnly: typeof readCsvRecords | undefined;
    jest.isolateModules(() => {
      // No record is plain: csv-parse reads them all.
      jest.doMock('../../lib/participants/plain-records', () => ({ readPlainRecords: () => 0 }));
      csvParseOnly = (require('../../lib/participants/records') as typeof import('../../lib/participants/records')).readCsvRecords;
    });
    jest.dontMock('../../lib/participants/plain-records');
    for (const text of TEXTS) expect(readCsvRecords(text)).toEqual(csvParseOnly!(text));
    fc.assert(
      fc.property(fc.oneof(csvText, hostileText(300)), (text) => {
        expect(readCsvRecords(text)).toEqual(csvParseOnly!(text));
        const bytes = Buffer.from(text);
        expect(readCsvRecords({ utf8: bytes })).toEqual(csvParseOnly!({ utf8: bytes }));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('checkParticipants on UTF-8 bytes', () => {
  it('finds what it finds in their decoded text (BOMs, CR, NUL and broken CSV included)', () => {
    const boms = ['', '\uFEFF', '\uFEFF\uFEFF', '\uFEFF\uFEFF\uFEFF'];
    for (const text of TEXTS) {
      for (const bom of boms) {
        const bytes = Buffer.from(bom + text);
        expect(checkParticipants(bytes)).toEqual(checkParticipants(decodeParticipantsFile(bytes).text));
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...boms), hostileText(300), (bom, text) => {
        const bytes = Buffer.from(bom + text);
        expect(checkParticipants(bytes)).toEqual(checkParticipants(decodeParticipantsFile(bytes).text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validateParticipants, exclusions', () => {
  const NAMES = ['Alice', 'Bob Smith', 'Zoë', 'Łukasz Nowak'];
  /** Ways to write a name that mean the same person: case, spaces (ASCII or not) and composition. */
  const spelling = (name: string) =>
    fc
      .tuple(
        fc.constantFrom('', ' ', '\t', '\u00A0', ' \u3000'),
        fc.constantFrom('as is', 'lower', 'upper', 'NFD', 'double spaces'),
        fc.constantFrom('', ' ', '\u00A0'),
      )
      .map(([before, how, after]) => {
        const written = {
          'as is': name,
          lower: name.toLowerCase(),
          upper: name.toUpperCase(),
          NFD: name.normalize('NFD'),
          'double spaces': name.replace(/ /g, '  '),
        }[how];
        return before + written + after;
      });
  const row = (line: number, name: string, exclusions: string): ParticipantRow => ({
    line,
    name,
    email: `${line}@example.com`,
    phone: '',
    exclusions,
    group: '',
  });

  it('finds the same people however they are spelt, each once, in the order first named', () => {
    const pieces = fc.array(fc.constantFrom(...NAMES, 'Nobody', ''), { maxLength: 12 });
    fc.assert(
      fc.property(
        pieces.chain((names) => fc.tuple(fc.constant(names), fc.tuple(...names.map((name) => spelling(name))))),
        ([names, spelt]) => {
          const exact = validateParticipants([
            ...NAMES.map((name, i) => row(i + 2, name, '')),
            row(NAMES.length + 2, 'Eve', names.join(';')),
          ]);
          const other = validateParticipants([
            ...NAMES.map((name, i) => row(i + 2, name, '')),
            row(NAMES.length + 2, 'Eve', spelt.join(';')),
          ]);
          const named = [...new Set(names.filter((name) => NAMES.includes(name)))];
          expect(exact.participants.at(-1)!.exclusions).toEqual(named);
          expect(other.participants.at(-1)!.exclusions).toEqual(named);
          expect(other.problems.map((p) => [p.line, p.field])).toEqual(exact.problems.map((p) => [p.line, p.field]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports an exclusion of oneself however it is spelt, and every time', () => {
    const { participants, problems } = validateParticipants([
      row(2, 'Bob Smith', 'bob  smith; Alice ;\u00A0Bob Smith;Bob Smith'),
      row(3, 'Alice', ''),
    ]);
    expect(participants[0].exclusions).toEqual(['Alice']);
    expect(problems).toEqual([
      { line: 2, field: 'exclusions', message: 'Bob Smith cannot exclude themselves' },
      { line: 2, field: 'exclusions', message: 'Bob Smith cannot exclude themselves' },
      { line: 2, field: 'exclusions', message: 'Bob Smith cannot exclude themselves' },
    ]);
  });
});
