/** The configuration loader alone (lib/config.ts), on environments given to it: no server, no file. */
import { loadConfig } from '../../lib/config';

describe('the local folders', () => {
  it('keep everything under .data when nothing is set', () => {
    const config = loadConfig({});
    expect(config.storage.localDir).toBe('.data');
    expect(config.outboxDir).toBe('.data/outbox');
  });

  it('put the outbox in SANTA_DATA_DIR when only that is set', () => {
    const config = loadConfig({ SANTA_DATA_DIR: '/srv/santa-2024' });
    expect(config.storage.localDir).toBe('/srv/santa-2024');
    expect(config.outboxDir).toBe('/srv/santa-2024/outbox');
  });

  it('put the outbox where SANTA_OUTBOX_DIR says, whatever SANTA_DATA_DIR is', () => {
    expect(loadConfig({ SANTA_DATA_DIR: '/srv/santa-2024', SANTA_OUTBOX_DIR: '/var/mail/santa' }).outboxDir).toBe('/var/mail/santa');
  });

  it('treat an empty variable as unset', () => {
    expect(loadConfig({ SANTA_DATA_DIR: '', SANTA_OUTBOX_DIR: '' }).outboxDir).toBe('.data/outbox');
  });
});
