/** Failures of service calls, named as Step Functions names them, so Retry and Catch match what AWS would throw. */
import { ApplicationFailure } from '@temporalio/common';

interface SdkError {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * `S3.NoSuchKeyException` for the AWS SDK integrations (the service's error name with `Exception` added when AWS's
 * lacks it), `DynamoDB.ConditionalCheckFailedException` for the optimized ones; a call that never got an answer
 * (connection refused, DNS) is `States.TaskFailed` with what went wrong.
 */
export function serviceFailure(service: string, error: unknown, style: 'sdk' | 'optimized'): ApplicationFailure {
  const e = (error ?? {}) as SdkError;
  const message = e.message || String(error);
  if (!e.$metadata?.httpStatusCode) return ApplicationFailure.create({ type: 'States.TaskFailed', message: `${service}: ${message}` });
  let name = e.name && e.name !== 'Error' ? e.name : 'UnknownError';
  if (style === 'sdk' && !name.endsWith('Exception')) name = `${name}Exception`;
  const cause =
    `${message} (Service: ${service}, Status Code: ${e.$metadata.httpStatusCode}, ` +
    `Error Code: ${e.name}, Request ID: ${e.$metadata.requestId ?? '-'})`;
  return ApplicationFailure.create({ type: `${service}.${name}`, message: cause });
}

/** A call whose fields are wrong: refused before it goes out, naming the integration. */
export function badRequest(resource: string, problems: string[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${resource}: ${problems.join('; ')}`, 'States.Runtime');
}

/** Over Step Functions' 256 KiB: the same terminal error as any state's data. */
export function tooLarge(what: string, limit: number): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${what} is larger than ${limit} bytes`, 'States.DataLimitExceeded');
}
