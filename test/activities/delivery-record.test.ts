import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDeliveryRecord } from '../../activities/delivery-record';
import type { NotifyInput } from '../../activities/notify-types';
import { createObjectStore } from '../../activities/object-store';
import { RunData } from '../../activities/run-data';

const data = () => new RunData(createObjectStore({ localDir: mkdtempSync(join(tmpdir(), 'santa-sent-')), forcePathStyle: false, region: 'us-east-1' }));
const message: NotifyInput = { runId: 'run-1', name: 'Alice', recipient: 'Bob', to: 'alice@example.com' };

it('sends a message once: a retry after the provider accepted it answers from the record', async () => {
  const sent: NotifyInput[] = [];
  const notify = withDeliveryRecord(data(), 'email', async (input) => (sent.push(input), { channel: 'email', via: 'mailgun', id: `m${sent.length}` }));
  const first = await notify(message);
  expect(await notify(message)).toEqual(first);
  expect(sent).toHaveLength(1);
  // Another channel, or another person, is another message.
  await notify({ ...message, name: 'Carol', to: 'carol@example.com' });
  expect(sent).toHaveLength(2);
});

it('sends again for a resend, and keeps trying after a failure', async () => {
  let calls = 0;
  const notify = withDeliveryRecord(data(), 'sms', async () => {
    calls++;
    if (calls === 1) throw new Error('HTTP 500');
    return { channel: 'sms', via: 'twilio', id: `s${calls}` };
  });
  await expect(notify(message)).rejects.toThrow('HTTP 500');
  expect((await notify(message)).id).toBe('s2');
  expect((await notify({ ...message, again: true })).id).toBe('s3');
  expect(calls).toBe(3);
});
