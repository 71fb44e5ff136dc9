/**
 * The SQS callback (examples/state-machines/approval.asl.json): a `sqs:sendMessage.waitForTaskToken` Task puts
 * `$$.Task.Token` in its message and waits; the test reads the queue with the real @aws-sdk/client-sqs, as a human's
 * tool would, and answers through the Step Functions API with the real @aws-sdk/client-sfn.
 */
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMachine, ended, type SfnStack, startSfnStack } from '../sfn/sfn-client';
import { type AwsClients, awsClients, createQueue, receive, unique } from './aws';
import { type Stand, startStandIns } from './servers';

const APPROVAL = JSON.parse(readFileSync(join(__dirname, '../../examples/state-machines/approval.asl.json'), 'utf8'));

let stand: Stand;
let s: SfnStack;
let aws: AwsClients;
let machine: string;
const saved = { ...process.env };

beforeAll(async () => {
  stand = await startStandIns();
  // Where the state-machines worker's SDK clients go: the SDK's own variables.
  Object.assign(process.env, stand.env);
  s = await startSfnStack('approval');
  aws = awsClients(stand);
  machine = await createMachine(s.sfn, unique('approval'), APPROVAL);
}, 120_000);

afterAll(async () => {
  aws?.destroy();
  await s?.close();
  await stand?.close();
  process.env = saved;
});

/** Starts an approval and reads its request from the queue: what the approver sees, the token included. */
async function ask(request: object): Promise<{ executionArn: string; message: { request: object; taskToken: string } }> {
  const queueUrl = await createQueue(aws, unique('approvals'));
  const { executionArn } = await s.sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ queueUrl, request }) }),
  );
  const [body] = await receive(aws, queueUrl, 1);
  return { executionArn: executionArn!, message: JSON.parse(body) };
}

it('the request and its token arrive on the queue; SendTaskSuccess approves, the decision in the output', async () => {
  const request = { what: 'a bigger budget', amount: 40 };
  const { executionArn, message } = await ask(request);
  expect(message).toEqual({ request, taskToken: expect.any(String) });
  expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  await s.sfn.send(new SendTaskSuccessCommand({ taskToken: message.taskToken, output: JSON.stringify({ by: 'Carol' }) }));
  const done = await ended(s.sfn, executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toEqual({ request, status: 'APPROVED', by: 'Carol' });
});

it('SendTaskFailure (Approval.Rejected) is caught: the execution ends REJECTED with the reason', async () => {
  const request = { what: 'a pony' };
  const { executionArn, message } = await ask(request);
  await s.sfn.send(new SendTaskFailureCommand({ taskToken: message.taskToken, error: 'Approval.Rejected', cause: 'no room' }));
  const done = await ended(s.sfn, executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toEqual({ request, status: 'REJECTED', reason: 'no room' });
});
