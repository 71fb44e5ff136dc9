/**
 * A runaway definition may slow state machines, never the draws: the hostile corpus, through the API (stored,
 * on the States Language worker's own queue), while Secret Santa runs go through the same API and complete, the
 * pipeline's worker running throughout and none of its workflow tasks failing.
 */
import { temporal } from '@temporalio/proto';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';
import { HOSTILE_CASES as RUNTIME_CASES } from '../../packages/states-language/test/hostile/corpus';
import { EXAMPLE_HOSTILE_CASES } from './example-hostile-cases';

const HOSTILE_CASES = [...RUNTIME_CASES, ...EXAMPLE_HOSTILE_CASES];

const EventType = temporal.api.enums.v1.EventType;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('asl-isolation');
});

afterAll(async () => {
  await stack?.close();
});

const people = (run: number) => Array.from({ length: 12 }, (_, i) => `R${run}P${i},r${run}p${i}@example.com,,`).join('\n');

it('runs every Secret Santa run to COMPLETED while the hostile corpus runs on the state machines worker', async () => {
  // Each hostile definition that the checker takes, started as the API starts them; a Pass loop that never ends too.
  const spin = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } };
  const hostile = [
    ...HOSTILE_CASES.filter((c) => !('problems' in c.expect)).map((c) => ({
      name: c.name,
      definition: c.definition,
      input: c.input ?? {},
    })),
    { name: 'spin', definition: spin, input: {} },
  ];
  const executions: string[] = [];
  for (const [i, c] of hostile.entries()) {
    const machine = `hostile-${i}`;
    let body: string;
    let input: string;
    try {
      [body, input] = [JSON.stringify(c.definition), JSON.stringify(c.input)];
    } catch {
      continue; // too deep for JSON itself: no client could send it
    }
    const stored = await stack.app.inject({
      method: 'PUT',
      url: `/state-machines/${machine}`,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    if (stored.statusCode !== 200) continue; // refused with its path: the wall did its work
    const started = await stack.app.inject({
      method: 'POST',
      url: `/state-machines/${machine}/executions`,
      payload: input,
      headers: { 'content-type': 'application/json' },
    });
    expect([c.name, started.statusCode]).toEqual([c.name, 202]);
    executions.push(started.json().id);
  }
  expect(executions.length).toBeGreaterThan(10);

  const runs: string[] = [];
  for (let run = 0; run < 5; run++) {
    const posted = await stack.app.inject({
      method: 'POST',
      url: '/allocations',
      payload: people(run),
      headers: { 'content-type': 'text/csv' },
    });
    expect(posted.statusCode).toBe(202);
    runs.push(posted.json().id);
  }
  for (const id of runs) {
    const view = await until(
      `run ${id} to finish`,
      async () => {
        const answer = (await stack.app.inject({ method: 'GET', url: `/allocations/${id}` })).json();
        return answer.status === 'RUNNING' ? undefined : answer;
      },
      90_000,
    );
    expect(view).toMatchObject({ status: 'COMPLETED', participants: 12, email: { sent: 12, failed: 0 } });
    const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: id },
    });
    expect((history?.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toEqual([]);
  }
  expect(stack.worker.getState()).toBe('RUNNING');

  // The state machines ran on their own queue, not the pipeline's.
  const { taskQueue } = await stack.temporal.client.workflow.getHandle(executions[0]).describe();
  expect(taskQueue).toBe(stack.config.temporal.aslTaskQueue);
  for (const id of executions)
    await stack.temporal.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
}, 180_000);
