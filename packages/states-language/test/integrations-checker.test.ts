/** The checker and the resolver on service integrations: what binds to which activity, and the fields each call takes. */
import { checkDefinition } from '../src/checker';
import { INTEGRATION_ACTIVITIES } from '../src/integrations/catalog';
import { parseCsv } from '../src/integrations/csv';
import { hostPolicy } from '../src/integrations/hosts';
import { resolveResource } from '../src/resource';

const task = (Resource: string, Parameters?: object) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource, ...(Parameters ? { Parameters } : {}), End: true } },
});

it('resolves each integration to its activity, and refuses the ones not served', () => {
  expect(resolveResource('arn:aws:states:::aws-sdk:s3:getObject')).toMatchObject({
    kind: 'integration',
    spec: { activity: 'integration:s3:getObject' },
  });
  expect(resolveResource('arn:aws:states:::dynamodb:updateItem')).toMatchObject({
    kind: 'integration',
    spec: { activity: 'integration:dynamodb:updateItem' },
  });
  expect(resolveResource('arn:aws:states:::http:invoke')).toMatchObject({
    kind: 'integration',
    spec: { activity: 'integration:http:invoke' },
  });
  expect(resolveResource('arn:aws:states:::aws-sdk:s3:createBucket')).toMatchObject({ kind: 'unsupported' });
  expect(resolveResource('arn:aws:states:::dynamodb:query')).toMatchObject({ kind: 'unsupported' });
});

it('checks the fields of a call, a JSONPath `.$` counting as its field', () => {
  expect(checkDefinition(task('arn:aws:states:::dynamodb:putItem', { TableName: 't', 'Item.$': '$.item' }))).toEqual([]);
  expect(checkDefinition(task('arn:aws:states:::dynamodb:putItem', { TableName: 't', Itme: {} }))).toEqual([
    { path: '$.States.T.Parameters', message: "'Item' is required" },
    { path: '$.States.T.Parameters', message: "'Itme' is not a field of this call" },
  ]);
  expect(checkDefinition(task('arn:aws:states:::sns:publish', { Message: 'hi' }))).toEqual([
    { path: '$.States.T.Parameters', message: "one of 'TopicArn', 'TargetArn', 'PhoneNumber' is required" },
  ]);
});

it('binds integrations to the allowlist like any activity', () => {
  const def = task('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'q', MessageBody: 'm' });
  expect(checkDefinition(def, { activities: ['rollDie'] })).toEqual([
    { path: '$.States.T.Resource', message: expect.stringContaining("'integration:sqs:sendMessage' is not an activity registered") },
  ]);
  expect(checkDefinition(def, { activities: INTEGRATION_ACTIVITIES })).toEqual([]);
});

it('takes ItemReader and ResultWriter on a DISTRIBUTED Map only, with their fields', () => {
  const map = (mode: string, reader: object) => ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemReader: reader,
        ItemProcessor: { ProcessorConfig: { Mode: mode }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  });
  const csv = {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' },
    Parameters: { Bucket: 'b' },
  };
  expect(checkDefinition(map('DISTRIBUTED', csv)).map((p) => `${p.path}: ${p.message}`)).toEqual([
    "$.States.M.ItemReader.Parameters: 'Key' is required",
    '$.States.M.ItemReader.ReaderConfig.CSVHeaders: GIVEN headers are a non-empty array of strings',
  ]);
  expect(checkDefinition(map('INLINE', { ...csv, ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } }))).toEqual([
    { path: '$.States.M.ItemReader', message: 'ItemReader needs a DISTRIBUTED Map (ItemProcessor.ProcessorConfig.Mode)' },
  ]);
});

it('reads RFC 4180 CSV: quotes, doubled quotes, CRLF, a BOM, blank lines', () => {
  expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n1,\n')).toEqual([
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['1', ''],
  ]);
  expect(parseCsv('a\n1\n2\n3', ',', 2)).toEqual([['a'], ['1']]);
});

it('allows only the hosts and networks listed, when there is a list', () => {
  const policy = hostPolicy(['api.github.com', '*.example.com', '10.0.0.0/8', '::1']);
  expect(policy.allows('api.github.com', '140.82.1.1')).toBe(true);
  expect(policy.allows('a.example.com', '93.184.216.34')).toBe(true);
  expect(policy.allows('example.com.evil.net', '1.2.3.4')).toBe(false);
  expect(policy.allows('internal', '10.1.2.3')).toBe(true);
  expect(policy.allows('localhost', '127.0.0.1')).toBe(false);
  expect(policy.allows('localhost', '::1')).toBe(true);
  expect(hostPolicy(undefined).allows('anything', '169.254.169.254')).toBe(true);
  expect(() => hostPolicy(['10.0.0.0/99'])).toThrow(/not a network/);
});
