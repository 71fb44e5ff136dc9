/** The sandbox-safe hashes and Base64 of States.Hash / States.Base64* agree with node:crypto and Buffer. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { base64Decode, base64Encode, HASH_ALGORITHMS, hashText, utf8Decode, utf8Encode } from '../src/encoding';

const nodeName = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

it.each(HASH_ALGORITHMS)('%s matches node:crypto on any text, block boundaries included', (algorithm) => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(111), 'a'.repeat(112)),
      ),
      (text) => {
        expect(hashText(text, algorithm)).toBe(createHash(nodeName[algorithm]).update(text, 'utf8').digest('hex'));
      },
    ),
    { numRuns: 60 },
  );
});

it('Base64 and UTF-8 round-trip and match Buffer', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const encoded = base64Encode(utf8Encode(text));
      expect(encoded).toBe(Buffer.from(text, 'utf8').toString('base64'));
      expect(utf8Decode(base64Decode(encoded))).toBe(text);
    }),
  );
});

it('rejects text that is not Base64', () => {
  expect(() => base64Decode('abc$')).toThrow('invalid Base64');
});
