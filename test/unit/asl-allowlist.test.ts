/** The checker's activity allowlist: pure, no server. A Task may bind only to activities registered for state machines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createExampleActivities } from '../../activities/examples';
import { STATE_MACHINE_ACTIVITIES } from '../../activities/examples/names';
import type { ObjectStore } from '../../storage/object-store';
import { checkDefinition } from 'states-language-temporal';

const activities = STATE_MACHINE_ACTIVITIES;
const refused = (name: string) =>
  expect.stringContaining(`'${name}' is not an activity registered for state machines (allowed: ${activities.join(', ')})`);
const task = (fields: Record<string, unknown>) => ({ StartAt: 'T', States: { T: { Type: 'Task', End: true, ...fields } } });
const invoke = (functionName: unknown) =>
  task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: functionName, Payload: {} } });
const example = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines', `${name}.asl.json`), 'utf8'));

it('is exactly the activities createExampleActivities registers', () => {
  const registered = Object.keys(createExampleActivities({} as ObjectStore, { teamApiUrl: undefined, databaseUrl: 'postgres://unused' }));
  expect([...registered].sort()).toEqual([...STATE_MACHINE_ACTIVITIES].sort());
});

it('without the option, the checker binds Tasks to any name (conformance cases, trusted inline runs)', () => {
  expect(checkDefinition(task({ Resource: 'loadBatch' }))).toEqual([]);
  expect(checkDefinition(invoke('loadBatch'))).toEqual([]);
});

it.each([
  ['a plain name', task({ Resource: 'loadBatch' }), '$.States.T.Resource', 'loadBatch'],
  [
    'a Lambda function ARN',
    task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:loadBatch' }),
    '$.States.T.Resource',
    'loadBatch',
  ],
  [
    'a Lambda function ARN with an alias',
    task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:allocate:prod' }),
    '$.States.T.Resource',
    'allocate',
  ],
  [
    'a Lambda function ARN with a version',
    task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:notifyEmail:7' }),
    '$.States.T.Resource',
    'notifyEmail',
  ],
  [
    'an activity ARN',
    task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:storeAllocations' }),
    '$.States.T.Resource',
    'storeAllocations',
  ],
  ['lambda:invoke FunctionName', invoke('loadBatch'), '$.States.T.Parameters.FunctionName', 'loadBatch'],
  [
    'lambda:invoke FunctionName as an ARN',
    invoke('arn:aws:lambda:us-east-1:123456789012:function:revealDraw:$LATEST'),
    '$.States.T.Parameters.FunctionName',
    'revealDraw',
  ],
  ['lambda:invoke FunctionName as name:alias', invoke('loadStateMachine:live'), '$.States.T.Parameters.FunctionName', 'loadStateMachine'],
  [
    'JSONata lambda:invoke Arguments.FunctionName',
    {
      QueryLanguage: 'JSONata',
      ...task({
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'findNotification', Payload: '{% $states.input %}' },
      }),
    },
    '$.States.T.Arguments.FunctionName',
    'findNotification',
  ],
])('with the option, refuses a pipeline activity named by %s, at its path', (_form, definition, path, name) => {
  expect(checkDefinition(definition, { activities })).toEqual([{ path, message: refused(name) }]);
});

it('checks the Tasks of Parallel branches and Map processors (ItemProcessor and Iterator) too', () => {
  const inner = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'loadBatch', End: true } } };
  const definition = {
    StartAt: 'P',
    States: {
      P: { Type: 'Parallel', Branches: [{ StartAt: 'Ok', States: { Ok: { Type: 'Pass', End: true } } }, inner], Next: 'M' },
      M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, ...inner }, Next: 'I' },
      I: { Type: 'Map', Iterator: { StartAt: 'P2', States: { P2: { Type: 'Parallel', Branches: [inner], End: true } } }, End: true },
    },
  };
  expect(checkDefinition(definition, { activities }).map((p) => p.path)).toEqual([
    '$.States.P.Branches[1].States.T.Resource',
    '$.States.M.ItemProcessor.States.T.Resource',
    '$.States.I.Iterator.States.P2.Branches[0].States.T.Resource',
  ]);
});

it('leaves a dynamic FunctionName to run time, and takes the allowed names in every form', () => {
  const dynamic = task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.fn', Payload: {} } });
  const jsonataDynamic = {
    QueryLanguage: 'JSONata',
    ...task({ Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '{% $states.input.fn %}' } }),
  };
  const jsonataArguments = {
    QueryLanguage: 'JSONata',
    ...task({ Resource: 'arn:aws:states:::lambda:invoke', Arguments: '{% $states.input %}' }),
  };
  for (const definition of [
    dynamic,
    jsonataDynamic,
    jsonataArguments,
    task({ Resource: 'rollDie' }),
    task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:processBatch:prod' }),
    task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:saveResults' }),
    invoke('arn:aws:lambda:us-east-1:123456789012:function:fetchRecords'),
    task({ Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: 'child' } }),
  ]) {
    expect(checkDefinition(definition, { activities })).toEqual([]);
  }
});

it("passes the examples' own definitions and refuses secret-santa.asl.json, which binds to the pipeline's activities", () => {
  for (const name of ['dice', 'records', 'onboarding', 'onboard-member'])
    expect(checkDefinition(example(name), { activities })).toEqual([]);
  const problems = checkDefinition(example('secret-santa'), { activities });
  expect(problems.length).toBeGreaterThan(0);
  expect(
    problems.every((p) => p.path.endsWith('.Resource') && p.message.includes('is not an activity registered for state machines')),
  ).toBe(true);
});
