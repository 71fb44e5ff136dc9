import type { Config } from '../lib/config';
import { createAllocate } from './allocate';
import { createLoadStateMachine, StateMachineStore } from './asl-state-machines';
import { createExampleActivities } from './examples';
import { createFindNotification, createLoadBatch } from './load-batch';
import { createNotifyEmail } from './notify-email';
import { notifyActivity } from './notify-retries';
import { createNotifySms } from './notify-sms';
import { createObjectStore } from './object-store';
import { Outbox } from './outbox';
import { createParseParticipants } from './parse-participants';
import { RunData } from './run-data';
import { createStoreAllocations } from './store-allocations';
import { createValidateAllocations } from './validate-allocations';
import { createValidateParticipants } from './validate-participants';

/** Every activity the worker registers, bound to its configuration. */
export function createActivities(config: Config) {
  const outbox = new Outbox(config.outboxDir);
  const data = new RunData(createObjectStore(config.storage));
  return {
    parseParticipants: createParseParticipants(data),
    validateParticipants: createValidateParticipants(data),
    allocate: createAllocate(data),
    validateAllocations: createValidateAllocations(data),
    storeAllocations: createStoreAllocations(data),
    loadBatch: createLoadBatch(data),
    findNotification: createFindNotification(data),
    notifyEmail: notifyActivity(createNotifyEmail(config.mailgun, outbox)),
    notifySms: notifyActivity(createNotifySms(config.twilio, outbox)),
    loadStateMachine: createLoadStateMachine(new StateMachineStore(data.store)),
    // Tasks of the example state machines (examples/state-machines/).
    ...createExampleActivities(data.store),
  };
}

export type Activities = ReturnType<typeof createActivities>;
