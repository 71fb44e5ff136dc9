/**
 * A hostile organiser: holding only the organiser's token (API_TOKEN), they try every way the service once let them
 * learn who gives to whom. Each test is one way in; none may find a pair.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Payload } from '@temporalio/common';
import { createObjectStore } from '../../storage/object-store';
import { allocationKey, runKeys } from '../../storage/run-data';
import { loadAllocation } from '../../activities/store-allocations';
import { EncryptionCodec } from '../../lib/codec/encryption-codec';
import type { Pair } from '../../lib/types';
import { payloadsIn } from '../../testkit/history';
import { until } from '../../testkit/until';
import { startTestStack, type TestStack } from '../support/stack';

const ORGANISER_TOKEN = 'organiser-token-0123456789';
const OPERATOR_TOKEN = 'operator-token-9876543210abcdef';
const organiser = { authorization: `Bearer ${ORGANISER_TOKEN}` };
const SEED = 3141592653;

const names = ['Aardvark', 'Bonobo', 'Caracal', 'Dugong', 'Echidna', 'Fossa', 'Gharial', 'Hoatzin', 'Ibex', 'Jerboa', 'Kinkajou', 'Loris'];
const contacts = names.map((name, i) => ({
  name,
  email: `${name.toLowerCase()}@example.com`,
  phone: `+4477009122${String(i).padStart(2, '0')}`,
}));
/** The file, with `exclusions` per name (the organiser writes these). */
const csv = (exclusions: Record<string, string[]> = {}) =>
  contacts.map(({ name, email, phone }) => `${name},${email},${phone},${(exclusions[name] ?? []).join(';')}`).join('\n');

let stack: TestStack;

const post = (query: string, body = csv()) =>
  stack.app.inject({ method: 'POST', url: `/allocations${query}`, payload: body, headers: { 'content-type': 'text/csv', ...organiser } });
const view = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/allocations/${id}`, headers: organiser })).json();
const finished = (id: string) =>
  until(
    `run ${id} to finish`,
    async () => {
      const answer = await view(id);
      return answer.status === 'RUNNING' ? undefined : answer;
    },
    60_000,
  );
async function completedRun(query: string): Promise<string> {
  const started = await post(query);
  expect(started.statusCode).toBe(202);
  const { id } = started.json();
  expect(await finished(id)).toMatchObject({ status: 'COMPLETED' });
  return id;
}
/** Who gives to whom, as only the worker's key opens it: the truth the organiser must not reach. */
const drawOf = async (id: string): Promise<Pair[]> => (await loadAllocation(stack.config, allocationKey(id))).pairs;

/** Every payload of a workflow's history, decoded with the payload key as the Web UI's codec would. */
async function decodedHistory(workflowId: string): Promise<unknown[]> {
  const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
  });
  const decoded = await new EncryptionCodec(stack.config.encryption!).decode(payloadsIn(history));
  return decoded.map((payload: Payload) => {
    const text = Buffer.from(payload.data ?? new Uint8Array()).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
}

/** Provider message ids, and the times in local activities' markers. */
const VOLATILE = new Set(['id', 'complete_time', 'original_schedule_time']);

/** A history's payloads with what differs between any two runs (their ids, provider message ids, times) set aside. */
function normalised(payloads: unknown[], runId: string): string[] {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !VOLATILE.has(key))
          .map(([key, v]) => [key, strip(v)]),
      );
    }
    return typeof value === 'string' ? value.split(runId).join('RUN') : value;
  };
  return payloads.map((payload) => JSON.stringify(strip(payload))).sort();
}

beforeAll(async () => {
  stack = await startTestStack('hostile-organiser', { env: { API_TOKEN: ORGANISER_TOKEN, CODEC_TOKEN: OPERATOR_TOKEN } });
});

afterAll(async () => {
  await stack?.close();
});

describe('a hostile organiser, holding only the API token', () => {
  let first: string;
  beforeAll(async () => {
    first = await completedRun(`?seed=${SEED}`);
  }, 90_000);

  it('1. cannot decode payloads through /codec: it takes the operator token only', async () => {
    const history = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: first },
    });
    const [payload] = payloadsIn(history);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    };
    for (const headers of [organiser, {}]) {
      const answer = await stack.app.inject({ method: 'POST', url: '/codec/decode', payload: body, headers });
      expect(answer.statusCode).toBe(401);
    }
  });

  it('1. decoded as the Web UI shows it, the run holds nothing of the draw: two different draws leave the same history', async () => {
    const second = await completedRun(`?seed=${SEED - 1}`);
    const [drawA, drawB] = [await drawOf(first), await drawOf(second)];
    expect(drawA).not.toEqual(drawB); // 12 people: two random draws agree once in ~10^8
    const [a, b] = [await decodedHistory(first), await decodedHistory(second)];
    expect(a.length).toBeGreaterThan(20);
    // Everyone and every contact is still there for the operator to see...
    const shown = JSON.stringify(a);
    for (const { name, email } of contacts) {
      expect(shown).toContain(name);
      expect(shown).toContain(email);
    }
    // ...and nothing of who gives to whom: not a message, not a recipient, and nothing that differs with the draw.
    expect(shown).not.toMatch(/Secret Santa for|"recipient"|"seed"/);
    expect(normalised(a, first)).toEqual(normalised(b, second));
  }, 90_000);

  it('2. cannot recompute the draw offline from the seed it gave, though the same seed repeats it on this server', async () => {
    const again = await completedRun(`?seed=${SEED}`);
    expect(await drawOf(again)).toEqual(await drawOf(first));
    const file = join(tmpdir(), `hostile-${process.pid}.csv`);
    writeFileSync(file, csv());
    const cli = spawnSync(process.execPath, [join(__dirname, '../../bin/santa.js'), 'allocate', file, '--seed', String(SEED), '--json'], {
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    const offline = (JSON.parse(cli.stdout) as { pairs: Pair[] }).pairs;
    expect(offline).not.toEqual(await drawOf(first));
  }, 90_000);

  it("3. cannot bind a definition to the pipeline's own activities", async () => {
    for (const [resource, parameters] of [
      ['loadBatch', undefined],
      ['arn:aws:lambda:us-east-1:123456789012:function:findNotification', undefined],
      ['arn:aws:states:::lambda:invoke', { FunctionName: 'revealDraw', Payload: { runId: 'x', linkId: 'y' } }],
    ] as const) {
      const definition = {
        StartAt: 'Steal',
        States: { Steal: { Type: 'Task', Resource: resource, ...(parameters ? { Parameters: parameters } : {}), End: true } },
      };
      const answer = await stack.app.inject({ method: 'PUT', url: '/state-machines/steal', payload: definition, headers: organiser });
      expect({ resource, status: answer.statusCode }).toEqual({ resource, status: 400 });
      expect(answer.json().details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^\$\.States\.Steal\./) })]),
      );
    }
  });

  it('4. finds only ciphertext where the draw is stored', async () => {
    const store = createObjectStore(stack.config.storage);
    try {
      for (const key of [allocationKey(first), runKeys.draw(first, 0)]) {
        const body = (await store.get(key))!;
        expect(JSON.parse(body)).toMatchObject({ sealed: 'santa-sealed/aes-256-gcm' });
        for (const name of names) expect({ key, name, found: body.includes(name) }).toEqual({ key, name, found: false });
      }
    } finally {
      store.close();
    }
  });

  it("5. reads no seed and no pair in the run's query answers (the Web UI's Queries tab)", async () => {
    const handle = stack.temporal.client.workflow.getHandle(first);
    for (const query of ['status', 'progress']) {
      const answer = JSON.stringify(await handle.query(query));
      expect(answer).not.toMatch(/seed|recipient|Secret Santa for/);
      expect(answer).not.toContain(String(SEED));
    }
  });

  it('6. learns nothing from avoidPrevious: a pair that was drawn and one that was not answer alike', async () => {
    const [pair] = await drawOf(first);
    const other = names.find((name) => name !== pair.giver && name !== pair.recipient)!;
    const outcomes = [];
    for (const candidate of [pair.recipient, other]) {
      // The giver may give only to the candidate: if that pair was drawn last time, it cannot be avoided.
      const forced = csv({ [pair.giver]: names.filter((name) => name !== pair.giver && name !== candidate) });
      const started = await post(`?dryRun=true&avoidPrevious=${first}`, forced);
      const { id, ...answer } = started.json();
      outcomes.push({ status: started.statusCode, answer: { ...answer, links: undefined } });
      if (started.statusCode === 202) {
        const { id: _id, ...result } = await finished(id);
        outcomes.push(result);
      }
    }
    expect(outcomes[0]).toEqual({ status: 202, answer: { status: 'RUNNING', links: undefined } });
    expect(outcomes.slice(0, 2)).toEqual(outcomes.slice(2, 4));
  }, 90_000);
});

describe('a hostile organiser and an exchange: no pair, no wishlist author, no question sender', () => {
  const WISH = 'A hand-bound notebook, unlined';
  const QUESTION = 'Which colour do you wear most?';
  const ANSWER = 'Forest green, always';
  let id: string;
  let santaOfBonobo: string;

  beforeAll(async () => {
    const query = new URLSearchParams({
      title: 'Zoo party',
      drawAt: 'now',
      giftDay: new Date(Date.now() + 86_400_000).toISOString(),
      singleCycle: 'true',
    });
    const started = await stack.app.inject({
      method: 'POST',
      url: `/exchanges?${query}`,
      payload: csv(),
      headers: { 'content-type': 'text/csv', ...organiser },
    });
    expect(started.statusCode).toBe(202);
    id = started.json().id;
    const linkOf = (name: string) =>
      until(`${name}'s invitation`, async () => {
        const invitation = stack.providers.mailgun.messages.find(
          (m) => m.to === `${name.toLowerCase()}@example.com` && m.text.includes(`/p/${id}/`),
        );
        return invitation && new URL(/http\S+\/p\/\S+/.exec(invitation.text)![0]).pathname;
      });
    await until(
      'the draw',
      async () =>
        (await stack.app.inject({ method: 'GET', url: `/exchanges/${id}`, headers: organiser })).json().stage === 'drawn'
          ? true
          : undefined,
      60_000,
    );
    santaOfBonobo = (await drawOf(id)).find((p) => p.recipient === 'Bonobo')!.giver;
    const form = (path: string, text: string) =>
      stack.app.inject({
        method: 'POST',
        url: path,
        payload: new URLSearchParams({ text }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await form(`${await linkOf('Aardvark')}/wishlist`, WISH)).statusCode).toBe(303);
    expect((await form(`${await linkOf(santaOfBonobo)}/ask`, QUESTION)).statusCode).toBe(303);
    expect((await form(`${await linkOf('Bonobo')}/answer`, ANSWER)).statusCode).toBe(303);
    expect((await stack.app.inject({ method: 'GET', url: await linkOf('Bonobo') })).statusCode).toBe(200);
    await until('the answer to reach the Santa', async () =>
      stack.providers.mailgun.messages.find((m) => m.to === `${santaOfBonobo.toLowerCase()}@example.com` && m.text.includes(ANSWER)),
    );
  }, 120_000);

  it("reads counts only from the organiser's routes: no name, no text", async () => {
    const answer = await stack.app.inject({ method: 'GET', url: `/exchanges/${id}`, headers: organiser });
    expect(answer.json().counts).toMatchObject({ invited: 12, wishlists: 1, questions: 1, answers: 1 });
    for (const secret of [...names, WISH, QUESTION, ANSWER])
      expect({ secret, found: answer.body.includes(secret) }).toEqual({ secret, found: false });
  });

  it('finds, decoded as the Web UI shows it, no text, no message, and no link id beside a name', async () => {
    const pages = await until('the page views to be listed', async () => {
      const found: string[] = [];
      const query = `WorkflowType = "exchangePage" AND TaskQueue = "${stack.config.temporal.taskQueue}"`;
      for await (const run of stack.temporal.client.workflow.list({ query })) found.push(run.workflowId);
      return found.length > 0 ? found : undefined;
    });
    const ids = [id, ...pages];
    let withLinkIds = 0;
    for (const workflowId of ids) {
      const payloads = await decodedHistory(workflowId);
      const shown = JSON.stringify(payloads);
      for (const secret of [WISH, QUESTION, ANSWER, 'Secret Santa for', 'Secret Santa asks', '"recipient"']) {
        expect({ workflowId, secret, found: shown.includes(secret) }).toEqual({ workflowId, secret, found: false });
      }
      // Who acted is a link id (a hash); no payload puts one beside a name, so none says whose it is.
      for (const payload of payloads) {
        const text = JSON.stringify(payload);
        if (!/"linkId"/.test(text)) continue;
        withLinkIds++;
        for (const name of names)
          expect({ workflowId, name, beside: text.includes(`"${name}"`) }).toEqual({ workflowId, name, beside: false });
      }
    }
    expect(withLinkIds).toBeGreaterThanOrEqual(4); // three page actions and a page view
  });

  it('finds only ciphertext, under names that are hashes, where the exchange keeps its content', async () => {
    const s3 = new S3Client({ endpoint: stack.config.storage.endpoint, forcePathStyle: true, region: stack.config.storage.region });
    const store = createObjectStore(stack.config.storage);
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: stack.config.storage.bucket, Prefix: `exchanges/${id}/` }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      expect(keys.filter((k) => /wishlists|threads/.test(k))).toHaveLength(2);
      for (const key of [...keys, allocationKey(id)]) {
        for (const name of names) expect({ key, name, inKey: key.includes(name) }).toEqual({ key, name, inKey: false });
        if (key.endsWith('settings.json')) continue; // the organiser's own title and dates
        const body = (await store.get(key))!;
        expect({ key, sealed: JSON.parse(body).sealed }).toEqual({ key, sealed: 'santa-sealed/aes-256-gcm' });
        for (const secret of [...names, WISH, QUESTION, ANSWER])
          expect({ key, secret, found: body.includes(secret) }).toEqual({ key, secret, found: false });
      }
    } finally {
      s3.destroy();
      store.close();
    }
  });
});
