/**
 * Step Functions' service integrations (states-language-temporal/integrations) run by the stateMachine workflow on the
 * suite's Temporal server, each through the real AWS SDK client against a real server: MinIO (S3), dynalite
 * (DynamoDB), fauxqs (SNS, SQS), a local HTTP API. Endpoints reach the SDK only as AWS_ENDPOINT_URL_<SERVICE>.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from 'states-language-temporal';
import { createIntegrations } from 'states-language-temporal/integrations';
import { TemporalRunner } from '../asl/support/temporal-runner';
import { answerGithub, GITHUB_CONNECTIONS, JOBS_COST, JOBS_MINUTES } from './github';
import { type Stand, startHttpApi, startStandIns } from './servers';

let stand: Stand;
let runner: TemporalRunner;
let api: Awaited<ReturnType<typeof startHttpApi>>;
const saved = { ...process.env };
let flaky = 0; // how many more times /flaky answers 503
beforeAll(async () => {
  stand = await startStandIns();
  api = await startHttpApi((path, headers) => {
    if (path.startsWith('/flaky')) return flaky-- > 0 ? [503, { message: 'try again' }] : [200, { ok: true }];
    if (path.startsWith('/missing')) return [404, { message: 'Not Found' }];
    return answerGithub(path, headers) ?? [200, { path, authorization: headers.authorization ?? null }];
  });
  // What an operator sets: the SDK's own endpoint variables, and the credentials of one HTTP connection.
  Object.assign(process.env, stand.env, {
    STATES_HTTP_CONNECTIONS: JSON.stringify({
      'arn:aws:events:us-east-1:123456789012:connection/github/x': { BearerToken: 'from-config' },
      ...GITHUB_CONNECTIONS,
    }),
  });
  runner = await TemporalRunner.start();
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await stand?.close();
  await api?.close();
  process.env = saved;
});

const client = <T>(make: (config: object) => T) =>
  make({
    region: 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  });
const task = (Resource: string, Parameters: object, extra: object = {}) => ({ Type: 'Task', Resource, Parameters, ...extra });
const BUCKET = () => process.env.S3_BUCKET!;

it('S3: putObject, getObject (Body as text), listObjectsV2, deleteObject; a missing key is S3.NoSuchKeyException', async () => {
  const key = `integrations/${Date.now()}.json`;
  const definition: Definition = {
    StartAt: 'Put',
    States: {
      Put: {
        ...task('arn:aws:states:::aws-sdk:s3:putObject', { 'Bucket.$': '$.bucket', Key: key, 'Body.$': '$.doc' }),
        ResultPath: null,
        Next: 'Get',
      },
      Get: {
        ...task('arn:aws:states:::aws-sdk:s3:getObject', { 'Bucket.$': '$.bucket', Key: key }),
        ResultSelector: { 'Body.$': 'States.StringToJson($.Body)' },
        ResultPath: '$.got',
        Next: 'List',
      },
      List: {
        ...task('arn:aws:states:::aws-sdk:s3:listObjectsV2', { 'Bucket.$': '$.bucket', Prefix: key }),
        ResultSelector: { 'Keys.$': '$.Contents[*].Key' },
        ResultPath: '$.listed',
        Next: 'Delete',
      },
      Delete: {
        ...task('arn:aws:states:::aws-sdk:s3:deleteObject', { 'Bucket.$': '$.bucket', Key: key }),
        ResultPath: null,
        Next: 'GetAgain',
      },
      GetAgain: {
        ...task('arn:aws:states:::aws-sdk:s3:getObject', { 'Bucket.$': '$.bucket', Key: key }),
        Catch: [{ ErrorEquals: ['S3.NoSuchKeyException'], ResultPath: '$.gone', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    },
  };
  const outcome = await runner.run(definition, { bucket: BUCKET(), doc: { hello: 'world' } });
  expect(outcome).toMatchObject({
    status: 'SUCCEEDED',
    output: { got: { Body: { hello: 'world' } }, listed: { Keys: [key] }, gone: { Error: 'S3.NoSuchKeyException' } },
  });
});

it('DynamoDB: putItem, updateItem (ADD), getItem; a failed condition is DynamoDB.ConditionalCheckFailedException', async () => {
  const TableName = `repos-${Date.now()}`;
  const db = client((c) => new DynamoDBClient({ ...c, endpoint: stand.env.AWS_ENDPOINT_URL_DYNAMODB }));
  await db.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'repo', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'repo', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const key = { repo: { S: 'santa/app' } };
  const definition: Definition = {
    StartAt: 'Put',
    States: {
      Put: {
        ...task('arn:aws:states:::dynamodb:putItem', { TableName, Item: { ...key, runs: { N: '1' } } }),
        ResultPath: null,
        Next: 'Add',
      },
      Add: {
        ...task('arn:aws:states:::dynamodb:updateItem', {
          TableName,
          Key: key,
          UpdateExpression: 'ADD runs :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'UPDATED_NEW',
        }),
        ResultPath: '$.updated',
        Next: 'Get',
      },
      Get: { ...task('arn:aws:states:::dynamodb:getItem', { TableName, Key: key }), ResultPath: '$.got', Next: 'Refuse' },
      Refuse: {
        ...task('arn:aws:states:::dynamodb:putItem', { TableName, Item: key, ConditionExpression: 'attribute_not_exists(repo)' }),
        Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.refused', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    },
  };
  const outcome = await runner.run(definition, {});
  expect(outcome).toMatchObject({
    status: 'SUCCEEDED',
    output: {
      updated: { Attributes: { runs: { N: '2' } } },
      got: { Item: { repo: { S: 'santa/app' }, runs: { N: '2' } } },
      refused: { Error: 'DynamoDB.ConditionalCheckFailedException' },
    },
  });
  const stored = await db.send(new GetItemCommand({ TableName, Key: key }));
  expect(stored.Item?.runs).toEqual({ N: '2' });
  // A table that does not exist: the service's error, named as Step Functions names it.
  const missing = await runner.run(
    { StartAt: 'G', States: { G: { ...task('arn:aws:states:::dynamodb:getItem', { TableName: 'nope', Key: key }), End: true } } },
    {},
  );
  expect(missing).toMatchObject({ status: 'FAILED', error: 'DynamoDB.ResourceNotFoundException' });
  db.destroy();
});

it('SNS publish reaches the queue subscribed to its topic; SQS sendMessage sends JSON as text', async () => {
  const endpoint = stand.env.AWS_ENDPOINT_URL_SQS;
  const sqs = client((c) => new SQSClient({ ...c, endpoint }));
  const sns = client((c) => new SNSClient({ ...c, endpoint }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `q-${Date.now()}` }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `t-${Date.now()}` }));
  const queueArn = `arn:aws:sqs:us-east-1:000000000000:${QueueUrl!.split('/').pop()}`;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const definition: Definition = {
    StartAt: 'Publish',
    States: {
      Publish: { ...task('arn:aws:states:::sns:publish', { TopicArn, 'Message.$': '$.notice' }), ResultPath: '$.published', Next: 'Send' },
      Send: { ...task('arn:aws:states:::sqs:sendMessage', { QueueUrl, 'MessageBody.$': '$.job' }), ResultPath: '$.sent', End: true },
    },
  };
  const outcome = await runner.run(definition, { notice: { result: 'SUCCEEDED' }, job: { id: 7 } });
  expect(outcome).toMatchObject({
    status: 'SUCCEEDED',
    output: { published: { MessageId: expect.any(String) }, sent: { MessageId: expect.any(String) } },
  });
  const bodies: string[] = [];
  for (let i = 0; i < 10 && bodies.length < 2; i++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    bodies.push(...(got.Messages ?? []).map((m) => m.Body ?? ''));
  }
  expect(bodies.sort()).toEqual(['{"id":7}', '{"result":"SUCCEEDED"}']);
  sqs.destroy();
  sns.destroy();
});

it("S3, DynamoDB, SNS, SQS: a failed call is retried as the Task's Retry says, then caught by the service's error name", async () => {
  const TableName = `retries-${Date.now()}`;
  const db = client((c) => new DynamoDBClient({ ...c, endpoint: stand.env.AWS_ENDPOINT_URL_DYNAMODB }));
  await db.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const Item = { id: { S: 'taken' } };
  await db.send(new PutItemCommand({ TableName, Item }));
  db.destroy();
  // Each branch's one Task fails every time: tried 3 times (Retry's MaxAttempts 2), then caught with its error.
  const failing = (Resource: string, Parameters: object) => ({
    StartAt: 'Call',
    States: {
      Call: {
        ...task(Resource, Parameters),
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', OutputPath: '$.caught.Error', End: true },
    },
  });
  const definition: Definition = {
    StartAt: 'All',
    States: {
      All: {
        Type: 'Parallel',
        End: true,
        Branches: [
          failing('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: BUCKET(), Key: `missing/${Date.now()}` }),
          failing('arn:aws:states:::dynamodb:putItem', { TableName, Item, ConditionExpression: 'attribute_not_exists(id)' }),
          failing('arn:aws:states:::sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:000000000000:no-such-topic', Message: 'hi' }),
          failing('arn:aws:states:::sqs:sendMessage', {
            QueueUrl: `${stand.env.AWS_ENDPOINT_URL_SQS}/000000000000/no-such-queue`,
            MessageBody: 'hi',
          }),
        ],
      },
    },
  };
  const id = `asl-retries-${Date.now()}`;
  const outcome = await runner.run(definition, {}, { id });
  expect(outcome.status).toBe('SUCCEEDED');
  const [s3, dynamodb, sns, sqs] = (outcome as { output: string[] }).output;
  expect(s3).toBe('S3.NoSuchKeyException');
  expect(dynamodb).toBe('DynamoDB.ConditionalCheckFailedException');
  expect(sns).toMatch(/^SNS\.\w+/);
  expect(sqs).toMatch(/^SQS\.\w+/);
  // Three attempts of each Task, each an activity of its own on the state-machines worker.
  const { history } = await runner.temporal.client.workflowService.getWorkflowExecutionHistory({
    namespace: runner.config.temporal.namespace,
    execution: { workflowId: id },
  });
  const scheduled = new Map<string, number>();
  for (const event of history?.events ?? []) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) scheduled.set(type, (scheduled.get(type) ?? 0) + 1);
  }
  expect(Object.fromEntries(scheduled)).toEqual({
    'integration:s3:getObject': 3,
    'integration:dynamodb:putItem': 3,
    'integration:sns:publish': 3,
    'integration:sqs:sendMessage': 3,
  });
});

it('HTTP: query parameters, credentials from configuration, Retry on a 503, a 404 as States.Http.StatusCode.404', async () => {
  flaky = 2;
  const before = api.requests.length;
  const definition: Definition = {
    StartAt: 'Jobs',
    States: {
      Jobs: {
        ...task('arn:aws:states:::http:invoke', {
          'ApiEndpoint.$': "States.Format('{}/echo/42', $.api)",
          Method: 'GET',
          QueryParameters: { per_page: 100 },
          Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/github/x' },
        }),
        ResultSelector: { 'Body.$': '$.ResponseBody', 'Status.$': '$.StatusCode' },
        ResultPath: '$.jobs',
        Next: 'Flaky',
      },
      Flaky: {
        ...task('arn:aws:states:::http:invoke', {
          'ApiEndpoint.$': "States.Format('{}/flaky', $.api)",
          Method: 'POST',
          RequestBody: { a: 1 },
        }),
        Retry: [{ ErrorEquals: ['States.Http.StatusCode.503'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
        ResultSelector: { 'Body.$': '$.ResponseBody' },
        ResultPath: '$.flaky',
        Next: 'Missing',
      },
      Missing: {
        ...task('arn:aws:states:::http:invoke', { 'ApiEndpoint.$': "States.Format('{}/missing', $.api)", Method: 'GET' }),
        Catch: [{ ErrorEquals: ['States.Http.StatusCode.404'], ResultPath: '$.missing', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    },
  };
  const outcome = await runner.run(definition, { api: api.url });
  expect(outcome).toMatchObject({
    status: 'SUCCEEDED',
    output: {
      jobs: { Status: 200, Body: { path: '/echo/42?per_page=100', authorization: 'Bearer from-config' } },
      flaky: { Body: { ok: true } },
      missing: { Error: 'States.Http.StatusCode.404' },
    },
  });
  // Three calls to /flaky: two 503s, retried, then the answer.
  expect(
    api.requests
      .slice(before)
      .filter((r) => r.url === '/flaky')
      .map((r) => [r.method, r.body]),
  ).toEqual([
    ['POST', '{"a":1}'],
    ['POST', '{"a":1}'],
    ['POST', '{"a":1}'],
  ]);
});

it('HTTP: Transform URL_ENCODED sends the RequestBody as a form, arrays as ArrayFormat says', async () => {
  const before = api.requests.length;
  const definition: Definition = {
    StartAt: 'Form',
    States: {
      Form: {
        ...task('arn:aws:states:::http:invoke', {
          'ApiEndpoint.$': "States.Format('{}/form', $.api)",
          Method: 'POST',
          Headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          RequestBody: { 'items.$': '$.items', customer: { name: 'Jo & co' } },
          Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } },
        }),
        ResultSelector: { 'Status.$': '$.StatusCode' },
        End: true,
      },
    },
  };
  expect(await runner.run(definition, { api: api.url, items: ['a', 'b'] })).toEqual({ status: 'SUCCEEDED', output: { Status: 200 } });
  const [sent] = api.requests.slice(before);
  expect([sent.headers['content-type'], sent.body]).toEqual([
    'application/x-www-form-urlencoded',
    'items[]=a&items[]=b&customer[name]=Jo%20%26%20co',
  ]);
});

it('HTTP: hosts outside the operator’s list are never connected to, and an unknown connection is refused', async () => {
  const only = createIntegrations({ httpAllowedHosts: ['api.github.com', '10.0.0.0/8'] });
  const invoke = only['integration:http:invoke'] as (input: unknown) => Promise<unknown>;
  const before = api.requests.length;
  await expect(invoke({ ApiEndpoint: `${api.url}/x`, Method: 'GET' })).rejects.toMatchObject({ type: 'States.Http.Socket' });
  await expect(invoke({ ApiEndpoint: `http://localhost:${new URL(api.url).port}/x`, Method: 'GET' })).rejects.toMatchObject({
    type: 'States.Http.Socket',
  });
  expect(api.requests.length).toBe(before);
  const loopback = createIntegrations({ httpAllowedHosts: ['127.0.0.0/8'] })['integration:http:invoke'] as (
    input: unknown,
  ) => Promise<unknown>;
  await expect(loopback({ ApiEndpoint: `${api.url}/x`, Method: 'GET' })).resolves.toMatchObject({ StatusCode: 200 });
  await expect(
    loopback({ ApiEndpoint: `${api.url}/x`, Method: 'GET', Authentication: { ConnectionArn: 'arn:other' } }),
  ).rejects.toMatchObject({
    type: 'States.Runtime',
    message: expect.stringContaining('no connection is configured'),
  });
});

it('Distributed Map: items from a CSV in S3 (MaxItems), in batches, results written as Step Functions’ manifest and results', async () => {
  const s3 = client((c) => new S3Client({ ...c, endpoint: process.env.S3_ENDPOINT, forcePathStyle: true }));
  const key = `integrations/people-${Date.now()}.csv`;
  const rows = Array.from({ length: 50 }, (_, i) => `P${i},"${i % 2 ? 'odd, really' : 'even'}"`);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET(), Key: key, Body: ['name,kind', ...rows].join('\r\n') }));
  const definition: Definition = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 7 },
          Parameters: { 'Bucket.$': '$.bucket', Key: key },
        },
        ItemBatcher: { MaxItemsPerBatch: 3 },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Count',
          States: {
            Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)', 'first.$': '$.Items[0].name' }, End: true },
          },
        },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { 'Bucket.$': '$.bucket', Prefix: 'map-results' } },
        End: true,
      },
    },
  };
  const outcome = await runner.run(definition, { bucket: BUCKET() });
  expect(outcome.status).toBe('SUCCEEDED');
  const output = (outcome as { output: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } } }).output;
  expect(output.ResultWriterDetails).toMatchObject({ Bucket: BUCKET(), Key: expect.stringMatching(/^map-results\/.+\/manifest\.json$/) });
  const read = async (Key: string) =>
    JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET(), Key }))).Body!.transformToString());
  const manifest = await read(output.ResultWriterDetails.Key);
  expect(manifest).toMatchObject({ DestinationBucket: BUCKET(), MapRunArn: output.MapRunArn, ResultFiles: { FAILED: [], PENDING: [] } });
  const results = await read(manifest.ResultFiles.SUCCEEDED[0].Key);
  expect(results.map((r: { Status: string; Output: string }) => [r.Status, JSON.parse(r.Output)])).toEqual([
    ['SUCCEEDED', { n: 3, first: 'P0' }],
    ['SUCCEEDED', { n: 3, first: 'P3' }],
    ['SUCCEEDED', { n: 1, first: 'P6' }],
  ]);
  s3.destroy();
});

it('Chargebacks machine: jobs from the GitHub API, the cost by runner OS, the totals in DynamoDB, the outcome on SNS', async () => {
  const definition = JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines/chargebacks.asl.json'), 'utf8')) as Definition;
  const endpoint = stand.env.AWS_ENDPOINT_URL_SQS;
  const db = client((c) => new DynamoDBClient({ ...c, endpoint: stand.env.AWS_ENDPOINT_URL_DYNAMODB }));
  const sqs = client((c) => new SQSClient({ ...c, endpoint }));
  const sns = client((c) => new SNSClient({ ...c, endpoint }));
  const table = `chargebacks-${Date.now()}`;
  await db.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'repo', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'repo', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `cb-${Date.now()}` }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `cb-${Date.now()}` }));
  const queueArn = `arn:aws:sqs:us-east-1:000000000000:${QueueUrl!.split('/').pop()}`;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  // The webhook's payload (workflow_run, action completed) and the machine's settings.
  const input = (id: number) => ({
    action: 'completed',
    workflow_run: { id, conclusion: 'success', repository: { full_name: 'santa/app' } },
    githubApi: api.url,
    table,
    topicArn: TopicArn,
    rates: { UBUNTU: 0.008, WINDOWS: 0.016, MACOS: 0.08 },
  });
  for (const id of [41, 42]) {
    expect(await runner.run(definition, input(id))).toEqual({
      status: 'SUCCEEDED',
      output: { repo: 'santa/app', run: id, billableMinutes: JOBS_MINUTES, cost: JOBS_COST },
    });
  }
  expect(await runner.run(definition, input(404))).toMatchObject({ status: 'FAILED', error: 'Chargebacks.Failed' });
  const row = await db.send(new GetItemCommand({ TableName: table, Key: { repo: { S: 'santa/app' } } }));
  expect(row.Item).toEqual({ repo: { S: 'santa/app' }, runs: { N: '2' }, billableMinutes: { N: '30' }, cost: { N: '1.712' } });
  const messages: { result: string; run: number; error?: string }[] = [];
  for (let i = 0; i < 10 && messages.length < 3; i++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    messages.push(...(got.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}')));
  }
  expect(messages.map((m) => [m.run, m.result, m.error]).sort()).toEqual([
    [404, 'FAILED', 'States.Http.StatusCode.404'],
    [41, 'SUCCEEDED', undefined],
    [42, 'SUCCEEDED', undefined],
  ]);
  db.destroy();
  sqs.destroy();
  sns.destroy();
});
