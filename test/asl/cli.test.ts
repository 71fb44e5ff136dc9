/** `santa asl run` against a running worker: one line out, exit 0 / 1, and 2 for an invalid definition. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalRunner } from './support/temporal-runner';

const ROOT = join(__dirname, '../..');
let runner: TemporalRunner;
const dir = mkdtempSync(join(tmpdir(), 'asl-cli-'));

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** Runs the CLI asynchronously: the worker serving it lives in this process. */
function santa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, TEMPORAL_TASK_QUEUE: runner.config.temporal.taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'santa.js'), ...args], { cwd: ROOT, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const sum = {
  StartAt: 'Add',
  States: { Add: { Type: 'Task', Resource: 'add', Parameters: { 'a.$': '$.a', 'b.$': '$.b' }, ResultPath: '$.sum', End: true } },
};

it('prints {"status":"SUCCEEDED","output":...} on one line and exits 0, with --input JSON', async () => {
  const { code, stdout } = await santa('asl', 'run', file('sum.asl.json', sum), '--input', '{"a":2,"b":40}');
  expect(stdout).toBe('{"status":"SUCCEEDED","output":{"a":2,"b":40,"sum":42}}\n');
  expect(code).toBe(0);
});

it('reads --input @FILE', async () => {
  const { code, stdout } = await santa('asl', 'run', file('sum2.json', sum), '--input', `@${file('input.json', { a: 1, b: 1 })}`);
  expect(JSON.parse(stdout)).toEqual({ status: 'SUCCEEDED', output: { a: 1, b: 1, sum: 2 } });
  expect(code).toBe(0);
});

it('prints {"status":"FAILED","error":...,"cause":...} and exits 1 when the execution fails', async () => {
  const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Custom.Error', Cause: 'because' } } };
  const { code, stdout } = await santa('asl', 'run', file('fail.json', failing));
  expect(stdout).toBe('{"status":"FAILED","error":"Custom.Error","cause":"because"}\n');
  expect(code).toBe(1);
});

it('exits 2 with every problem and its JSON path on stderr for an invalid definition, starting nothing', async () => {
  const bad = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'add', Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] } } };
  const { code, stdout, stderr } = await santa('asl', 'run', file('bad.json', bad));
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain('$.States.A.Retry[0].ErrorEquals: States.ALL must be alone in its ErrorEquals');
  expect(stderr).toContain('$.States.A: dead end');
});

it('exits 2 for a file that is not JSON or an --input that is not JSON', async () => {
  expect((await santa('asl', 'run', file('text.json', 'not json'))).code).toBe(2);
  const bad = await santa('asl', 'run', file('ok.json', sum), '--input', '{oops');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--input is not JSON');
});
