/**
 * POST /webhooks/github end to end: a signed `workflow_run` "completed" delivery starts the chargebacks machine
 * (examples/state-machines/chargebacks.asl.json, stored through the API), which fetches the run's jobs from the local
 * GitHub stand-in, adds the repository's totals up in DynamoDB (dynalite) and publishes the outcome to SNS (fauxqs).
 * A redelivery starts nothing new; a bad signature is refused before anything is read; other events are ignored.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../api/app';
import { until } from '../../testkit/until';
import { testConfig } from '../support/config';
import { startTestStack, type TestStack } from '../support/stack';
import { type AwsClients, awsClients, createTable, receive, topicWithQueue, unique } from './aws';
import { answerGithub, GITHUB_CONNECTIONS, JOBS_COST, JOBS_MINUTES } from './github';
import { type Stand, startHttpApi, startStandIns } from './servers';

const SECRET = 'webhook-secret';
const TOKEN = 'webhook-organiser-token';
const CHARGEBACKS = JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines/chargebacks.asl.json'), 'utf8'));

let stand: Stand;
let github: Awaited<ReturnType<typeof startHttpApi>>;
let stack: TestStack;
let aws: AwsClients;
let table: string;
let queue: string;
const saved = { ...process.env };

beforeAll(async () => {
  stand = await startStandIns();
  github = await startHttpApi((path, headers) => answerGithub(path, headers) ?? [404, { message: 'Not Found' }]);
  // The state-machines worker's: the SDK's endpoints, and the credentials of the machine's GitHub connection.
  Object.assign(process.env, stand.env, { STATES_HTTP_CONNECTIONS: JSON.stringify(GITHUB_CONNECTIONS) });
  aws = awsClients(stand);
  table = unique('chargebacks');
  await createTable(aws, table, 'repo');
  const topic = await topicWithQueue(aws, unique('chargebacks'));
  queue = topic.QueueUrl;
  stack = await startTestStack('webhook', {
    env: {
      API_TOKEN: TOKEN,
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: github.url,
      CHARGEBACKS_TABLE: table,
      CHARGEBACKS_TOPIC_ARN: topic.TopicArn,
    },
  });
  const put = await stack.app.inject({
    method: 'PUT',
    url: '/state-machines/chargebacks',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: CHARGEBACKS,
  });
  expect(put.statusCode).toBe(200);
}, 120_000);

afterAll(async () => {
  aws?.destroy();
  await stack?.close();
  await github?.close();
  await stand?.close();
  process.env = saved;
});

const payload = (id: number, action = 'completed') =>
  JSON.stringify({
    action,
    workflow_run: { id, name: 'CI', conclusion: 'success', repository: { full_name: 'santa/app' } },
    repository: { full_name: 'santa/app' },
    sender: { login: 'octocat' },
  });
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A delivery as GitHub sends it: no bearer token, its signature over the exact body. */
function deliver(body: string, { event = 'workflow_run', delivery = unique('d'), signature = sign(body), type = 'application/json' } = {}) {
  return stack.app.inject({
    method: 'POST',
    url: '/webhooks/github',
    headers: {
      'content-type': type,
      'x-github-event': event,
      'x-github-delivery': delivery,
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    payload: body,
  });
}

const execution = (id: string) =>
  stack.app.inject({ method: 'GET', url: `/executions/${id}`, headers: { authorization: `Bearer ${TOKEN}` } });
const finished = (id: string) =>
  until(`execution ${id} to finish`, async () => {
    const view = (await execution(id)).json();
    return view.status === 'RUNNING' ? undefined : view;
  });

it('a signed completed run starts the machine once per delivery: totals in DynamoDB, the outcome on SNS', async () => {
  const first = await deliver(payload(41), { delivery: 'delivery-41' });
  expect(first.statusCode).toBe(202);
  expect(first.json()).toMatchObject({ status: 'RUNNING', id: 'chargebacks-github-delivery-41', duplicate: false });
  // GitHub's redelivery of the same delivery: the same execution, nothing new started.
  const again = await deliver(payload(41), { delivery: 'delivery-41' });
  expect(again.json()).toMatchObject({ status: 'RUNNING', id: 'chargebacks-github-delivery-41', duplicate: true });
  // The webhook's other content type: a form whose payload field is the JSON, signed as sent.
  const form = `payload=${encodeURIComponent(payload(42))}`;
  const second = await deliver(form, { delivery: 'delivery-42', type: 'application/x-www-form-urlencoded' });
  expect(second.statusCode).toBe(202);

  for (const [id, run] of [
    [first.json().id, 41],
    [second.json().id, 42],
  ]) {
    expect(await finished(id)).toMatchObject({
      status: 'SUCCEEDED',
      output: { repo: 'santa/app', run, billableMinutes: JOBS_MINUTES, cost: JOBS_COST },
    });
  }
  // Two runs, not three: the redelivery added nothing.
  const row = await aws.db.send(new GetItemCommand({ TableName: table, Key: { repo: { S: 'santa/app' } } }));
  expect(row.Item).toEqual({
    repo: { S: 'santa/app' },
    runs: { N: '2' },
    billableMinutes: { N: String(2 * JOBS_MINUTES) },
    cost: { N: String(2 * JOBS_COST) },
  });
  const messages = (await receive(aws, queue, 2)).map((body) => JSON.parse(body));
  expect(messages.map((m) => [m.run, m.result, m.repo]).sort()).toEqual([
    [41, 'SUCCEEDED', 'santa/app'],
    [42, 'SUCCEEDED', 'santa/app'],
  ]);
});

it('a missing, malformed or wrong signature is refused 401, and nothing starts', async () => {
  const body = payload(43);
  const refusals = [
    await deliver(body, { delivery: 'bad-1', signature: sign(body, 'another secret') }),
    await deliver(body, { delivery: 'bad-2', signature: sign(payload(44)) }),
    await deliver(body, { delivery: 'bad-3', signature: '' }),
    await deliver(body, { delivery: 'bad-4', signature: 'sha1=0123' }),
  ];
  expect(refusals.map((r) => [r.statusCode, r.json().error])).toEqual(Array(4).fill([401, 'Unauthorized']));
  expect(refusals[0].json().message).toContain('does not match');
  for (const delivery of ['bad-1', 'bad-2', 'bad-3', 'bad-4']) {
    expect((await execution(`chargebacks-github-${delivery}`)).statusCode).toBe(404);
  }
});

it('other events and actions are answered 202 IGNORED with the reason; a broken run is a 400 naming the field', async () => {
  const ping = await deliver(JSON.stringify({ zen: 'Keep it logically awesome.' }), { event: 'ping' });
  expect([ping.statusCode, ping.json()]).toEqual([
    202,
    { status: 'IGNORED', reason: expect.stringContaining('the ping event starts nothing') },
  ]);
  const requested = await deliver(payload(45, 'requested'));
  expect(requested.json()).toEqual({ status: 'IGNORED', reason: expect.stringContaining('"requested" starts nothing') });
  const broken = await deliver(JSON.stringify({ action: 'completed', workflow_run: { id: 'x' } }));
  expect([broken.statusCode, broken.json()]).toEqual([400, { error: 'BadRequest', message: 'workflow_run.id must be a positive integer' }]);
  const notJson = await deliver('{"action":');
  expect([notJson.statusCode, notJson.json().message]).toEqual([400, 'the body is not JSON']);
});

it('with no webhook secret the route is an organiser route: the bearer token, not a signature, lets a delivery in', async () => {
  const app = await buildApp({ config: testConfig({ API_TOKEN: TOKEN }), client: stack.temporal.client, logger: false });
  try {
    const headers = { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'p' };
    const anonymous = await app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: '{}' });
    expect(anonymous.statusCode).toBe(401);
    const organiser = await app.inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: { ...headers, authorization: `Bearer ${TOKEN}` },
      payload: '{}',
    });
    expect([organiser.statusCode, organiser.json().status]).toEqual([202, 'IGNORED']);
  } finally {
    await app.close();
  }
});
