/**
 * The conformance cases through Step Functions' own API with the real `@aws-sdk/client-sfn` (issue 14's proof):
 * each case's definition made a state machine (CreateStateMachine), started (StartExecution), waited for
 * (DescribeExecution until it ends), its status, output, error and cause compared with the case's expectation, as
 * test/asl/workflow-conformance.test.ts compares them through the workflow. The cases are the ones that suite runs
 * (serverCases) without a Task: the test stack's States Language worker has the API's allowlist of activities (the
 * examples' and the service integrations), not the conformance suite's test activities (echo, add, failUntil, …).
 */
import { GetExecutionHistoryCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ConformanceCase, Outcome } from '../../packages/states-language/test/support/conformance';
import { comparable, expectedOutcome } from '../../packages/states-language/test/support/conformance';
import { hasTask, serverCases } from '../asl/support/server-cases';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';

let sfn: SfnStack;

beforeAll(async () => {
  sfn = await startSfnStack('sfn-conformance');
});

afterAll(async () => {
  await sfn?.close();
});

/** One case through the API: what DescribeExecution says, in the shape of the pure runner's outcome. */
async function runThroughSdk(c: ConformanceCase, index: number): Promise<Outcome> {
  const name = unique(`conformance-${index}`);
  const machine = await createMachine(sfn.sfn, name, c.definition);
  const started = await sfn.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify(c.input ?? {}) }));
  const described = await ended(sfn.sfn, started.executionArn!);
  // The workflow suite names every machine 'conformance' ($$.StateMachine.Name); here each has a name of its own.
  const named = (text: string) => text.replaceAll(name, 'conformance');
  if (described.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: JSON.parse(named(described.output ?? 'null')) };
  // Past the machine's TimeoutSeconds: TIMED_OUT as in AWS, where the workflow suite's executions fail States.Timeout.
  if (described.status === 'TIMED_OUT') return { status: 'FAILED', error: 'States.Timeout' };
  const failed: Outcome = { status: 'FAILED' };
  if (described.error !== undefined) failed.error = described.error;
  if (described.cause !== undefined) failed.cause = named(described.cause);
  return described.status === 'FAILED' ? failed : { ...failed, status: described.status as 'FAILED' };
}

it('gives the conformance cases without a Task the same results through the SDK as through the workflow', async () => {
  const cases = (await serverCases()).filter((c) => !hasTask(c.definition));
  const failures: unknown[] = [];
  // A few at a time: the stack's worker runs them side by side, as it would an API's callers.
  const queue = cases.map((c, index) => ({ c, index }));
  const runOne = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { c, index } = next;
      const outcome = await runThroughSdk(c, index);
      try {
        expect(comparable(outcome, c)).toEqual(expectedOutcome(c));
      } catch {
        failures.push({ case: `${c.file}: ${c.name}`, outcome });
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, runOne));
  expect(failures).toEqual([]);
  expect(cases.length).toBeGreaterThanOrEqual(150);
  console.log(`conformance through @aws-sdk/client-sfn: ${cases.length} cases (those of the server suite without a Task)`);
}, 600_000);

it('refuses an execution input over 256 KiB at StartExecution, as AWS does (ValidationException), and starts nothing', async () => {
  const machine = await createMachine(sfn.sfn, unique('big-input'), { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const input = JSON.stringify({ text: 'x'.repeat(256 * 1024) });
  await expect(sfn.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input }))).rejects.toMatchObject({
    name: 'ValidationException',
    message:
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
  });
  // Exactly 256 KiB is taken.
  const fits = JSON.stringify({ text: 'x'.repeat(256 * 1024 - '{"text":""}'.length) });
  const started = await sfn.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: fits }));
  expect((await ended(sfn.sfn, started.executionArn!)).status).toBe('SUCCEEDED');
  const listed = await sfn.sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }));
  expect(listed.executions?.map((e) => e.executionArn)).toEqual([started.executionArn]);
});

it("names in a runtime error's Cause the event id GetExecutionHistory gives the failing state's entered event", async () => {
  // A Pass, a Task (TaskScheduled, TaskStarted, TaskSucceeded), a Parallel and a Map before the failing state.
  const definition = {
    StartAt: 'First',
    States: {
      First: { Type: 'Pass', Result: { sides: 6 }, Next: 'Roll' },
      Roll: { Type: 'Task', Resource: 'rollDie', ResultPath: '$.roll', Next: 'Both' },
      Both: { Type: 'Parallel', Branches: [{ StartAt: 'Inside', States: { Inside: { Type: 'Pass', End: true } } }], Next: 'Each' },
      Each: { Type: 'Map', ItemsPath: '$', ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } }, Next: 'Bad' },
      Bad: { Type: 'Pass', InputPath: '$.missing', End: true },
    },
  };
  const machine = await createMachine(sfn.sfn, unique('event-id'), definition);
  const started = await sfn.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }));
  const described = await ended(sfn.sfn, started.executionArn!);
  expect(described).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  const history = await sfn.sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn!, maxResults: 1000 }));
  const entered = history.events!.find((e) => e.type === 'PassStateEntered' && e.stateEnteredEventDetails?.name === 'Bad');
  expect(entered?.id).toBeGreaterThan(15);
  expect(described.cause).toBe(
    `An error occurred while executing the state 'Bad' (entered at the event id #${entered!.id}). ` +
      "Invalid path '$.missing' : No results for path: $['missing']",
  );
});
