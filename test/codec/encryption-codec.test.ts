import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, KEY_ID_METADATA } from '../../lib/codec/encryption-codec';
import { keyIdOf, parseEncryptionKeys } from '../../lib/codec/keys';

const key = () => randomBytes(32).toString('base64');
const payload = (value: unknown) => defaultPayloadConverter.toPayload(value)!;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('latin1');

describe('EncryptionCodec', () => {
  it('seals a payload so no part of it is readable, and opens it again', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(key()));
    const [sealed] = await codec.encode([payload({ giver: 'Alice', recipient: 'Bob' })]);
    expect(text(sealed.data)).not.toMatch(/Alice|Bob|json/);
    expect(
      Object.values(sealed.metadata ?? {})
        .map(text)
        .join(),
    ).not.toMatch(/json/);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ giver: 'Alice', recipient: 'Bob' });
  });

  it('uses a fresh IV each time: the same value never seals to the same bytes', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(key()));
    const [a, b] = await codec.encode([payload('same'), payload('same')]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('names its key, so after a rotation old payloads still open', async () => {
    const [oldKey, newKey] = [key(), key()];
    const before = new EncryptionCodec(parseEncryptionKeys(`2025:${oldKey}`));
    const [sealed] = await before.encode([payload('last year')]);
    expect(text(sealed.metadata![KEY_ID_METADATA])).toBe('2025');
    const after = new EncryptionCodec(parseEncryptionKeys(`2026:${newKey},2025:${oldKey}`));
    expect(defaultPayloadConverter.fromPayload((await after.decode([sealed]))[0])).toBe('last year');
    const [resealed] = await after.encode([payload('this year')]);
    expect(text(resealed.metadata![KEY_ID_METADATA])).toBe('2026');
  });

  it('refuses a payload sealed with an unknown key, and one tampered with', async () => {
    const [sealed] = await new EncryptionCodec(parseEncryptionKeys(key())).encode([payload('x')]);
    await expect(new EncryptionCodec(parseEncryptionKeys(key())).decode([sealed])).rejects.toThrow(/unknown encryption key/);
    const codec = new EncryptionCodec(parseEncryptionKeys(key()));
    const [mine] = await codec.encode([payload('x')]);
    mine.data![mine.data!.length - 20] ^= 1;
    await expect(codec.decode([mine])).rejects.toThrow();
  });

  it('passes payloads that were never sealed through unchanged', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(key()));
    const plain = payload({ a: 1 });
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('parseEncryptionKeys', () => {
  it('derives an id for a bare key and rejects keys of the wrong size or bad ids', () => {
    const material = randomBytes(32);
    expect(parseEncryptionKeys(material.toString('base64')).currentKeyId).toBe(keyIdOf(material));
    expect(() => parseEncryptionKeys(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseEncryptionKeys(`bad id:${material.toString('base64')}`)).toThrow(/key id/);
    expect(() => parseEncryptionKeys(' , ')).toThrow(/empty/);
  });
});
