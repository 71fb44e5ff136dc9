import { DrawSeal } from '../lib/codec/draw-seal';
import type { Config } from '../lib/config';
import { createAllocate } from './allocate';
import { createExampleActivities } from './examples';
import { createFindNotification, createLoadBatch } from './load-batch';
import { createResolveMessage, fromRequest } from './messages';
import { createNotifyEmail } from './notify-email';
import { notifyActivity } from './notify-retries';
import { createNotifySms } from './notify-sms';
import { createObjectStore } from '../storage/object-store';
import { Outbox } from './outbox';
import { createParseParticipants } from './parse-participants';
import { createRevealDraw } from './reveal-draw';
import { RunData } from '../storage/run-data';
import { createStoreAllocations } from './store-allocations';
import { createValidateAllocations } from './validate-allocations';
import { createValidateParticipants } from './validate-participants';
import { createExchangeActivities } from './exchange';
import { ExchangeData } from '../storage/exchange-data';
import { createLoadStateMachine, createTaskTokenActivities, TaskTokens } from 'states-language-temporal/activities';
import { taskTokenSecret } from '../lib/sfn-task-token-secret';
import { StateMachineStore } from '../storage/state-machines';
import { STATE_MACHINE_TASKS } from './examples/names';
import { createIntegrations, integrationOptionsFromEnv } from 'states-language-temporal/integrations';

/** Every activity the worker registers, bound to its configuration. The draw key is the worker's alone. */
export function createActivities(config: Config) {
  if (!config.drawKeys)
    throw new Error('SANTA_DRAW_KEY is not set: the worker seals every draw under it (base64 of 32 bytes; npm start makes one)');
  const outbox = new Outbox(config.outboxDir);
  const data = new RunData(createObjectStore(config.storage), new DrawSeal(config.drawKeys));
  return {
    parseParticipants: createParseParticipants(data),
    validateParticipants: createValidateParticipants(data),
    allocate: createAllocate(data),
    validateAllocations: createValidateAllocations(data),
    storeAllocations: createStoreAllocations(data),
    loadBatch: createLoadBatch(data),
    findNotification: createFindNotification(data),
    revealDraw: createRevealDraw(data),
    notifyEmail: fromRequest(
      createResolveMessage(data, config.publicUrl, 'email'),
      notifyActivity(createNotifyEmail(config.mailgun, outbox)),
    ),
    notifySms: fromRequest(createResolveMessage(data, config.publicUrl, 'sms'), notifyActivity(createNotifySms(config.twilio, outbox))),
    // Exchanges: the same sealed store and the same notify functions, their messages composed in the worker.
    ...createExchangeActivities(data, new ExchangeData(data.store, data.drawSeal), config.publicUrl, {
      email: notifyActivity(createNotifyEmail(config.mailgun, outbox)),
      sms: notifyActivity(createNotifySms(config.twilio, outbox)),
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * What the States Language worker registers, on its own task queue: loading stored definitions and the activities
 * registered for state machines (the examples'). Never the pipeline's: a Task cannot reach them from there.
 */
export function createStateMachineActivities(config: Config) {
  const store = createObjectStore(config.storage);
  return {
    loadStateMachine: createLoadStateMachine(new StateMachineStore(store), { activities: STATE_MACHINE_TASKS }),
    ...createExampleActivities(store),
    // Step Functions' service integrations, through the AWS SDK's own configuration (AWS_ENDPOINT_URL_<SERVICE>, …).
    ...createIntegrations(integrationOptionsFromEnv()),
    // Callback Tasks' tokens (.waitForTaskToken), sealed under the secret the Step Functions API opens them with.
    ...createTaskTokenActivities(new TaskTokens(taskTokenSecret(config))),
  };
}
