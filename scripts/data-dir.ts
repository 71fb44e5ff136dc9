/**
 * The local state of a stack that `npm start` or `npm run selfhost` runs: all of it under one folder,
 * SANTA_DATA_DIR (default `.data` in the checkout), so that two stacks with different folders share nothing.
 * Under it: the draws (`allocations/`), the outbox (`outbox/`, unless SANTA_OUTBOX_DIR says otherwise), the dev
 * server's database (`temporal.db`), selfhost's MinIO (`selfhost/minio`) and the keys made here.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** SANTA_DATA_DIR as an absolute path (a relative one is taken from the checkout, where the processes run). */
export function dataDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(root, env.SANTA_DATA_DIR || '.data');
}

/** The folders the worker and the API are given, both under `dataDir` (the outbox unless SANTA_OUTBOX_DIR is set). */
export function dataDirEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): { SANTA_DATA_DIR: string; SANTA_OUTBOX_DIR: string } {
  return {
    SANTA_DATA_DIR: dataDir,
    SANTA_OUTBOX_DIR: env.SANTA_OUTBOX_DIR ? resolve(root, env.SANTA_OUTBOX_DIR) : join(dataDir, 'outbox'),
  };
}

/** `process.env[name]`, or else a secret made once by `make` and kept in `dataDir/file`, readable by its owner only. */
function keptSecret(name: string, dataDir: string, file: string, make: () => string, what: string): string {
  const given = process.env[name];
  if (given) return given;
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, make(), { mode: 0o600 });
    console.log(`made ${what}: ${path} (set ${name} to use your own)`);
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * SANTA_ENCRYPTION_KEY, or else a key made once and kept in `dataDir`: payloads are sealed from the first run,
 * and `npm start` and `npm run selfhost` on the same folder share the file, so either can read the other's runs.
 */
export function encryptionKey(dataDir: string): string {
  return keptSecret(
    'SANTA_ENCRYPTION_KEY',
    dataDir,
    'encryption-key',
    () => randomBytes(32).toString('base64'),
    'an encryption key for payloads',
  );
}

/**
 * CODEC_TOKEN, or else one made once and kept in `dataDir`: the operator's token for the API's /codec, which the
 * Web UI is given in its codec endpoint (`…/codec/t/<token>`). URL-safe, as it goes in that path.
 */
export function codecToken(dataDir: string): string {
  return keptSecret('CODEC_TOKEN', dataDir, 'codec-token', () => randomBytes(32).toString('base64url'), "the operator's token for /codec");
}

/**
 * SANTA_DRAW_KEY, or else a key made once and kept in `dataDir`: the worker seals draws under it. Only the worker's
 * environment gets it; the API never holds it.
 */
export function drawKey(dataDir: string): string {
  return keptSecret('SANTA_DRAW_KEY', dataDir, 'draw-key', () => randomBytes(32).toString('base64'), 'a draw key for the worker');
}
