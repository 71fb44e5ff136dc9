/** What the Step Functions tests share: the suite's stack with the API listening, and an SDK client signed for it. */
import type { AddressInfo } from 'node:net';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';

export const ROLE = 'arn:aws:iam::000000000000:role/test';
export const unique = (name: string) => `${name}-${Date.now().toString(36)}`;

export interface SfnStack {
  stack: TestStack;
  endpoint: string;
  sfn: SFNClient;
  close(): Promise<void>;
}

/** The stack (API_TOKEN set: requests signed with it as the secret), listening on a free port. */
export async function startSfnStack(name: string, env: Record<string, string> = {}): Promise<SfnStack> {
  const token = `${name}-organiser-token`;
  const stack = await startTestStack(name, { env: { API_TOKEN: token, ...env } });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  // disableHostPrefix: some actions' model asks for a host prefix, which 127.0.0.1 cannot take.
  const sfn = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: token },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  return {
    stack,
    endpoint,
    sfn,
    async close() {
      sfn.destroy();
      await stack.close();
    },
  };
}

export async function createMachine(sfn: SFNClient, name: string, definition: unknown): Promise<string> {
  const made = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
  return made.stateMachineArn!;
}

export function ended(sfn: SFNClient, executionArn: string, timeoutMs = 30_000) {
  return until(
    `${executionArn} to end`,
    async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    },
    timeoutMs,
  );
}
