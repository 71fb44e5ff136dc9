/**
 * A machine's TimeoutSeconds through the real `@aws-sdk/client-sfn`: an execution that runs past it ends TIMED_OUT, as
 * in AWS (Temporal's own execution timeout, given at the start): DescribeExecution says so without error or cause,
 * ListExecutions finds it under statusFilter TIMED_OUT, GetExecutionHistory ends with ExecutionTimedOut. Redriven, it
 * has its TimeoutSeconds again from the redrive. The app's own GET /executions/:id says TIMED_OUT too.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { until } from '../../testkit/until';
import { createMachine, ended, ROLE, type SfnStack, startSfnStack, unique } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  s = await startSfnStack('sfn-execution-timeout');
});

afterAll(async () => {
  await s?.close();
});

/** A Wait far longer than the machine's TimeoutSeconds. */
const tooSlow = { TimeoutSeconds: 2, StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 30, End: true } } };

it('an execution past its TimeoutSeconds ends TIMED_OUT in Describe, List and History, and is redriven with it again', async () => {
  const machine = await createMachine(s.sfn, unique('timeout'), tooSlow);
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{"sleepy":true}' }));
  const described = await ended(s.sfn, executionArn!);
  expect(described).toMatchObject({ status: 'TIMED_OUT', redriveStatus: 'REDRIVABLE', redriveCount: 0, input: '{"sleepy":true}' });
  // As AWS describes a timed-out execution: no error, no cause.
  expect(described.error).toBeUndefined();
  expect(described.cause).toBeUndefined();
  const seconds = (described.stopDate!.getTime() - described.startDate!.getTime()) / 1000;
  expect(seconds).toBeGreaterThanOrEqual(1.9);
  expect(seconds).toBeLessThan(30);

  const listed = await until('the execution listed as TIMED_OUT', async () => {
    const page = await s.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'TIMED_OUT' }));
    return page.executions!.length === 1 ? page.executions! : undefined;
  });
  expect(listed[0]).toMatchObject({ executionArn, status: 'TIMED_OUT' });
  const failed = await s.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'FAILED' }));
  expect(failed.executions).toEqual([]);

  const { events } = await s.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  expect(events!.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
  expect(events![2].executionTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
  const reversed = await s.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
  expect(reversed.events![0].type).toBe('ExecutionTimedOut');
  const forExecution = await s.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
  expect(JSON.parse(forExecution.definition!)).toEqual(tooSlow);

  // The redrive is a new start with the TimeoutSeconds: it times out again, 2 s after the redrive.
  await s.sfn.send(new RedriveExecutionCommand({ executionArn }));
  const again = await until('the redriven execution to time out again', async () => {
    const d = await s.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status !== 'RUNNING' && d.redriveCount === 1 ? d : undefined;
  });
  expect(again).toMatchObject({ status: 'TIMED_OUT', redriveCount: 1 });
  expect(again.stopDate!.getTime() - again.redriveDate!.getTime()).toBeGreaterThanOrEqual(1_900);
});

it('StartSyncExecution answers TIMED_OUT for an EXPRESS execution past its TimeoutSeconds', async () => {
  const made = await s.sfn.send(
    new CreateStateMachineCommand({ name: unique('express-timeout'), definition: JSON.stringify(tooSlow), roleArn: ROLE, type: 'EXPRESS' }),
  );
  const answer = await s.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: made.stateMachineArn, input: '{}' }));
  expect(answer.status).toBe('TIMED_OUT');
});

it("the app's own GET /executions/:id says TIMED_OUT for a stored machine's execution past its TimeoutSeconds", async () => {
  const { app } = s.stack;
  const headers = { authorization: 'Bearer sfn-execution-timeout-organiser-token' };
  const name = unique('own-timeout');
  expect((await app.inject({ method: 'PUT', url: `/state-machines/${name}`, payload: tooSlow, headers })).statusCode).toBe(200);
  const post = await app.inject({ method: 'POST', url: `/state-machines/${name}/executions`, payload: {}, headers });
  expect(post.statusCode).toBe(202);
  const { id } = post.json() as { id: string };
  const view = await until('the execution to end', async () => {
    const got = (await app.inject({ method: 'GET', url: `/executions/${id}`, headers })).json() as { status: string };
    return got.status === 'RUNNING' ? undefined : got;
  });
  expect(view).toEqual({ id, status: 'TIMED_OUT' });
});
