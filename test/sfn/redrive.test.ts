/**
 * RedriveExecution through the real `@aws-sdk/client-sfn` on the suite's Temporal dev server. Two Tasks on Step
 * Functions activities stand for the work: the test is their worker, so it counts how often each Task ran. A failed
 * execution, redriven, goes on from the Task that failed with the output of the one before it, which does not run
 * again.
 */
import {
  CreateActivityCommand,
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  GetActivityTaskCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { until } from '../../testkit/until';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  process.env.SFN_ACTIVITY_POLL_SECONDS = '3';
  s = await startSfnStack('sfn-redrive');
});

afterAll(async () => {
  delete process.env.SFN_ACTIVITY_POLL_SECONDS;
  await s?.close();
});

const take = (activityArn: string) =>
  until(`a task of ${activityArn}`, async () => {
    const task = await s.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'redrive-elf' }));
    return task.taskToken ? task : undefined;
  });

/** Count (an activity: the test answers it) then Wrap (another), then a Pass that reads both results. */
async function counterMachine() {
  const count = (await s.sfn.send(new CreateActivityCommand({ name: unique('count') }))).activityArn!;
  const wrap = (await s.sfn.send(new CreateActivityCommand({ name: unique('wrap') }))).activityArn!;
  const machine = await createMachine(s.sfn, unique('redrive'), {
    StartAt: 'Count',
    States: {
      Count: { Type: 'Task', Resource: count, ResultPath: '$.counted', Next: 'Wrap' },
      Wrap: { Type: 'Task', Resource: wrap, ResultPath: '$.wrapped', Next: 'Done' },
      Done: {
        Type: 'Pass',
        Parameters: { 'counted.$': '$.counted', 'wrapped.$': '$.wrapped', 'redrives.$': '$$.Execution.RedriveCount' },
        End: true,
      },
    },
  });
  return { count, wrap, machine };
}

it('a failed execution goes on from the Task that failed, keeping the earlier Task output; that Task does not run again', async () => {
  const { count, wrap, machine } = await counterMachine();
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"gift":"socks"}' }));
  let countRuns = 0;
  const first = await take(count);
  countRuns++;
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: JSON.stringify({ runs: countRuns }) }));
  const wrapping = await take(wrap);
  await s.sfn.send(new SendTaskFailureCommand({ taskToken: wrapping.taskToken, error: 'Paper.Torn', cause: 'out of tape' }));
  const failed = await ended(s.sfn, executionArn!);
  expect(failed).toMatchObject({ status: 'FAILED', error: 'Paper.Torn', redriveCount: 0, redriveStatus: 'REDRIVABLE' });

  const { redriveDate } = await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
  expect(redriveDate).toBeInstanceOf(Date);
  const again = await take(wrap);
  // The input the failed state had: the first Task's result is there, from its only run.
  expect(JSON.parse(again.input!)).toEqual({ gift: 'socks', counted: { runs: 1 } });
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: again.taskToken, output: '{"bow":true}' }));
  const done = await ended(s.sfn, executionArn!);
  expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveDate: expect.any(Date), redriveStatus: 'NOT_REDRIVABLE' });
  expect(JSON.parse(done.output!)).toEqual({ counted: { runs: 1 }, wrapped: { bow: true }, redrives: 1 });
  expect(JSON.parse(done.input!)).toEqual({ gift: 'socks' });
  // No second task of Count was ever scheduled.
  expect((await s.sfn.send(new GetActivityTaskCommand({ activityArn: count }))).taskToken).toBeUndefined();

  await expect(s.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
});

it('an execution stopped while it waited (ABORTED) is redriven from the state it was in; a running one is not', async () => {
  const { count, wrap, machine } = await counterMachine();
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }));
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: (await take(count)).taskToken, output: '{"runs":1}' }));
  await take(wrap);
  await expect(s.sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
  await s.sfn.send(new StopExecutionCommand({ executionArn, error: 'Elf.Break' }));
  expect(await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
    status: 'ABORTED',
    redriveStatus: 'REDRIVABLE',
  });

  await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
  const again = await take(wrap);
  expect(JSON.parse(again.input!)).toEqual({ counted: { runs: 1 } });
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: again.taskToken, output: '"done"' }));
  expect(await ended(s.sfn, executionArn!)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
});
