/**
 * `npm start` (scripts/start.ts) keeps all its local state under SANTA_DATA_DIR: the dev server's database, the keys
 * it makes, the draws and the outbox. Two stacks on the same ports with different folders share nothing: the second
 * knows nothing of the first's run and has keys of its own; the first, started again on its folder, finds its run,
 * and the DynamoDB table a state machine wrote through the stand-in start.ts runs (dynalite, kept under the folder).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTemporalPort } from '../../scripts/selfhost/ports';
import { until } from '../../testkit/until';
import { uniqueTaskQueue } from '../support/temporal';

const root = join(__dirname, '../..');
const example = readFileSync(join(root, 'examples/participants.csv'), 'utf8');
const KEY_FILES = ['encryption-key', 'codec-token', 'draw-key'];

let ports: { temporal: number; ui: number; api: number; dynalite: number; fauxqs: number };
const running = new Set<ChildProcess>();

beforeAll(async () => {
  // Kept for three stacks over minutes: below the kernel's ephemeral ports, which outgoing connections take meanwhile.
  ports = {
    temporal: await freeTemporalPort(),
    ui: await freeTemporalPort(),
    api: await freeTemporalPort(),
    dynalite: await freeTemporalPort(),
    fauxqs: await freeTemporalPort(),
  };
});

afterAll(() => {
  for (const stack of running) stack.kill('SIGKILL');
});

interface Stack {
  api: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/** scripts/start.ts on the test's ports with `dataDir`, nothing else of its state given: it makes its own keys. */
async function startStack(dataDir: string): Promise<Stack> {
  let output = '';
  // As scripts/start.sh runs it: node with tsx's loader, so SIGTERM reaches start.ts itself (the tsx command's relay
  // kills a child too busy to acknowledge it within 30 ms, exit 143).
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SANTA_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_UI_URL: `http://127.0.0.1:${ports.ui}`,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('start'),
      HOST: '127.0.0.1',
      PORT: String(ports.api),
      // Everything local: no bucket, no providers (messages go to the outbox), no keys but the ones start.ts makes.
      S3_BUCKET: '',
      SANTA_OUTBOX_DIR: '',
      MAILGUN_API_KEY: '',
      TWILIO_ACCOUNT_SID: '',
      API_TOKEN: '',
      SANTA_ENCRYPTION_KEY: '',
      CODEC_TOKEN: '',
      SANTA_DRAW_KEY: '',
      // The state machines' stand-ins, which start.ts runs when no endpoint is given.
      SANTA_DYNALITE_PORT: String(ports.dynalite),
      SANTA_FAUXQS_PORT: String(ports.fauxqs),
      AWS_ENDPOINT_URL: '',
      AWS_ENDPOINT_URL_DYNAMODB: '',
      AWS_ENDPOINT_URL_SNS: '',
      AWS_ENDPOINT_URL_SQS: '',
    },
  });
  running.add(child);
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await until(
    'npm start to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`start.ts exited with ${child.exitCode}:\n${output}`);
      return output.includes('start: ready') ? true : undefined;
    },
    120_000,
  );
  return {
    api: `http://127.0.0.1:${ports.api}`,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      running.delete(child);
      return code;
    },
  };
}

/** Stores `definition` through the API, runs it with `input`, and answers how it ended. */
async function runMachine(api: string, name: string, definition: object, input: object) {
  const json = { 'content-type': 'application/json' };
  expect((await fetch(`${api}/state-machines/${name}`, { method: 'PUT', headers: json, body: JSON.stringify(definition) })).status).toBe(
    200,
  );
  const started = await fetch(`${api}/state-machines/${name}/executions`, { method: 'POST', headers: json, body: JSON.stringify(input) });
  const { id } = (await started.json()) as { id: string };
  return until(
    `execution ${id} to end`,
    async () => {
      const view = (await (await fetch(`${api}/executions/${id}`)).json()) as { status: string };
      return view.status === 'RUNNING' ? undefined : view;
    },
    60_000,
  );
}

/** A DynamoDB Task (the stand-in npm start runs): the item `k` of the table, after putting `put` there if given. */
const dynamoMachine = (put: boolean) => ({
  StartAt: put ? 'Put' : 'Get',
  States: {
    ...(put
      ? {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: 'notes', Item: { k: { S: 'k' }, 'text.$': '$.text' } },
            ResultPath: null,
            Next: 'Get',
          },
        }
      : {}),
    Get: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'notes', Key: { k: { S: 'k' } } },
      OutputPath: '$.Item.text',
      End: true,
    },
  },
});

const keysIn = (dataDir: string) => KEY_FILES.map((file) => readFileSync(join(dataDir, file), 'utf8'));

it('keeps the database, keys, draws and outbox under SANTA_DATA_DIR; another folder is another stack', async () => {
  const [first, second] = [mkdtempSync(join(tmpdir(), 'santa-start-a-')), mkdtempSync(join(tmpdir(), 'santa-start-b-'))];

  let stack = await startStack(first);
  const posted = await fetch(`${stack.api}/allocations`, { method: 'POST', body: example, headers: { 'content-type': 'text/csv' } });
  expect(posted.status).toBe(202);
  const { id } = (await posted.json()) as { id: string };
  const done = await until(
    'the run to finish',
    async () => {
      const view = (await (await fetch(`${stack.api}/allocations/${id}`)).json()) as { status: string };
      return view.status === 'RUNNING' ? undefined : view;
    },
    60_000,
  );
  expect(done).toMatchObject({ status: 'COMPLETED', email: { sent: 6 }, sms: { sent: 6 } });
  // A state machine's DynamoDB Tasks reach the stand-in npm start runs (its table made as an operator would).
  const dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${ports.dynalite}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'notes',
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  dynamo.destroy();
  expect(await runMachine(stack.api, 'notes', dynamoMachine(true), { text: { S: 'kept' } })).toMatchObject({
    status: 'SUCCEEDED',
    output: { S: 'kept' },
  });
  expect(await stack.stop()).toBe(0);
  for (const file of ['temporal.db', ...KEY_FILES, `allocations/${id}.json`, 'dynamodb']) expect(existsSync(join(first, file))).toBe(true);
  expect(readdirSync(join(first, 'outbox', id)).sort()).toEqual(['email', 'sms']);

  // Same ports, another folder: a new database (the first run is unknown there) and keys of its own.
  stack = await startStack(second);
  expect((await fetch(`${stack.api}/allocations/${id}`)).status).toBe(404);
  expect(await stack.stop()).toBe(0);
  expect(existsSync(join(second, 'temporal.db'))).toBe(true);
  const [firstKeys, secondKeys] = [keysIn(first), keysIn(second)];
  for (const [i, file] of KEY_FILES.entries()) expect({ file, key: secondKeys[i] }).not.toEqual({ file, key: firstKeys[i] });

  // The first folder again: its run is still there, readable with the keys it kept.
  stack = await startStack(first);
  expect(await (await fetch(`${stack.api}/allocations/${id}`)).json()).toMatchObject({ id, status: 'COMPLETED', participants: 6 });
  expect(keysIn(first)).toEqual(firstKeys);
  // And its DynamoDB table, kept by dynalite under the folder.
  expect(await runMachine(stack.api, 'notes', dynamoMachine(false), {})).toMatchObject({ status: 'SUCCEEDED', output: { S: 'kept' } });
  expect(await stack.stop()).toBe(0);
}, 360_000);
