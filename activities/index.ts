import type { Config } from '../lib/config';
import { allocate } from './allocate';
import { createNotifyEmail } from './notify-email';
import { createNotifySms } from './notify-sms';
import { Outbox } from './outbox';
import { parseParticipants } from './parse-participants';
import { createStoreAllocations } from './store-allocations';
import { validateAllocations } from './validate-allocations';
import { validateParticipants } from './validate-participants';

/** Every activity the worker registers, bound to its configuration. */
export function createActivities(config: Config) {
  const outbox = new Outbox(config.outboxDir);
  return {
    parseParticipants,
    validateParticipants,
    allocate,
    validateAllocations,
    storeAllocations: createStoreAllocations(config.storage),
    notifyEmail: createNotifyEmail(config.mailgun, outbox),
    notifySms: createNotifySms(config.twilio, outbox),
  };
}

export type Activities = ReturnType<typeof createActivities>;
