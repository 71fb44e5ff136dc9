/**
 * The service integrations this runtime runs, by Resource: what activity each becomes and the fields its
 * Parameters (or Arguments) take, as the service's API names them. Pure (no SDK): the checker and the resolver read
 * it; `./index.ts` binds the activities.
 */

export interface IntegrationSpec {
  /** The worker's activity that does the call. */
  activity: string;
  /** Fields a call must give. */
  required: readonly string[];
  /** Every field it may give (the required included). */
  fields: readonly string[];
  /** At least one of these (sns:publish: where to publish). */
  oneOf?: readonly string[];
}

const spec = (activity: string, required: string[], optional: string[], oneOf?: string[]): IntegrationSpec => ({
  activity,
  required,
  fields: [...required, ...optional, ...(oneOf ?? [])],
  ...(oneOf ? { oneOf } : {}),
});

const SSE = ['ExpectedBucketOwner', 'SSECustomerAlgorithm', 'SSECustomerKey', 'SSECustomerKeyMD5', 'RequestPayer'];
const ITEM_OPTIONS = ['ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues', 'ReturnConsumedCapacity'];

/** Keyed by what follows `arn:aws:states:::` (without the integration pattern). */
export const INTEGRATIONS: Readonly<Record<string, IntegrationSpec>> = {
  'aws-sdk:s3:getObject': spec('integration:s3:getObject', ['Bucket', 'Key'], ['VersionId', 'Range', 'IfMatch', 'IfNoneMatch', ...SSE]),
  'aws-sdk:s3:headObject': spec('integration:s3:headObject', ['Bucket', 'Key'], ['VersionId', 'Range', 'IfMatch', 'IfNoneMatch', ...SSE]),
  'aws-sdk:s3:putObject': spec(
    'integration:s3:putObject',
    ['Bucket', 'Key'],
    ['Body', 'ContentType', 'ContentEncoding', 'ContentDisposition', 'CacheControl', 'Metadata', 'Tagging', 'StorageClass', ...SSE],
  ),
  'aws-sdk:s3:copyObject': spec(
    'integration:s3:copyObject',
    ['Bucket', 'Key', 'CopySource'],
    ['MetadataDirective', 'Metadata', 'ContentType', 'StorageClass', 'Tagging', 'TaggingDirective', 'ExpectedBucketOwner'],
  ),
  'aws-sdk:s3:deleteObject': spec('integration:s3:deleteObject', ['Bucket', 'Key'], ['VersionId', 'ExpectedBucketOwner']),
  'aws-sdk:s3:listObjectsV2': spec(
    'integration:s3:listObjectsV2',
    ['Bucket'],
    ['Prefix', 'Delimiter', 'MaxKeys', 'ContinuationToken', 'StartAfter', 'FetchOwner', 'EncodingType', 'ExpectedBucketOwner'],
  ),
  'dynamodb:putItem': spec('integration:dynamodb:putItem', ['TableName', 'Item'], [...ITEM_OPTIONS, 'ReturnValues']),
  'dynamodb:getItem': spec(
    'integration:dynamodb:getItem',
    ['TableName', 'Key'],
    ['ConsistentRead', 'ProjectionExpression', 'ExpressionAttributeNames', 'ReturnConsumedCapacity'],
  ),
  'dynamodb:updateItem': spec(
    'integration:dynamodb:updateItem',
    ['TableName', 'Key'],
    [...ITEM_OPTIONS, 'UpdateExpression', 'ReturnValues'],
  ),
  'dynamodb:deleteItem': spec('integration:dynamodb:deleteItem', ['TableName', 'Key'], [...ITEM_OPTIONS, 'ReturnValues']),
  'sns:publish': spec(
    'integration:sns:publish',
    ['Message'],
    ['Subject', 'MessageStructure', 'MessageAttributes', 'MessageGroupId', 'MessageDeduplicationId'],
    ['TopicArn', 'TargetArn', 'PhoneNumber'],
  ),
  'sqs:sendMessage': spec(
    'integration:sqs:sendMessage',
    ['QueueUrl', 'MessageBody'],
    ['DelaySeconds', 'MessageAttributes', 'MessageGroupId', 'MessageDeduplicationId'],
  ),
  'http:invoke': spec(
    'integration:http:invoke',
    ['ApiEndpoint', 'Method'],
    ['Headers', 'QueryParameters', 'RequestBody', 'Authentication', 'Transform'],
  ),
};

/** The Distributed Map's reader and writer of S3 (ItemReader, ResultWriter): activities too. */
export const ITEM_READER_ACTIVITY = 'integration:s3:readItems';
export const RESULT_WRITER_ACTIVITY = 'integration:s3:writeResults';

/** Every integration's activity: what a worker registers and a starter adds to the allowlist. */
export const INTEGRATION_ACTIVITIES: readonly string[] = [
  ...Object.values(INTEGRATIONS).map((i) => i.activity),
  ITEM_READER_ACTIVITY,
  RESULT_WRITER_ACTIVITY,
];

/**
 * The problems of a call's fields, given the names it sets (a JSONPath template's `Name.$` counts as `Name`).
 * Empty when it may be sent.
 */
export function fieldProblems(integration: IntegrationSpec, given: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of integration.required) if (!given.includes(name)) problems.push(`'${name}' is required`);
  if (integration.oneOf && !integration.oneOf.some((name) => given.includes(name)))
    problems.push(`one of ${integration.oneOf.map((n) => `'${n}'`).join(', ')} is required`);
  for (const name of given) if (!integration.fields.includes(name)) problems.push(`'${name}' is not a field of this call`);
  return problems;
}
