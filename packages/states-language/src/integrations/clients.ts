/**
 * The AWS SDK v3 clients, from the SDK's own standard configuration: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
 * (S3, DYNAMODB, SNS, SQS) for the endpoints, region and credentials from the usual environment, profile or role.
 * So one definition reaches AWS itself or a self-hosted stand-in. Each call is made once (maxAttempts 1): retries
 * are the definition's Retry, not the SDK's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  s3(): S3Client;
  dynamodb(): DynamoDBClient;
  sns(): SNSClient;
  sqs(): SQSClient;
}

/** Clients made on first use, then kept. `env` is read for S3's addressing only (the SDK reads the rest itself). */
export function standardClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  const once = <T>(make: () => T) => {
    let client: T | undefined;
    return () => {
      client ??= make();
      return client;
    };
  };
  const common = { maxAttempts: 1 };
  // A stand-in (MinIO) answers at its own address, not at BUCKET.host: path-style addressing when an endpoint is set.
  const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return {
    s3: once(() => new S3Client({ ...common, forcePathStyle })),
    dynamodb: once(() => new DynamoDBClient(common)),
    sns: once(() => new SNSClient(common)),
    // A stand-in's queue URLs name hosts of its own making (sqs.REGION.127.0.0.1:port): with an endpoint set, it is used.
    sqs: once(() => new SQSClient({ ...common, useQueueUrlAsEndpoint: !(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL) })),
  };
}
