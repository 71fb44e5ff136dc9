/**
 * Onboarding as the seed draws it (examples/state-machines/onboarding-dynamodb.asl.json): each member's row through
 * the DynamoDB integration (dynalite), the notice through SNS (fauxqs), both through the real AWS SDK.
 */
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from 'states-language-temporal';
import { TemporalRunner } from '../asl/support/temporal-runner';
import { type AwsClients, awsClients, createTable, receive, topicWithQueue, unique } from './aws';
import { type Stand, startStandIns } from './servers';

const ONBOARDING = JSON.parse(
  readFileSync(join(__dirname, '../../examples/state-machines/onboarding-dynamodb.asl.json'), 'utf8'),
) as Definition;

let stand: Stand;
let runner: TemporalRunner;
let aws: AwsClients;
const saved = { ...process.env };

beforeAll(async () => {
  stand = await startStandIns();
  Object.assign(process.env, stand.env);
  aws = awsClients(stand);
  runner = await TemporalRunner.start();
}, 120_000);

afterAll(async () => {
  aws?.destroy();
  await runner?.close();
  await stand?.close();
  process.env = saved;
});

const members = [
  { email: 'Ada@example.com', name: 'Ada', team: 'engines' },
  { email: 'grace@example.com', name: 'Grace', team: 'compilers' },
  { email: 'alan@example.com', name: 'Alan', team: 'codes' },
];

it('each member gets a row, one already there is kept as it was, and the notice is published', async () => {
  const table = unique('members');
  await createTable(aws, table, 'email');
  const { TopicArn, QueueUrl } = await topicWithQueue(aws, unique('onboarding'));
  // Alan is a member already: his row stays as it was.
  const alan = { email: { S: 'alan@example.com' }, name: { S: 'Alan' }, team: { S: 'ciphers' }, joined: { S: '2025-01-01' } };
  await aws.db.send(new PutItemCommand({ TableName: table, Item: alan }));

  const outcome = await runner.run(ONBOARDING, { members, table, topicArn: TopicArn });
  expect(outcome).toEqual({ status: 'SUCCEEDED', output: { onboarded: 2, alreadyMembers: 1 } });

  const ada = await aws.db.send(new GetItemCommand({ TableName: table, Key: { email: { S: 'ada@example.com' } } }));
  expect(ada.Item).toEqual({
    email: { S: 'ada@example.com' },
    name: { S: 'Ada' },
    team: { S: 'engines' },
    joined: { S: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
  });
  const rows = await aws.db.send(new ScanCommand({ TableName: table }));
  expect(rows.Items?.map((item) => [item.email.S, item.team.S]).sort()).toEqual([
    ['ada@example.com', 'engines'],
    ['alan@example.com', 'ciphers'],
    ['grace@example.com', 'compilers'],
  ]);
  expect((await receive(aws, QueueUrl, 1)).map((body) => JSON.parse(body))).toEqual([
    { outcome: 'succeeded', onboarded: 2, alreadyMembers: 1, message: '2 members onboarded' },
  ]);
});

it('a failure (no such table) is published as the notice, and the execution fails with it', async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue(aws, unique('onboarding'));
  const outcome = await runner.run(ONBOARDING, { members, table: unique('missing'), topicArn: TopicArn });
  expect(outcome).toMatchObject({ status: 'FAILED', error: 'DynamoDB.ResourceNotFoundException' });
  const [notice] = (await receive(aws, QueueUrl, 1)).map((body) => JSON.parse(body));
  expect(notice).toMatchObject({ outcome: 'failed', error: 'DynamoDB.ResourceNotFoundException', cause: expect.any(String) });
});
