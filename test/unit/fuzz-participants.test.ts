/**
 * Fuzzing the participants file's decoding, parsing and validation with fast-check: whatever comes
 * in, nothing throws, and every problem names a real line (>= 1, inside the file) and a known field.
 * 10,000 generated cases in all; test/api/fuzz.test.ts adds more through the HTTP API.
 */
import fc from 'fast-check';
import { formulaStart, hiddenCharacter, nameKey } from '../../lib/participants/fields';
import { decodeParticipantsFile } from '../../lib/participants/decode';
import { parseParticipantsCsv } from '../../lib/participants/parse';
import { checkParticipants, MAX_PROBLEMS, validateParticipants } from '../../lib/participants/validate';
import type { ParticipantRow, Problem } from '../../lib/types';
import { hostileFile, hostileText, personCells } from '../fixtures/hostile/arbitraries';

const FIELDS = ['name', 'email', 'phone', 'exclusions', 'group', 'header', 'row', 'file'];

const linesOfText = (text: string) => text.split(/\r\n|\r|\n/).length;
const linesOfBytes = (bytes: Uint8Array) => linesOfText(Buffer.from(bytes).toString('latin1'));

/** Problems point into the file and name a known field, with a message that says something. */
function expectWellFormed(problems: Problem[], lastLine: number): void {
  const wrong = problems.filter(
    (p) => !Number.isInteger(p.line) || p.line < 1 || p.line > lastLine || !FIELDS.includes(p.field) || p.message.trim() === '',
  );
  expect(wrong).toEqual([]);
  expect(problems.every((p, i) => i === 0 || problems[i - 1].line <= p.line)).toBe(true);
}

describe('parseParticipantsCsv, fuzzed', () => {
  it('never throws; rows and problems point at lines of the file (3,000 cases)', () => {
    fc.assert(
      fc.property(hostileText(400), (text) => {
        const { rows, problems } = parseParticipantsCsv(text);
        expectWellFormed(problems, linesOfText(text));
        expect(problems.every((p) => ['file', 'header', 'row'].includes(p.field))).toBe(true);
        expect(rows.every((row) => row.line >= 1 && row.line <= linesOfText(text))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('validateParticipants, fuzzed', () => {
  const rows = fc
    .array(personCells, { maxLength: 8 })
    .map((people) => people.map((cells, i): ParticipantRow => ({ line: i + 2, ...cells })));

  it('never throws; a clean result is a drawable list of reachable people (3,000 cases)', () => {
    let clean = 0;
    fc.assert(
      fc.property(rows, (input) => {
        const { participants, problems } = validateParticipants(input);
        expectWellFormed(problems, input.length + 1);
        expect(new Set(participants.map((p) => nameKey(p.name))).size).toBe(participants.length);
        if (problems.length > 0) return;
        clean++;
        expect(participants.length).toBeGreaterThanOrEqual(2);
        const names = new Set(participants.map((p) => p.name));
        const unfit = participants.filter(
          (p) =>
            (p.email ?? p.phone) === undefined ||
            formulaStart(p.name) !== undefined ||
            hiddenCharacter(p.name) !== undefined ||
            p.exclusions.some((excluded) => !names.has(excluded) || excluded === p.name),
        );
        expect(unfit).toEqual([]);
      }),
      { numRuns: 3000 },
    );
    expect(clean).toBeGreaterThan(0); // the generator reaches clean lists, so the checks above ran
  });
});

describe('checkParticipants on bytes, fuzzed', () => {
  it('never throws on any bytes; problems point at lines of the file (2,000 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(hostileFile(), fc.uint8Array({ maxLength: 300 })), (bytes) => {
        const { problems } = checkParticipants(bytes);
        expectWellFormed(problems, linesOfBytes(bytes));
        expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports a bad byte on exactly the line it is on (1,000 cases)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', ',', ' ', '😀', 'ß'), maxLength: 12 });
    const badSequence = fc.constantFrom([0x80], [0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]);
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.nat(),
        badSequence,
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, lineIndex, offset, bad, eol) => {
          const target = lineIndex % lines.length;
          const chars = [...lines[target]];
          const column = offset % (chars.length + 1);
          const parts = lines.map((text, i) =>
            i === target
              ? Buffer.concat([Buffer.from(chars.slice(0, column).join('')), Buffer.from(bad), Buffer.from(chars.slice(column).join(''))])
              : Buffer.from(text),
          );
          const bytes = Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from(eol), part])));
          const { problems } = decodeParticipantsFile(bytes);
          expect(problems).toEqual([
            {
              line: target + 1,
              field: 'file',
              message: expect.stringContaining(`byte 0x${bad[0].toString(16).toUpperCase()} at column ${column + 1} is not UTF-8`),
            },
          ]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decodes any well-formed UTF-8 exactly, with no problem (1,000 cases)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        fc.pre(!text.startsWith('\uFEFF'));
        expect(decodeParticipantsFile(Buffer.from(text, 'utf8'))).toEqual({ text, problems: [] });
      }),
      { numRuns: 1000 },
    );
  });
});
