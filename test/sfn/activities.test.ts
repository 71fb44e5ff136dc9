/**
 * Step Functions activities through the real `@aws-sdk/client-sfn` on the suite's Temporal dev server: Create,
 * Describe, List (pages), Delete; a Task on an activity ARN waits until a worker takes it with GetActivityTask and
 * answers; HeartbeatSeconds and TimeoutSeconds end a silent one. GetActivityTask's poll is 3 s here
 * (SFN_ACTIVITY_POLL_SECONDS), 60 s by default.
 */
import type { AddressInfo } from 'node:net';
import {
  ActivityDoesNotExist,
  CreateActivityCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  type GetActivityTaskCommandOutput,
  ListActivitiesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import Fastify from 'fastify';
import sfnRoutes from '../../api/routes/sfn';
import { createObjectStore } from '../../storage/object-store';
import { until } from '../../testkit/until';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  process.env.SFN_ACTIVITY_POLL_SECONDS = '3';
  s = await startSfnStack('sfn-activities');
});

afterAll(async () => {
  delete process.env.SFN_ACTIVITY_POLL_SECONDS;
  await s?.close();
});

const activityTask = (activityArn: string, timing: Record<string, number> = {}) => ({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: activityArn, ResultPath: '$.result', ...timing, End: true } },
});

/** What a worker does: poll until a task comes (each poll answers `{}` after 3 s without one). */
function takeTask(sfn: SFNClient, activityArn: string, workerName = 'elf-1'): Promise<GetActivityTaskCommandOutput> {
  return until(
    `a task of ${activityArn}`,
    async () => {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }));
      return task.taskToken ? task : undefined;
    },
    30_000,
  );
}

it('creates (idempotently), describes, lists by pages and deletes activities', async () => {
  const names = [unique('act-a'), unique('act-b')];
  const arns: string[] = [];
  for (const name of names) arns.push((await s.sfn.send(new CreateActivityCommand({ name }))).activityArn!);
  expect(arns[0]).toMatch(new RegExp(`^arn:aws:states:[a-z0-9-]+:\\d{12}:activity:${names[0]}$`));
  expect((await s.sfn.send(new CreateActivityCommand({ name: names[0] }))).activityArn).toBe(arns[0]);
  expect(await s.sfn.send(new DescribeActivityCommand({ activityArn: arns[1] }))).toMatchObject({
    name: names[1],
    activityArn: arns[1],
    creationDate: expect.any(Date),
  });
  await expect(s.sfn.send(new CreateActivityCommand({ name: 'not a name!' }))).rejects.toMatchObject({ name: 'InvalidName' });

  const listed: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await s.sfn.send(new ListActivitiesCommand({ maxResults: 1, nextToken }));
    expect(page.activities!.length).toBeLessThanOrEqual(1);
    listed.push(...page.activities!.map((a) => a.name!));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(listed).toEqual(expect.arrayContaining(names));

  await s.sfn.send(new DeleteActivityCommand({ activityArn: arns[0] }));
  await expect(s.sfn.send(new DescribeActivityCommand({ activityArn: arns[0] }))).rejects.toBeInstanceOf(ActivityDoesNotExist);
  await expect(s.sfn.send(new GetActivityTaskCommand({ activityArn: arns[0] }))).rejects.toBeInstanceOf(ActivityDoesNotExist);
});

it('GetActivityTask answers without a task when none comes within its poll', async () => {
  const { activityArn } = await s.sfn.send(new CreateActivityCommand({ name: unique('idle') }));
  const started = Date.now();
  const task = await s.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle-elf' }));
  expect(task.taskToken).toBeUndefined();
  // Within the poll's bound: Temporal answers empty a little (1 to 2 s) before the poll's deadline.
  expect(Date.now() - started).toBeLessThan(4_000);
});

it('a worker loop takes the task, heartbeats and answers; the execution goes on with its output', async () => {
  const { activityArn } = await s.sfn.send(new CreateActivityCommand({ name: unique('double') }));
  const machine = await createMachine(s.sfn, unique('act-ok'), activityTask(activityArn!, { HeartbeatSeconds: 20 }));
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"n":21}' }));
  const task = await takeTask(s.sfn, activityArn!);
  const input = JSON.parse(task.input!);
  expect(input).toEqual({ n: 21 });
  await s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ doubled: input.n * 2 }) }));
  const done = await ended(s.sfn, executionArn!);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toEqual({ n: 21, result: { doubled: 42 } });
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });
  // A token altered by one character is not one this API sealed.
  const altered = task.taskToken!.slice(0, -2) + (task.taskToken!.endsWith('AA') ? 'BB' : 'AA');
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: altered, output: '{}' }))).rejects.toMatchObject({
    name: 'InvalidToken',
  });
});

it('the pending task lives in Temporal, not in the API: another API process takes it; SendTaskFailure fails the Task', async () => {
  const { activityArn } = await s.sfn.send(new CreateActivityCommand({ name: unique('other') }));
  const machine = await createMachine(s.sfn, unique('act-fail'), activityTask(activityArn!));
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }));
  // A second API on the same store and Temporal, as after a restart: it never saw the execution start.
  const app = Fastify({ logger: false });
  const store = createObjectStore(s.stack.config.storage);
  await app.register(sfnRoutes, { client: s.stack.temporal.client, config: s.stack.config, store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const other = new SFNClient({
    endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: await s.sfn.config.credentials(),
    maxAttempts: 1,
  });
  try {
    const task = await takeTask(other, activityArn!, 'elf-2');
    await other.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'Elf.Sick', cause: 'a cold' }));
  } finally {
    other.destroy();
    await app.close();
    store.close();
  }
  expect(await ended(s.sfn, executionArn!)).toMatchObject({ status: 'FAILED', error: 'Elf.Sick', cause: 'a cold' });
});

it('HeartbeatSeconds ends a task taken and then left silent; TimeoutSeconds one no worker takes', async () => {
  const { activityArn } = await s.sfn.send(new CreateActivityCommand({ name: unique('silent') }));
  const beats = await createMachine(s.sfn, unique('act-beat'), activityTask(activityArn!, { HeartbeatSeconds: 2, TimeoutSeconds: 60 }));
  const first = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: beats, input: '{}' }));
  const task = await takeTask(s.sfn, activityArn!);
  expect(await ended(s.sfn, first.executionArn!)).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }))).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });

  const { activityArn: nobody } = await s.sfn.send(new CreateActivityCommand({ name: unique('nobody') }));
  const timeout = await createMachine(s.sfn, unique('act-timeout'), activityTask(nobody!, { TimeoutSeconds: 2 }));
  const second = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: timeout, input: '{}' }));
  expect(await ended(s.sfn, second.executionArn!)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});
