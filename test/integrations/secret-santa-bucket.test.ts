/**
 * Secret Santa from a bucket (examples/state-machines/secret-santa-from-bucket.asl.json): Edd Mann's machine whose
 * participants CSV is read from MinIO by a Distributed Map's ItemReader. Same seed, same draw and same messages as
 * the original machine (secret-santa.asl.json, which reads the file through its parse step); the execution's history
 * holds names and contacts, never a pair.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from 'states-language-temporal';
import { loadAllocation } from '../../activities/store-allocations';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import { payloadsIn } from '../../testkit/history';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { createObjectStore } from '../../storage/object-store';
import { keepSeed, uploadParticipants } from '../../storage/run-data';
import { TemporalRunner } from '../asl/support/temporal-runner';
import { type AwsClients, awsClients } from './aws';
import { type Stand, startStandIns } from './servers';

const example = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines', `${name}.asl.json`), 'utf8')) as Definition;

let stand: Stand;
let providers: FakeProviders;
let runner: TemporalRunner;
let aws: AwsClients;
const saved = { ...process.env };

beforeAll(async () => {
  stand = await startStandIns();
  Object.assign(process.env, stand.env);
  aws = awsClients(stand);
  providers = await startFakeProviders();
  runner = await TemporalRunner.start({}, providers.env);
}, 120_000);

afterAll(async () => {
  aws?.destroy();
  await runner?.close();
  await providers?.close();
  await stand?.close();
  process.env = saved;
});

/** Edd Mann's form, no header: name,email,number,exclusions; everyone has a contact, some both. */
const CSV = Array.from({ length: 8 }, (_, i) => {
  const email = i % 3 === 2 ? '' : `p${i}@example.com`;
  const phone = i % 3 === 0 ? '' : `+4477009${String(i).padStart(5, '0')}`;
  return `P${i},${email},${phone},${i === 1 ? 'P2' : ''}`;
}).join('\n');

it('reads the participants with ItemReader, draws as the original machine does, and keeps the pairs out of the history', async () => {
  const bucket = runner.config.storage.bucket!;
  const store = createObjectStore(runner.config.storage);
  const [original, fromBucket] = [`secret-santa-${randomUUID()}`, `secret-santa-bucket-${randomUUID()}`];
  const csvKey = await uploadParticipants(store, original, CSV);
  await keepSeed(store, original, 11);
  const seedKey = await keepSeed(store, fromBucket, 11);
  store.close();
  // Where an organiser's tool would put it: any key of the bucket.
  const key = `uploads/${fromBucket}.csv`;
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: CSV }));

  const before = providers.mailgun.messages.length + providers.twilio.messages.length;
  const expected = await runner.run(example('secret-santa'), { csvKey, seedKey: seedKey.replace(fromBucket, original) }, { id: original });
  const outcome = await runner.run(example('secret-santa-from-bucket'), { bucket, csvKey: key, seedKey }, { id: fromBucket });
  type Summary = { participants: number; stored: string; email: object; sms: object };
  expect([expected.status, outcome.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  const [output, originalOutput] = [outcome, expected].map((o) => (o as { output: Summary }).output);
  // The same summary; each run stores its draw under its own key.
  expect({ ...output, stored: undefined }).toEqual({ ...originalOutput, stored: undefined });
  expect(output).toMatchObject({ participants: 8, email: { sent: 6, skipped: 2, failed: 0 }, sms: { sent: 5, skipped: 3, failed: 0 } });
  expect(providers.mailgun.messages.length + providers.twilio.messages.length - before).toBe(22);

  // The same draw, stored sealed; P1 never draws P2 (their exclusion, read from the bucket's row).
  const [draw, originalDraw] = await Promise.all([
    loadAllocation(runner.config, output.stored),
    loadAllocation(runner.config, originalOutput.stored),
  ]);
  expect(draw.pairs).toEqual(originalDraw.pairs);
  expect(draw.pairs).toContainEqual({ giver: 'P1', recipient: expect.not.stringMatching(/^P2$/) });

  // The history opened with the payload key, as the operator's Web UI shows it: the rows are there, no pair is.
  const { events = [] } = await runner.temporal.client.workflow.getHandle(fromBucket).fetchHistory();
  const opened = await new EncryptionCodec(runner.config.encryption!).decode(payloadsIn(events));
  const payloads = opened.map((payload) => Buffer.from(payload.data!).toString('utf8'));
  const text = payloads.join('\n');
  expect(text).toContain('p0@example.com');
  expect(text).not.toMatch(/recipient/i);
  for (const { giver, recipient } of draw.pairs) {
    expect(payloads.filter((p) => p.includes(`"${giver}","${recipient}"`) || p.includes(`"${giver}":"${recipient}"`))).toEqual([]);
  }
});
