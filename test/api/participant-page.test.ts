/**
 * Each participant sees their own draw, and only theirs: every message carries a personal link to a page that shows
 * whom they give to and can send the message to them again. A forged or altered link shows nothing.
 */
import { Writable } from 'node:stream';
import type { Payload } from '@temporalio/common';
import { allocationKey } from '../../storage/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import { payloadsIn } from '../../testkit/history';
import { until } from '../../testkit/until';
import { startTestStack, type TestStack } from '../support/stack';

const ORGANISER = { authorization: 'Bearer organiser-only-token-42' };
const names = ['Wombat', 'Narwhal', 'Okapi', 'Tapir', 'Quoll'];
const csv = names.map((name, i) => `${name},${name.toLowerCase()}@example.com,+44770091330${i},`).join('\n');
const logs: string[] = [];

let stack: TestStack;
let runId: string;
/** Each giver's link, as their email gave it. */
const links = new Map<string, URL>();

beforeAll(async () => {
  stack = await startTestStack('participant-page', {
    env: { API_TOKEN: 'organiser-only-token-42', SANTA_PUBLIC_URL: 'https://santa.example.org/' },
    apiLogger: { level: 'info', stream: new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }) },
  });
  const started = await stack.app.inject({
    method: 'POST',
    url: '/allocations',
    payload: csv,
    headers: { 'content-type': 'text/csv', ...ORGANISER },
  });
  runId = started.json().id;
  await stack.temporal.client.workflow.getHandle(runId).result();
  for (const message of stack.providers.mailgun.messages) {
    const link = /https:\/\/santa\.example\.org\/p\/\S+/.exec(message.text)?.[0];
    const giver = names.find((name) => message.to === `${name.toLowerCase()}@example.com`)!;
    if (link) links.set(giver, new URL(link));
  }
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const open = (path: string) => stack.app.inject({ method: 'GET', url: path });

it('gives every participant their own link, in the email and the text alike', async () => {
  expect([...links.keys()].sort()).toEqual([...names].sort());
  for (const message of stack.providers.twilio.messages)
    expect(message.body).toMatch(/https:\/\/santa\.example\.org\/p\/santa-[\w-]+\/[\w-]{22}$/);
  expect(new Set([...links.values()].map(String)).size).toBe(names.length);
});

it("shows each participant whom they give to, and no one else's draw, without the organiser's token", async () => {
  const { pairs } = await loadAllocation(stack.config, allocationKey(runId));
  for (const { giver, recipient } of pairs) {
    const page = await open(links.get(giver)!.pathname);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(`Hi ${giver}`);
    expect(page.body).toContain(`<strong id="recipient">${recipient}</strong>`);
    // Nobody else's name: not the other givers, not the other recipients.
    for (const other of names.filter((name) => name !== giver && name !== recipient)) expect(page.body).not.toContain(other);
  }
});

it('shows nothing for a forged or altered link, and says so plainly', async () => {
  const real = links.get(names[0])!.pathname;
  const token = real.split('/').pop()!;
  const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  for (const path of [
    real.replace(token, altered),
    real.replace(token, 'x'.repeat(22)),
    real.replace(token, 'short'),
    real.replace(runId, `santa-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`),
    `/p/${links.get(names[1])!.pathname.split('/')[2]}/${token}x`,
  ]) {
    const page = await open(path);
    expect({ path, status: page.statusCode }).toEqual({ path, status: 404 });
    expect(page.body).toContain('This link is not valid');
    for (const name of names) expect(page.body).not.toContain(name);
  }
});

it('sends a participant their message again from their page, to them only', async () => {
  const giver = names[2];
  const path = links.get(giver)!.pathname;
  const before = stack.providers.twilio.messages.length;
  const sent = await stack.app.inject({
    method: 'POST',
    url: `${path}/resend`,
    payload: 'channel=sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(sent.statusCode).toBe(200);
  expect(sent.body).toContain('on its way again by text message');
  const again = stack.providers.twilio.messages.slice(before);
  expect(again).toHaveLength(1);
  expect(again[0].to).toBe('+447700913302');
  expect(again[0].body).toBe(stack.providers.twilio.messages.find((m) => m.to === '+447700913302')!.body);

  const forged = await stack.app.inject({
    method: 'POST',
    url: `${path.slice(0, -2)}AA/resend`,
    payload: 'channel=sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(forged.statusCode).toBe(404);
  expect(stack.providers.twilio.messages.length).toBe(before + 1);
});

it("keeps the draw out of the page's own traces: the reveal's history holds ciphertext only, the log no link", async () => {
  await open(links.get(names[3])!.pathname);
  const reveals = await until("the page's reveal runs to be listed", async () => {
    const found = [];
    for await (const run of stack.temporal.client.workflow.list({
      query: `WorkflowType = "revealDraw" AND TaskQueue = "${stack.config.temporal.taskQueue}"`,
    }))
      found.push(run.workflowId);
    return found.length >= names.length ? found : undefined;
  });
  let sealedAnswers = 0;
  for (const workflowId of reveals) {
    const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    const decoded = (await new EncryptionCodec(stack.config.encryption!).decode(payloadsIn(history)))
      .map((payload: Payload) => Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'))
      .join('\n');
    if (decoded.includes('"sealed"')) sealedAnswers++;
    for (const name of names) expect({ workflowId, name, found: decoded.includes(name) }).toEqual({ workflowId, name, found: false });
    for (const link of links.values()) expect(decoded).not.toContain(link.pathname.split('/').pop());
  }
  expect(sealedAnswers).toBeGreaterThanOrEqual(names.length);
  const logged = logs.join('\n');
  expect(logged).toContain('/p/');
  for (const link of links.values()) expect(logged).not.toContain(link.pathname.split('/').pop());
});
