/**
 * `aws stepfunctions …` (the AWS CLI, `--awscli` in scripts/ensure-installed.sh) against the API and a States Language
 * worker on the suite's Temporal dev server: dummy credentials, `--endpoint-url` only.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Arns } from '../../api/sfn/arns';
import { sfnConfig } from '../../api/sfn/config';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';
import { resultsKey } from '../../activities/examples/records';
import { createObjectStore } from '../../storage/object-store';
import { callbackMachine } from '../../testkit/callback-machine';

let stack: TestStack;
let endpoint: string;
const AWS = process.env.AWS_CLI_BIN ?? 'aws';

beforeAll(async () => {
  stack = await startTestStack('sfn-cli');
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await stack?.close();
});

/** Runs `aws stepfunctions <args>` asynchronously (the API it calls lives in this process); JSON out. */
function aws(...args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'dummy',
    AWS_SECRET_ACCESS_KEY: 'dummy',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile(
      AWS,
      ['--endpoint-url', endpoint, '--output', 'json', 'stepfunctions', ...args],
      { env, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, json: stdout.trim() ? JSON.parse(stdout) : undefined, stderr });
      },
    );
  });
}

const definition = JSON.stringify({
  StartAt: 'Add',
  States: { Add: { Type: 'Pass', Parameters: { 'total.$': 'States.MathAdd($.a, $.b)' }, End: true } },
});

it('creates, lists, starts, describes and reads the history of an execution', async () => {
  const name = `cli-${Date.now().toString(36)}`;
  const made = await aws(
    'create-state-machine',
    '--name',
    name,
    '--definition',
    definition,
    '--role-arn',
    'arn:aws:iam::000000000000:role/x',
  );
  expect(made.code).toBe(0);
  const arn: string = made.json.stateMachineArn;
  expect(arn).toMatch(new RegExp(`:stateMachine:${name}$`));

  const listed = await aws('list-state-machines');
  expect(listed.json.stateMachines.map((m: { name: string }) => m.name)).toContain(name);

  const started = await aws('start-execution', '--state-machine-arn', arn, '--name', 'first', '--input', '{"a":2,"b":3}');
  expect(started.code).toBe(0);
  const executionArn: string = started.json.executionArn;
  const done = await until('the execution to end', async () => {
    const described = await aws('describe-execution', '--execution-arn', executionArn);
    return described.json.status === 'RUNNING' ? undefined : described.json;
  });
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output)).toEqual({ total: 5 });

  const history = await aws('get-execution-history', '--execution-arn', executionArn);
  expect(history.json.events.map((e: { type: string }) => e.type)).toEqual([
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'ExecutionSucceeded',
  ]);
  expect(history.json.events[1].stateEnteredEventDetails.name).toBe('Add');
});

// CLI v2 exits 254 on a service error, v1 (Debian's older releases) 255.
it('fails as AWS does: the exception name on stderr, a service error exit', async () => {
  const missing = await aws('describe-state-machine', '--state-machine-arn', new Arns(sfnConfig()).stateMachine('never-made'));
  expect([254, 255]).toContain(missing.code);
  expect(missing.stderr).toContain('StateMachineDoesNotExist');
  const invalid = await aws(
    'create-state-machine',
    '--name',
    'broken',
    '--definition',
    '{"StartAt":"Nowhere","States":{}}',
    '--role-arn',
    'r',
  );
  expect([254, 255]).toContain(invalid.code);
  expect(invalid.stderr).toContain('InvalidDefinition');
});

it('send-task-success answers a callback Task: the waiting execution goes on with its output', async () => {
  const name = `cli-cb-${Date.now().toString(36)}`;
  const waits = JSON.stringify(callbackMachine({ name, resultPath: null }));
  const made = await aws('create-state-machine', '--name', name, '--definition', waits, '--role-arn', 'arn:aws:iam::000000000000:role/x');
  const started = await aws('start-execution', '--state-machine-arn', made.json.stateMachineArn);
  const store = createObjectStore(stack.config.storage);
  try {
    const token = await until('the Lambda to receive the token', async () => {
      const saved = await store.get(resultsKey(name));
      return saved === undefined ? undefined : (JSON.parse(saved).source.token as string);
    });
    const sent = await aws('send-task-success', '--task-token', token, '--task-output', '{"wrapped":"yes"}');
    expect(sent).toMatchObject({ code: 0 });
    const done = await until('the execution to end', async () => {
      const described = await aws('describe-execution', '--execution-arn', started.json.executionArn);
      return described.json.status === 'RUNNING' ? undefined : described.json;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output)).toEqual({ wrapped: 'yes' });
  } finally {
    store.close();
  }
});
