/**
 * RedriveExecution of Parallel and Map states through the real `@aws-sdk/client-sfn`, as AWS documents it: only the
 * branches or iterations that did not succeed run again, those that did keep their output. Their Tasks are on Step
 * Functions activities whose worker is the test, so it sees which tasks are scheduled again. And a timed-out
 * execution, redriven, has its TimeoutSeconds again from the redrive.
 */
import {
  CreateActivityCommand,
  GetActivityTaskCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { until } from '../../testkit/until';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  process.env.SFN_ACTIVITY_POLL_SECONDS = '3';
  s = await startSfnStack('sfn-redrive-branches');
});

afterAll(async () => {
  delete process.env.SFN_ACTIVITY_POLL_SECONDS;
  await s?.close();
});

const activity = async (name: string) => (await s.sfn.send(new CreateActivityCommand({ name: unique(name) }))).activityArn!;

const take = (activityArn: string) =>
  until(`a task of ${activityArn}`, async () => {
    const task = await s.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'redrive-elf' }));
    return task.taskToken ? { token: task.taskToken, input: JSON.parse(task.input!) as unknown } : undefined;
  });

/** No task waits on the activity: a whole long poll (3 s here) answers none. */
const nothingScheduled = async (activityArn: string) =>
  expect((await s.sfn.send(new GetActivityTaskCommand({ activityArn }))).taskToken).toBeUndefined();

it('a Parallel redriven reruns only the branch that failed; the branch that succeeded keeps its output', async () => {
  const [count, wrap] = [await activity('count'), await activity('wrap')];
  const machine = await createMachine(s.sfn, unique('redrive-parallel'), {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        ResultPath: '$.parts',
        Branches: [
          { StartAt: 'Count', States: { Count: { Type: 'Task', Resource: count, End: true } } },
          { StartAt: 'Wrap', States: { Wrap: { Type: 'Task', Resource: wrap, End: true } } },
        ],
        End: true,
      },
    },
  });
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"gift":"socks"}' }));
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: (await take(count)).token, output: '{"runs":1}' }));
  await s.sfn.send(new SendTaskFailureCommand({ taskToken: (await take(wrap)).token, error: 'Paper.Torn', cause: 'out of tape' }));
  expect(await ended(s.sfn, executionArn!)).toMatchObject({ status: 'FAILED', error: 'Paper.Torn' });

  await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
  const again = await take(wrap);
  expect(again.input).toEqual({ gift: 'socks' });
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: again.token, output: '{"bow":true}' }));
  const done = await ended(s.sfn, executionArn!);
  expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  expect(JSON.parse(done.output!)).toEqual({ gift: 'socks', parts: [{ runs: 1 }, { bow: true }] });
  await nothingScheduled(count);
});

it.each(['INLINE', 'DISTRIBUTED'])(
  'a %s Map redriven reruns only the iteration that failed; the others keep their output',
  async (mode) => {
    const elf = await activity('elf');
    const machine = await createMachine(s.sfn, unique('redrive-map'), {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'n.$': '$$.Map.Item.Value' },
          ItemProcessor: {
            ProcessorConfig: { Mode: mode, ...(mode === 'DISTRIBUTED' ? { ExecutionType: 'STANDARD' } : {}) },
            StartAt: 'Make',
            States: { Make: { Type: 'Task', Resource: elf, End: true } },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"items":[1,2,3]}' }));
    const tasks = [await take(elf), await take(elf), await take(elf)];
    const n = (task: { input: unknown }) => (task.input as { n: number }).n;
    expect(tasks.map(n).sort()).toEqual([1, 2, 3]);
    // The two that succeed are answered first, so they have succeeded before the third fails the Map.
    for (const task of tasks.filter((t) => n(t) !== 2))
      await s.sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: JSON.stringify({ made: n(task) }) }));
    const broken = tasks.find((t) => n(t) === 2)!;
    await s.sfn.send(new SendTaskFailureCommand({ taskToken: broken.token, error: 'Toy.Broken' }));
    expect(await ended(s.sfn, executionArn!)).toMatchObject({ status: 'FAILED', error: 'Toy.Broken' });

    await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const again = await take(elf);
    expect(again.input).toEqual({ n: 2 });
    await s.sfn.send(new SendTaskSuccessCommand({ taskToken: again.token, output: '{"made":2}' }));
    const done = await ended(s.sfn, executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(JSON.parse(done.output!)).toEqual([{ made: 1 }, { made: 2 }, { made: 3 }]);
    await nothingScheduled(elf);
  },
);

it("a timed-out execution, redriven, has its TimeoutSeconds again from the redrive (AWS resets the execution's timeout)", async () => {
  const wait = await activity('slow');
  const machine = await createMachine(s.sfn, unique('redrive-timeout'), {
    TimeoutSeconds: 4,
    // A state before the Task: the redrive goes on from the Task, not from the start.
    StartAt: 'Begin',
    States: { Begin: { Type: 'Pass', Next: 'Slow' }, Slow: { Type: 'Task', Resource: wait, End: true } },
  });
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"late":true}' }));
  expect(await ended(s.sfn, executionArn!)).toMatchObject({ status: 'TIMED_OUT', redriveStatus: 'REDRIVABLE' });

  // Past the 4 s since the start: counted from the start, the redriven run would time out at once.
  await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
  const task = await take(wait);
  expect(task.input).toEqual({ late: true });
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '"on time"' }));
  const done = await ended(s.sfn, executionArn!);
  expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, output: '"on time"' });
});
