/**
 * TestState through the real `@aws-sdk/client-sfn`: one state evaluated by the pure interpreter in the API (no
 * execution started), INFO and DEBUG inspection, a lone state or a state of a whole machine (stateName), variables,
 * and Task states mocked (result, errorOutput caught or not) or refused without a mock.
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

it('an invalid state is InvalidDefinition', async () => {
  await expect(test({ Type: 'Pass', Next: 'X', End: true }, {})).rejects.toMatchObject({ name: 'InvalidDefinition' });
});
