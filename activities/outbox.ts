import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Channel } from '../lib/types';
import { pathSegment } from '../storage/keys';

export interface OutboxMessage {
  channel: Channel;
  to: string;
  subject?: string;
  text: string;
}

export interface WarnLogger {
  warn(message: string): void;
}

/** Warnings already logged in this process, so a big run does not repeat them per message. */
const warned = new Set<string>();

/** Readable file name for a participant; a hash is added when the slug loses characters, so names never collide. */
export function nameSlug(name: string): string {
  const lower = name.toLowerCase();
  const slug = lower
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug !== '' && slug === lower) return slug;
  const hash = createHash('sha256').update(lower).digest('hex').slice(0, 8);
  return slug === '' ? hash : `${slug}-${hash}`;
}

/** Local stand-in for a provider without credentials: one JSON file per message, nothing is sent. */
export class Outbox {
  readonly dir: string;

  constructor(
    dir: string,
    private readonly logger: WarnLogger = console,
  ) {
    this.dir = path.resolve(dir);
  }

  /** Logs `message` once per process. */
  warnOnce(message: string): void {
    if (warned.has(message)) return;
    warned.add(message);
    this.logger.warn(message);
  }

  /** Writes `<dir>/<runId>/<channel>/<name-slug>.json` and returns its path; a retry overwrites the same file. */
  async write(runId: string, name: string, message: OutboxMessage): Promise<string> {
    const folder = path.join(this.dir, pathSegment(runId), message.channel);
    const file = path.join(folder, `${nameSlug(name)}.json`);
    // The participant's message (their draw): for the owner only, as a mailbox is.
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${file}.${randomUUID()}.tmp`;
    const { channel, to, subject, text } = message;
    await writeFile(tmp, JSON.stringify({ channel, to, subject, text, at: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, file);
    return file;
  }
}
