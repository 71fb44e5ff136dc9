import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EncryptionKeys } from './keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SEALED_FORMAT = 'santa-sealed/aes-256-gcm';

/** A stored object sealed under the draw key: what a bucket reader or a folder's reader sees. */
export interface SealedObject {
  sealed: typeof SEALED_FORMAT;
  keyId: string;
  /** base64 of iv, ciphertext, tag. */
  data: string;
}

export function isSealed(value: unknown): value is SealedObject {
  return typeof value === 'object' && value !== null && (value as SealedObject).sealed === SEALED_FORMAT;
}

/**
 * The draw key (`SANTA_DRAW_KEY`), held by the worker only: it seals every stored object that holds who gives to whom,
 * mixes organisers' seeds, and makes participants' personal links. Each object is bound to its storage key (the
 * GCM additional data), so one run's sealed draw cannot be passed off as another's.
 */
export class DrawSeal {
  constructor(private readonly keys: EncryptionKeys) {}

  seal(objectKey: string, value: unknown): string {
    const keyId = this.keys.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, iv);
    cipher.setAAD(Buffer.from(objectKey));
    const body = Buffer.concat([iv, cipher.update(JSON.stringify(value)), cipher.final(), cipher.getAuthTag()]);
    return JSON.stringify({ sealed: SEALED_FORMAT, keyId, data: body.toString('base64') } satisfies SealedObject);
  }

  open<T>(objectKey: string, text: string): T {
    const sealed = JSON.parse(text) as unknown;
    if (!isSealed(sealed)) throw new Error(`${objectKey} is not sealed: a draw is only ever stored sealed`);
    const key = this.keys.keys.get(sealed.keyId);
    if (!key) throw new Error(`${objectKey} is sealed with draw key "${sealed.keyId}", which SANTA_DRAW_KEY does not hold`);
    const body = Buffer.from(sealed.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(objectKey));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /**
   * The seed a draw is made from when the organiser gave one: mixed with the draw key, so the same seed repeats a
   * draw on this server and computes nothing anywhere else. 128 bits, so no one can search the seeds either.
   */
  mixSeed(organiserSeed: number, attempt: number): SeedWords {
    const mac = createHmac('sha256', this.keys.keys.get(this.keys.currentKeyId)!)
      .update(`santa-seed\0${organiserSeed}\0${attempt}`)
      .digest();
    return [mac.readUInt32LE(0), mac.readUInt32LE(4), mac.readUInt32LE(8), mac.readUInt32LE(12)];
  }
}

/** 128 bits of seed for the draw's generator. */
export type SeedWords = readonly [number, number, number, number];

export function randomSeedWords(): SeedWords {
  const bytes = randomBytes(16);
  return [bytes.readUInt32LE(0), bytes.readUInt32LE(4), bytes.readUInt32LE(8), bytes.readUInt32LE(12)];
}

/** A participant's personal link secret: 128 random bits, base64url. */
export function newLinkToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Names a link without revealing it: what may travel through Temporal to find the giver. */
export function linkId(token: string): string {
  return createHash('sha256').update(`santa-link\0${token}`).digest('hex');
}

/** The key a revealed draw travels under, back from the worker to the API: only the link's holder can derive it. */
function revealKey(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token), Buffer.alloc(0), 'santa-reveal', 32));
}

/** Sealed for whoever holds the link `token` (the worker knows it from the sealed draw; the API from the URL). */
export function sealForLink(token: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', revealKey(token), iv);
  return Buffer.concat([iv, cipher.update(JSON.stringify(value)), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

export function openForLink<T>(token: string, sealed: string): T {
  const body = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', revealKey(token), body.subarray(0, IV_BYTES));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return JSON.parse(
    Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8'),
  ) as T;
}
