import { createHash } from 'node:crypto';

/** The keys payloads are sealed with: the first encrypts, every one decrypts, so a key can rotate without losing old runs. */
export interface EncryptionKeys {
  currentKeyId: string;
  keys: Map<string, Buffer>;
}

/**
 * Reads a key setting (`SANTA_ENCRYPTION_KEY`, `SANTA_DRAW_KEY`): one base64 key of 32 bytes (its id derived from
 * it), or a comma-separated list of `id:base64key`, newest first.
 */
export function parseEncryptionKeys(value: string, variable = 'SANTA_ENCRYPTION_KEY'): EncryptionKeys {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const material = Buffer.from(colon === -1 ? entry : entry.slice(colon + 1), 'base64');
      if (material.length !== 32) {
        throw new Error(`${variable}: each key must be 32 bytes in base64 (AES-256), got ${material.length} bytes`);
      }
      const id = colon === -1 ? keyIdOf(material) : entry.slice(0, colon);
      if (!/^[\w.-]{1,64}$/.test(id)) throw new Error(`${variable}: key id "${id}" must be letters, digits, '.', '_' or '-'`);
      return [id, material] as const;
    });
  if (entries.length === 0) throw new Error(`${variable} is empty`);
  return { currentKeyId: entries[0][0], keys: new Map(entries) };
}

/** A short id that names a key without revealing it. */
export function keyIdOf(material: Buffer): string {
  return createHash('sha256').update(material).digest('hex').slice(0, 12);
}
