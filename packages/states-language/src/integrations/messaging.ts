/**
 * `arn:aws:states:::sns:publish` and `arn:aws:states:::sqs:sendMessage`. As in Step Functions, a Message or
 * MessageBody that is JSON rather than text is sent as its JSON text.
 */
import { PublishCommand, type PublishCommandInput } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import type { AwsClients } from './clients';
import { serviceFailure } from './errors';
import { asText, plain, request } from './shapes';

export function messagingActivities(clients: AwsClients) {
  return {
    async 'integration:sns:publish'(input: unknown) {
      const args = request('sns:publish', input);
      const command = new PublishCommand({ ...(args as unknown as PublishCommandInput), Message: asText(args.Message) });
      try {
        return plain(await clients.sns().send(command));
      } catch (error) {
        throw serviceFailure('SNS', error, 'optimized');
      }
    },
    async 'integration:sqs:sendMessage'(input: unknown) {
      const args = request('sqs:sendMessage', input);
      const command = new SendMessageCommand({ ...(args as unknown as SendMessageCommandInput), MessageBody: asText(args.MessageBody) });
      try {
        return plain(await clients.sqs().send(command));
      } catch (error) {
        throw serviceFailure('SQS', error, 'optimized');
      }
    },
  };
}
