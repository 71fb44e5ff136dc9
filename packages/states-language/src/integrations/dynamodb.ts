/** `arn:aws:states:::dynamodb:putItem|getItem|updateItem|deleteItem`: the DynamoDB API's own request and answer. */
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AwsClients } from './clients';
import { serviceFailure } from './errors';
import { plain, request } from './shapes';

async function call<T extends object>(send: () => Promise<T>) {
  try {
    return plain(await send());
  } catch (error) {
    throw serviceFailure('DynamoDB', error, 'optimized');
  }
}

export function dynamodbActivities(clients: AwsClients) {
  const db = () => clients.dynamodb();
  return {
    async 'integration:dynamodb:putItem'(input: unknown) {
      const args = request('dynamodb:putItem', input) as unknown as PutItemCommandInput;
      return call(() => db().send(new PutItemCommand(args)));
    },
    async 'integration:dynamodb:getItem'(input: unknown) {
      const args = request('dynamodb:getItem', input) as unknown as GetItemCommandInput;
      return call(() => db().send(new GetItemCommand(args)));
    },
    async 'integration:dynamodb:updateItem'(input: unknown) {
      const args = request('dynamodb:updateItem', input) as unknown as UpdateItemCommandInput;
      return call(() => db().send(new UpdateItemCommand(args)));
    },
    async 'integration:dynamodb:deleteItem'(input: unknown) {
      const args = request('dynamodb:deleteItem', input) as unknown as DeleteItemCommandInput;
      return call(() => db().send(new DeleteItemCommand(args)));
    },
  };
}
