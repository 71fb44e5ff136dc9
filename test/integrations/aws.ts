/**
 * What the integration tests do with the stand-ins through the real AWS SDK: clients at the stand-ins' addresses,
 * a table keyed by one string attribute, a queue (optionally subscribed to a new topic), messages read until enough
 * have come.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Stand } from './servers';

export const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;

export function awsClients(stand: Stand) {
  const common = {
    region: 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  };
  return {
    db: new DynamoDBClient({ ...common, endpoint: stand.env.AWS_ENDPOINT_URL_DYNAMODB }),
    sqs: new SQSClient({ ...common, endpoint: stand.env.AWS_ENDPOINT_URL_SQS }),
    sns: new SNSClient({ ...common, endpoint: stand.env.AWS_ENDPOINT_URL_SNS }),
    s3: new S3Client({ ...common, endpoint: stand.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true }),
    destroy() {
      for (const each of [this.db, this.sqs, this.sns, this.s3]) each.destroy();
    },
  };
}
export type AwsClients = ReturnType<typeof awsClients>;

/** A table whose key is the string attribute `key`. */
export async function createTable(aws: AwsClients, TableName: string, key: string): Promise<void> {
  await aws.db.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function createQueue(aws: AwsClients, name: string): Promise<string> {
  return (await aws.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
}

/** A new topic, and a new queue subscribed to it (raw delivery: each message's body is what was published). */
export async function topicWithQueue(aws: AwsClients, name: string): Promise<{ TopicArn: string; QueueUrl: string }> {
  const QueueUrl = await createQueue(aws, name);
  const { TopicArn } = await aws.sns.send(new CreateTopicCommand({ Name: name }));
  const Endpoint = `arn:aws:sqs:us-east-1:000000000000:${QueueUrl.split('/').pop()}`;
  await aws.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint, Attributes: { RawMessageDelivery: 'true' } }));
  return { TopicArn: TopicArn!, QueueUrl };
}

/** The bodies of `count` messages of the queue (long polls until they have come; then no more than `count`). */
export async function receive(aws: AwsClients, QueueUrl: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < count) {
    if (Date.now() > deadline) throw new Error(`${bodies.length} of ${count} messages came to ${QueueUrl} in ${timeoutMs} ms`);
    const got = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    bodies.push(...(got.Messages ?? []).map((m) => m.Body ?? ''));
  }
  return bodies;
}
