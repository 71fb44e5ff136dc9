/**
 * A machine's TimeoutSeconds as Temporal's execution timeout (client.ts executionTimeout) holds across the runs an
 * execution continues through: every run carries it, none sets a timer of its own for it, and the execution ends
 * TIMED_OUT when it runs past it.
 */
import { randomUUID } from 'node:crypto';
import type { Definition } from 'states-language-temporal';
import { executionTimeout } from 'states-language-temporal/client';
import { stateMachine } from '../../workflows';
import { TemporalRunner } from './support/temporal-runner';

let runner: TemporalRunner;

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

it('an execution that continues as new keeps its TimeoutSeconds, and ends TIMED_OUT past it', async () => {
  const loop: Definition = {
    TimeoutSeconds: 6,
    StartAt: 'Nap',
    States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Again' }, Again: { Type: 'Pass', Next: 'Nap' } },
  };
  const { client } = runner.temporal;
  const handle = await client.workflow.start(stateMachine, {
    workflowId: `timeout-${randomUUID()}`,
    taskQueue: runner.config.temporal.taskQueue,
    // A new run every few Waits.
    args: [{ definition: loop, input: {}, name: 'loop', continueAfterEvents: 20 }],
    ...executionTimeout(loop),
  });
  await expect(handle.result()).rejects.toThrow('Workflow execution timed out');
  const runs: { status: string; timeout: number; timers: number[] }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) {
    const events = (await client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory()).events ?? [];
    runs.push({
      status: run.status.name,
      timeout: Number(events[0].workflowExecutionStartedEventAttributes?.workflowExecutionTimeout?.seconds),
      timers: events.flatMap((e) =>
        e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds)] : [],
      ),
    });
  }
  expect(runs.length).toBeGreaterThan(1);
  expect(runs.filter((r) => r.status === 'TIMED_OUT')).toHaveLength(1);
  expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW')).toHaveLength(runs.length - 1);
  for (const run of runs) {
    expect(run.timeout).toBe(6);
    // The Waits' timers only: no timer of the interpreter's for the TimeoutSeconds.
    expect(run.timers.every((seconds) => seconds === 1)).toBe(true);
  }
}, 60_000);
