import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../lib/config';

/** The contract's configuration, read from the suite's environment plus per-test overrides, with private folders. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'santa-config-'));
  return loadConfig({
    ...process.env,
    SANTA_DATA_DIR: join(dir, 'allocations'),
    SANTA_OUTBOX_DIR: join(dir, 'outbox'),
    MAILGUN_API_KEY: undefined,
    TWILIO_ACCOUNT_SID: undefined,
    API_TOKEN: undefined,
    CODEC_TOKEN: undefined,
    ...overrides,
  });
}
