/**
 * TestState through the real `@aws-sdk/client-sfn`: one state evaluated by the pure interpreter in the API (no
 * execution started), INFO and DEBUG inspection, a lone state or a state of a whole machine (stateName), variables,
 * and Task states mocked (result, errorOutput caught, retriable or not) or refused without a mock; Map and Parallel
 * states mocked.
 */
import { TestStateCommand, type TestStateCommandInput } from '@aws-sdk/client-sfn';
import { ROLE, type SfnStack, startSfnStack } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  s = await startSfnStack('sfn-test-state');
});

afterAll(async () => {
  await s?.close();
});

const test = (definition: unknown, input: unknown, rest: Partial<TestStateCommandInput> = {}) =>
  s.sfn.send(new TestStateCommand({ definition: JSON.stringify(definition), roleArn: ROLE, input: JSON.stringify(input), ...rest }));

const lambda = 'arn:aws:states:::lambda:invoke';

it('a Pass state: its output and next state; DEBUG adds the inspection data', async () => {
  const pass = { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, ResultPath: '$.result', Next: 'After' };
  const info = await test(pass, { n: 21 });
  expect(info).toMatchObject({ status: 'SUCCEEDED', nextState: 'After' });
  expect(JSON.parse(info.output!)).toEqual({ n: 21, result: { doubled: 42 } });
  expect(info.inspectionData).toBeUndefined();
  const debug = await test(pass, { n: 21 }, { inspectionLevel: 'DEBUG' });
  expect(JSON.parse(debug.inspectionData!.input!)).toEqual({ n: 21 });
  expect(JSON.parse(debug.inspectionData!.afterResultPath!)).toEqual({ n: 21, result: { doubled: 42 } });
});

it('a Choice names the branch taken; a Wait answers at once; a Fail fails', async () => {
  const choice = {
    Type: 'Choice',
    Choices: [{ Variable: '$.size', NumericGreaterThan: 10, Next: 'Big' }],
    Default: 'Small',
  };
  expect(await test(choice, { size: 11 })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Big' });
  expect(await test(choice, { size: 3 })).toMatchObject({ status: 'SUCCEEDED', nextState: 'Small' });
  const started = Date.now();
  expect(await test({ Type: 'Wait', Seconds: 3600, Next: 'Later' }, {})).toMatchObject({ status: 'SUCCEEDED', nextState: 'Later' });
  expect(Date.now() - started).toBeLessThan(10_000);
  const failed = await test({ Type: 'Fail', Error: 'Elf.Strike', Cause: 'no cocoa' }, {});
  expect(failed).toMatchObject({ status: 'FAILED', error: 'Elf.Strike', cause: 'no cocoa' });
  expect(failed.nextState).toBeUndefined();
});

it('stateName picks a state of a whole machine; variables are given and assigned', async () => {
  const machine = {
    StartAt: 'First',
    States: {
      First: { Type: 'Pass', Next: 'Second' },
      Second: { Type: 'Pass', Parameters: { 'seen.$': '$seen', 'n.$': '$.n' }, Assign: { 'count.$': '$.n' }, Next: 'Third' },
      Third: { Type: 'Succeed' },
    },
  };
  const out = await test(machine, { n: 7 }, { stateName: 'Second', variables: JSON.stringify({ seen: 'yes' }), inspectionLevel: 'DEBUG' });
  expect(out).toMatchObject({ status: 'SUCCEEDED', nextState: 'Third' });
  expect(JSON.parse(out.output!)).toEqual({ seen: 'yes', n: 7 });
  expect(JSON.parse(out.inspectionData!.variables!)).toMatchObject({ seen: 'yes', count: 7 });
  await expect(test(machine, {}, { stateName: 'Nowhere' })).rejects.toMatchObject({ name: 'ValidationException' });
});

it('a Task runs only mocked: its result, a caught error, an uncaught one; unmocked it is refused', async () => {
  const task = {
    Type: 'Task',
    Resource: lambda,
    Parameters: { FunctionName: 'saveResults', 'Payload.$': '$' },
    ResultSelector: { 'made.$': '$.Payload.made' },
    ResultPath: '$.call',
    Catch: [{ ErrorEquals: ['Elf.Busy'], ResultPath: '$.error', Next: 'Handle' }],
    Next: 'Done',
  };
  await expect(test(task, { a: 1 })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('mock') });
  const response = { StatusCode: 202, Payload: { made: 3 } };
  const ok = await test(task, { a: 1 }, { mock: { result: JSON.stringify(response) }, inspectionLevel: 'DEBUG' });
  expect(ok).toMatchObject({ status: 'SUCCEEDED', nextState: 'Done' });
  expect(JSON.parse(ok.output!)).toEqual({ a: 1, call: { made: 3 } });
  expect(JSON.parse(ok.inspectionData!.afterParameters!)).toEqual({ FunctionName: 'saveResults', Payload: { a: 1 } });
  expect(JSON.parse(ok.inspectionData!.result!)).toEqual(response);

  const caught = await test(task, { a: 1 }, { mock: { errorOutput: { error: 'Elf.Busy', cause: 'later' } } });
  expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handle' });
  expect(JSON.parse(caught.output!)).toEqual({ a: 1, error: { Error: 'Elf.Busy', Cause: 'later' } });
  const uncaught = await test(task, { a: 1 }, { mock: { errorOutput: { error: 'Elf.Gone', cause: 'away' } } });
  expect(uncaught).toMatchObject({ status: 'FAILED', error: 'Elf.Gone', cause: 'away' });

  await expect(test({ Type: 'Pass', End: true }, {}, { mock: { result: '{}' } })).rejects.toMatchObject({ name: 'ValidationException' });
});

it('DEBUG shows each step of the data flow: afterInputPath, afterParameters, result, afterResultSelector, afterResultPath', async () => {
  const task = {
    Type: 'Task',
    Resource: lambda,
    InputPath: '$.order',
    Parameters: { FunctionName: 'saveResults', 'Payload.$': '$.items' },
    ResultSelector: { 'made.$': '$.Payload.made' },
    ResultPath: '$.call',
    End: true,
  };
  const response = { StatusCode: 200, Payload: { made: 2 } };
  const out = await test(task, { order: { items: [1, 2] } }, { mock: { result: JSON.stringify(response) }, inspectionLevel: 'DEBUG' });
  const data = out.inspectionData!;
  expect(JSON.parse(data.input!)).toEqual({ order: { items: [1, 2] } });
  expect(JSON.parse(data.afterInputPath!)).toEqual({ items: [1, 2] });
  expect(JSON.parse(data.afterParameters!)).toEqual({ FunctionName: 'saveResults', Payload: [1, 2] });
  expect(JSON.parse(data.result!)).toEqual(response);
  expect(JSON.parse(data.afterResultSelector!)).toEqual({ made: 2 });
  // ResultPath writes into the state's raw input, not what InputPath chose.
  expect(JSON.parse(data.afterResultPath!)).toEqual({ order: { items: [1, 2] }, call: { made: 2 } });
});

it('a mocked error a Retrier would retry is RETRIABLE, with its Retrier and backoff; retries used up, the Catch takes it', async () => {
  const task = {
    Type: 'Task',
    Resource: lambda,
    Parameters: { FunctionName: 'saveResults' },
    Retry: [
      { ErrorEquals: ['Elf.Tired'], MaxAttempts: 0 },
      { ErrorEquals: ['Elf.Busy'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 },
    ],
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handle' }],
    Next: 'Done',
  };
  const busy = { errorOutput: { error: 'Elf.Busy', cause: 'the sleigh is full' } };
  const first = await test(task, {}, { mock: busy, inspectionLevel: 'DEBUG' });
  expect(first).toMatchObject({ status: 'RETRIABLE', error: 'Elf.Busy', cause: 'the sleigh is full' });
  expect(first.inspectionData!.errorDetails).toEqual({ retryIndex: 1, retryBackoffIntervalSeconds: 2 });
  const second = await test(task, {}, { mock: busy, inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 1 } });
  expect(second.inspectionData!.errorDetails).toEqual({ retryIndex: 1, retryBackoffIntervalSeconds: 6 });
  const spent = await test(task, {}, { mock: busy, inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 2 } });
  expect(spent).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handle' });
  expect(spent.inspectionData!.errorDetails).toEqual({ catchIndex: 0 });
  // A Retrier of no attempts does not retry.
  expect(await test(task, {}, { mock: { errorOutput: { error: 'Elf.Tired' } } })).toMatchObject({ status: 'CAUGHT_ERROR' });
});

it('a Map or Parallel is mocked as AWS allows: the mock is its result, its branches never run', async () => {
  const map = {
    Type: 'Map',
    ItemsPath: '$.items',
    ItemProcessor: { StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'Never.Run' } } },
    ResultSelector: { 'count.$': 'States.ArrayLength($)' },
    ResultPath: '$.made',
    Next: 'Done',
  };
  const out = await test(map, { items: [1, 2, 3] }, { mock: { result: '[10, 20, 30]' }, inspectionLevel: 'DEBUG' });
  expect(out).toMatchObject({ status: 'SUCCEEDED', nextState: 'Done' });
  expect(JSON.parse(out.output!)).toEqual({ items: [1, 2, 3], made: { count: 3 } });
  expect(out.inspectionData!.afterParameters).toBeUndefined();
  const parallel = {
    Type: 'Parallel',
    Branches: [{ StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'Never.Run' } } }],
    Catch: [{ ErrorEquals: ['Branch.Broke'], Next: 'Handle' }],
    End: true,
  };
  expect(await test(parallel, {}, { mock: { result: '["one"]' } })).toMatchObject({ status: 'SUCCEEDED', output: '["one"]' });
  expect(await test(parallel, {}, { mock: { errorOutput: { error: 'Branch.Broke' } } })).toMatchObject({
    status: 'CAUGHT_ERROR',
    nextState: 'Handle',
  });
});

it('an invalid state is InvalidDefinition', async () => {
  await expect(test({ Type: 'Pass', Next: 'X', End: true }, {})).rejects.toMatchObject({ name: 'InvalidDefinition' });
});
