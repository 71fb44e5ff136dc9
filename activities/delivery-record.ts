import type { Channel } from '../lib/types';
import type { NotifyInput, NotifyResult } from './notify-types';
import { type RunData, runKeys } from './run-data';

/**
 * Keeps a record of each message the provider accepted, so a retry of the same message (after a worker
 * crash or a lost answer) does not send it again. Neither Mailgun nor Twilio takes an idempotency key: only a
 * crash between the provider's answer and this record can still duplicate a message.
 */
export function withDeliveryRecord(data: RunData, channel: Channel, send: (input: NotifyInput) => Promise<NotifyResult>) {
  return async (input: NotifyInput): Promise<NotifyResult> => {
    const key = runKeys.delivery(input.runId, channel, input.name);
    if (!input.again) {
      const recorded = await data.store.get(key);
      if (recorded !== undefined) return JSON.parse(recorded) as NotifyResult;
    }
    const result = await send(input);
    await data.store.put(key, JSON.stringify(result));
    return result;
  };
}
