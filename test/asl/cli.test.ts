/**
 * `santa asl run` against the running stack's API, as `santa run` does: one plain line out, exit 0 / 1, and 2 for an
 * invalid definition. The stack seals its payloads; the CLI holds no key and needs none. Also `DELETE /executions/:id`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';

const ROOT = join(__dirname, '../..');
const TOKEN = 'asl-cli-organiser-token';
let stack: TestStack;
let api: string;
const dir = mkdtempSync(join(tmpdir(), 'asl-cli-'));

beforeAll(async () => {
  stack = await startTestStack('asl-cli', { env: { API_TOKEN: TOKEN } });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  api = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  expect(stack.config.encryption).toBeDefined();
});

afterAll(async () => {
  await stack?.close();
});

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** Runs the CLI asynchronously: the worker and API serving it live in this process. No payload key in its environment. */
function santa(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = {
    ...process.env,
    SANTA_ENCRYPTION_KEY: undefined,
    SANTA_DRAW_KEY: undefined,
    SANTA_API_URL: api,
    API_TOKEN: TOKEN,
    ...env,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'santa.js'), ...args],
      { cwd: ROOT, env: childEnv, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const sum = {
  StartAt: 'Add',
  States: { Add: { Type: 'Pass', Parameters: { 'total.$': 'States.MathAdd($.a, $.b)' }, ResultPath: '$.sum', End: true } },
};

it('prints {"status":"SUCCEEDED","output":...} on one line and exits 0, with --input JSON', async () => {
  const { code, stdout, stderr } = await santa(['asl', 'run', file('sum.asl.json', sum), '--input', '{"a":2,"b":40}']);
  expect({ stdout, stderr }).toEqual({ stdout: '{"status":"SUCCEEDED","output":{"a":2,"b":40,"sum":{"total":42}}}\n', stderr: '' });
  expect(code).toBe(0);
});

it("runs the README's example, a Task of the examples' activities with a Wait, on the stack's sealed payloads", async () => {
  const { code, stdout } = await santa([
    'asl',
    'run',
    join(ROOT, 'examples/state-machines/dice.asl.json'),
    '--input',
    '{"rolls":0,"waitSeconds":1}',
  ]);
  expect(JSON.parse(stdout)).toMatchObject({ status: 'SUCCEEDED', output: { rolls: expect.any(Number), waitSeconds: 1 } });
  expect(code).toBe(0);
}, 30_000);

it('reads --input @FILE', async () => {
  const { code, stdout } = await santa(['asl', 'run', file('sum2.json', sum), '--input', `@${file('input.json', { a: 1, b: 1 })}`]);
  expect(JSON.parse(stdout)).toEqual({ status: 'SUCCEEDED', output: { a: 1, b: 1, sum: { total: 2 } } });
  expect(code).toBe(0);
});

it('prints {"status":"FAILED","error":...,"cause":...} and exits 1 when the execution fails', async () => {
  const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Custom.Error', Cause: 'because' } } };
  const { code, stdout } = await santa(['asl', 'run', file('fail.json', failing)]);
  expect(stdout).toBe('{"status":"FAILED","error":"Custom.Error","cause":"because"}\n');
  expect(code).toBe(1);
});

it('exits 2 with every problem and its JSON path on stderr for an invalid definition, starting nothing', async () => {
  const bad = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'rollDie', Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] } } };
  const { code, stdout, stderr } = await santa(['asl', 'run', file('bad.json', bad)]);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain('$.States.A.Retry[0].ErrorEquals: States.ALL must be alone in its ErrorEquals');
  expect(stderr).toContain('$.States.A: dead end');
});

it("exits 2, with the path, for a Task bound to the pipeline's own activities (the API refuses it)", async () => {
  const steal = { StartAt: 'S', States: { S: { Type: 'Task', Resource: 'loadBatch', End: true } } };
  const { code, stdout, stderr } = await santa(['asl', 'run', file('steal.json', steal)]);
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr).toContain('$.States.S.Resource');
});

it('exits 2 for a file that is not JSON or an --input that is not JSON', async () => {
  expect((await santa(['asl', 'run', file('text.json', 'not json')])).code).toBe(2);
  const bad = await santa(['asl', 'run', file('ok.json', sum), '--input', '{oops']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--input is not JSON');
});

it('says in one plain line, without a stack trace, when the API cannot be reached or wants a token', async () => {
  const down = await santa(['asl', 'run', file('down.json', sum)], { SANTA_API_URL: 'http://127.0.0.1:9' });
  expect(down.code).toBe(1);
  expect(down.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^santa asl: cannot reach the API at http:\/\/127\.0\.0\.1:9/)]);
  const anonymous = await santa(['asl', 'run', file('anon.json', sum)], { API_TOKEN: undefined });
  expect({ code: anonymous.code, stderr: anonymous.stderr }).toEqual({
    code: 1,
    stderr: 'santa asl: the API wants a token: set API_TOKEN\n',
  });
});

describe('DELETE /executions/:id', () => {
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('stops a running execution: nothing more of it runs, and it reads ABORTED', async () => {
    const waits = {
      StartAt: 'Wait',
      States: { Wait: { Type: 'Wait', Seconds: 3600, Next: 'Roll' }, Roll: { Type: 'Task', Resource: 'rollDie', End: true } },
    };
    expect((await stack.app.inject({ method: 'PUT', url: '/state-machines/long-wait', payload: waits, headers: auth })).statusCode).toBe(
      200,
    );
    const started = await stack.app.inject({ method: 'POST', url: '/state-machines/long-wait/executions', payload: {}, headers: auth });
    const { id } = started.json();
    await until('the execution to wait', async () =>
      (await stack.app.inject({ method: 'GET', url: `/executions/${id}`, headers: auth })).json().status === 'RUNNING' ? true : undefined,
    );
    const stopped = await stack.app.inject({ method: 'DELETE', url: `/executions/${id}`, headers: auth });
    expect([stopped.statusCode, stopped.json()]).toEqual([200, { id, status: 'ABORTED' }]);
    expect((await stack.app.inject({ method: 'GET', url: `/executions/${id}`, headers: auth })).json()).toEqual({ id, status: 'ABORTED' });
    const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: id },
    });
    expect(JSON.stringify(history)).not.toContain('rollDie');

    const again = await stack.app.inject({ method: 'DELETE', url: `/executions/${id}`, headers: auth });
    expect([again.statusCode, again.json().error]).toEqual([409, 'NotRunning']);
    expect((await stack.app.inject({ method: 'DELETE', url: '/executions/no-such-execution', headers: auth })).statusCode).toBe(404);
    expect((await stack.app.inject({ method: 'DELETE', url: `/executions/${id}` })).statusCode).toBe(401);
  });
});
