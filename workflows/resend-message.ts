import { ApplicationFailure } from '@temporalio/workflow';
import type { NotifyResult } from '../activities/notify-types';
import { ErrorType } from '../lib/errors';
import type { Channel } from '../lib/types';
import { notifyBy, steps } from './activity-proxies';

export interface ResendMessageInput {
  runId: string;
  participantsKey: string;
  /** The giver: by name (the organiser's resend) or by their personal link's id (their own, from their page). */
  name?: string;
  linkId?: string;
  channel: Channel;
  /** How long the message is retried, in ms (SANTA_NOTIFY_RETRY_BUDGET); without it, an hour. */
  notifyRetryBudgetMs?: number;
}

/** "I lost my email": one person's message again, from the stored draw, with the same Retry as the run's. */
export async function resendMessage(input: ResendMessageInput): Promise<NotifyResult & { name: string }> {
  const item = await steps.findNotification(input);
  const to = input.channel === 'email' ? item.email : item.phone;
  if (!to) {
    throw ApplicationFailure.nonRetryable(
      `${item.name} has no ${input.channel === 'email' ? 'email address' : 'phone number'}`,
      ErrorType.NoContact,
    );
  }
  const send = notifyBy(input.notifyRetryBudgetMs)[input.channel];
  const result = await send({ runId: input.runId, name: item.name, to, again: true });
  return { ...result, name: item.name };
}
