/**
 * A whole allocation, POST to COMPLETED, with payload encryption on: no participant's name, email or phone,
 * let alone a pair, may appear in clear in the logs, the API's answers, or the run's history as the server keeps it.
 */
import { Writable } from 'node:stream';
import { DefaultLogger } from '@temporalio/worker';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import { payloadsIn } from '../../testkit/history';
import { startTestStack, type TestStack } from '../support/stack';

const people = [
  ['Quokka Zanzibar', 'quokka.z@example.com', '+447700911101'],
  ['Marmoset Oaxaca', 'marmoset.o@example.com', '+447700911102'],
  ['Pangolin Tbilisi', 'pangolin.t@example.com', '+447700911103'],
  ['Axolotl Reykjavik', 'axolotl.r@example.com', '+447700911104'],
];
const csv = people.map((p) => `${p.join(',')},`).join('\n');
const secrets = people.flat();

const logs: string[] = [];
const capture = new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) });
let stack: TestStack;

/** Every string and byte array of a protobuf object, as text. */
function allText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.values(value).map(allText).join('\n');
  return String(value);
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
  }
  stack = await startTestStack('secrecy', {
    sdkLogger: new DefaultLogger('TRACE', ({ level, message, meta }) => logs.push(`${level} ${message} ${JSON.stringify(meta)}`)),
    apiLogger: { level: 'trace', stream: capture },
  });
  expect(stack.config.encryption).toBeDefined();
});

afterAll(async () => {
  await stack?.close();
  jest.restoreAllMocks();
});

it('keeps every name, contact and pair out of logs, API answers and the stored history', async () => {
  const answers: string[] = [];
  const posted = await stack.app.inject({ method: 'POST', url: '/allocations', payload: csv, headers: { 'content-type': 'text/csv' } });
  answers.push(posted.body);
  expect(posted.statusCode).toBe(202);
  const { id } = posted.json();
  await stack.temporal.client.workflow.getHandle(id).result();
  const view = await stack.app.inject({ method: 'GET', url: `/allocations/${id}` });
  answers.push(view.body);
  expect(view.json()).toMatchObject({ status: 'COMPLETED', email: { sent: 4 }, sms: { sent: 4 } });
  // Everyone was told, so the draw exists in the messages, and only there.
  expect(stack.providers.mailgun.messages.map((m) => m.text).join()).toContain('Secret Santa for');

  const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: id },
  });
  const stored = allText(history);
  expect(stored).toContain('binary/encrypted');
  for (const secret of secrets) {
    expect({ secret, where: 'history', found: stored.includes(secret) }).toEqual({ secret, where: 'history', found: false });
    expect({ secret, where: 'API answers', found: answers.join('\n').includes(secret) }).toEqual({
      secret,
      where: 'API answers',
      found: false,
    });
    expect({ secret, where: 'logs', found: logs.join('\n').includes(secret) }).toEqual({ secret, where: 'logs', found: false });
  }
  expect(logs.length).toBeGreaterThan(0);

  // The search itself works: opened with the key, the history's payloads do show the names.
  const opened = allText(await new EncryptionCodec(stack.config.encryption!).decode(payloadsIn(history)));
  expect(opened).toContain(people[0][0]);
});
