/**
 * Callback Tasks (`lambda:invoke.waitForTaskToken`) through the real `@aws-sdk/client-sfn` on the suite's Temporal
 * dev server: the bound activity (saveResults, which stores what it is given) receives `$$.Task.Token`; the execution
 * waits until SendTaskSuccess / SendTaskFailure, or ends with States.Timeout / States.HeartbeatTimeout. An answer
 * sent while no States Language worker runs is kept by Temporal and taken when a worker comes back.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { TaskTokens } from 'states-language-temporal/client';
import { resultsKey } from '../../activities/examples/records';
import { taskTokenSecret } from '../../lib/sfn-task-token-secret';
import { createObjectStore, type ObjectStore } from '../../storage/object-store';
import { until } from '../../testkit/until';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';
import { callbackMachine } from '../../testkit/callback-machine';

let s: SfnStack;
let store: ObjectStore;

beforeAll(async () => {
  s = await startSfnStack('sfn-callbacks');
  store = createObjectStore(s.stack.config.storage);
});

afterAll(async () => {
  store?.close();
  await s?.close();
});

/** A callback Task whose Lambda (saveResults) stores the token under the execution's input `name`. */
const callback = (timing: Record<string, number>) => callbackMachine({ timing });

/** Starts an execution of `machine` and answers the token its Lambda received. */
async function startWaiting(machine: string): Promise<{ executionArn: string; token: string }> {
  const name = unique('callback');
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ name }) }));
  const token = await until('the Lambda to receive the token', async () => {
    const saved = await store.get(resultsKey(name));
    return saved === undefined ? undefined : (JSON.parse(saved).source.token as string);
  });
  return { executionArn: executionArn!, token };
}

it('SendTaskSuccess ends the wait with its output; the token is spent then, and forged ones are refused', async () => {
  const machine = await createMachine(s.sfn, unique('cb-ok'), callback({ TimeoutSeconds: 300 }));
  const { executionArn, token } = await startWaiting(machine);
  expect(token.length).toBeLessThanOrEqual(2048);
  expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

  // Forged: the same token with its signature changed, and a well-signed token for a key the execution never issued.
  const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: altered, output: '{}' }))).rejects.toMatchObject({
    name: 'InvalidToken',
  });
  // A well-signed token for a key the running execution never issued: its worker says so (the output below is the
  // real token's).
  const stranger = new TaskTokens(taskTokenSecret(s.stack.config)).callback(executionArn).token;
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: stranger, output: '{"stranger":true}' }))).rejects.toMatchObject({
    name: 'TaskDoesNotExist',
  });
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' }))).rejects.toMatchObject({
    name: 'InvalidOutput',
  });
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: 'x'.repeat(4096), output: '{}' }))).rejects.toMatchObject({
    name: 'ValidationException',
  });

  await s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
  const done = await ended(s.sfn, executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!).answer).toEqual({ approved: true });
  await expect(s.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
});

it('a running execution refuses a token already answered, and one whose Task timed out: TaskTimedOut', async () => {
  const sleepy = { Type: 'Wait', Seconds: 3600, End: true };
  const answered = await startWaiting(await createMachine(s.sfn, unique('cb-spent'), callbackMachine({ after: sleepy })));
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: answered.token, output: '"first"' }));
  // The second answer and a heartbeat, while the execution waits in its next state.
  await until('the execution to leave the Task', async () => {
    const refused = await s.sfn.send(new SendTaskSuccessCommand({ taskToken: answered.token, output: '"second"' })).catch((e) => e);
    return refused instanceof Error ? refused : undefined;
  }).then((refused) => expect(refused).toMatchObject({ name: 'TaskTimedOut' }));
  await expect(s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: answered.token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn: answered.executionArn }))).status).toBe('RUNNING');

  const timingOut = callbackMachine({ timing: { TimeoutSeconds: 2 }, after: sleepy });
  const caught = { ...timingOut.States.Ask, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'After' }] };
  const late = await startWaiting(
    await createMachine(s.sfn, unique('cb-late'), { ...timingOut, States: { ...timingOut.States, Ask: caught } }),
  );
  await until('the Task to time out', async () => {
    const history = await s.sfn.send(new GetExecutionHistoryCommand({ executionArn: late.executionArn }));
    return history.events?.some((event) => event.type === 'WaitStateEntered') || undefined;
  });
  await expect(s.sfn.send(new SendTaskFailureCommand({ taskToken: late.token, error: 'Too.Late' }))).rejects.toMatchObject({
    name: 'TaskTimedOut',
  });
  for (const { executionArn } of [answered, late]) await s.sfn.send(new StopExecutionCommand({ executionArn }));
});

it('SendTaskFailure fails the Task with its error and cause', async () => {
  const machine = await createMachine(s.sfn, unique('cb-fail'), callback({}));
  const { executionArn, token } = await startWaiting(machine);
  await s.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Elf.Refused', cause: 'the list is too long' }));
  expect(await ended(s.sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'Elf.Refused', cause: 'the list is too long' });
});

it('HeartbeatSeconds: heartbeats keep the Task waiting past it; silence then ends it with States.HeartbeatTimeout', async () => {
  const machine = await createMachine(s.sfn, unique('cb-beat'), callback({ HeartbeatSeconds: 3, TimeoutSeconds: 120 }));
  const { executionArn, token } = await startWaiting(machine);
  // Eight seconds of a heartbeat every second: more than twice HeartbeatSeconds, still waiting.
  const until8 = Date.now() + 8_000;
  while (Date.now() < until8) {
    await s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  const done = await ended(s.sfn, executionArn);
  expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  await expect(s.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
});

it('TimeoutSeconds ends a silent wait with States.Timeout', async () => {
  const machine = await createMachine(s.sfn, unique('cb-timeout'), callback({ TimeoutSeconds: 3 }));
  const { executionArn } = await startWaiting(machine);
  expect(await ended(s.sfn, executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});

it('SendTaskSuccess while no worker runs is kept: the execution takes it when a worker starts again', async () => {
  const machine = await createMachine(s.sfn, unique('cb-durable'), callback({ TimeoutSeconds: 300 }));
  const { executionArn, token } = await startWaiting(machine);
  const history = async () => (await s.stack.temporal.client.workflow.getHandle(executionArn).fetchHistory()).events ?? [];
  const signals = async () => (await history()).filter((event) => event.workflowExecutionSignaledEventAttributes).length;
  await s.stack.stopStateMachines();
  try {
    // Answered with no worker polling: the server stores the answer in the execution's history.
    await s.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: 'offline' }) }));
    expect(await signals()).toBe(1);
    expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  } finally {
    await s.stack.startStateMachines();
  }
  // The new worker may wait for the stopped one's sticky queue to time out before it gets the workflow task.
  const done = await ended(s.sfn, executionArn, 60_000);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!).answer).toEqual({ approved: 'offline' });
});
