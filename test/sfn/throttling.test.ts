/**
 * The API's rate limit on `POST /` answers as AWS throttles in the JSON protocol: HTTP 400, `__type` and
 * `X-Amzn-Errortype` ThrottlingException, a name the AWS SDK classifies as throttling (and retries with its backoff).
 */
import { ListActivitiesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type SfnStack, startSfnStack } from './sfn-client';

let s: SfnStack;

beforeAll(async () => {
  s = await startSfnStack('sfn-throttling', { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 hour' });
});

afterAll(async () => {
  await s?.close();
});

it('past the rate limit the SDK gets ThrottlingException with HTTP 400, as from AWS', async () => {
  const outcomes: unknown[] = [];
  for (let i = 0; i < 5; i++) outcomes.push(await s.sfn.send(new ListActivitiesCommand({})).catch((error: unknown) => error));
  expect(outcomes.slice(0, 3).every((o) => !(o instanceof Error))).toBe(true);
  for (const refused of outcomes.slice(3)) {
    expect(refused).toMatchObject({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect((refused as Error).message).toMatch(/^Rate exceeded: too many requests: at most 3 in 1 hour/);
  }
  // The SDK retries it as throttling (a plain 400 it would not retry): two attempts, both throttled here.
  const retrying = new SFNClient({
    endpoint: s.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'sfn-throttling-organiser-token' },
    maxAttempts: 2,
  });
  try {
    await expect(retrying.send(new ListActivitiesCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { attempts: 2 },
    });
  } finally {
    retrying.destroy();
  }
  // The raw answer: the header and body the SDKs of other languages read.
  const raw = await fetch(s.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListActivities' },
    body: '{}',
  });
  expect(raw.status).toBe(400);
  expect(raw.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
  expect(await raw.json()).toMatchObject({ __type: 'ThrottlingException' });
});
