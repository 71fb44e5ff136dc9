/**
 * The activities registered FOR STATE MACHINES: the example activities (createExampleActivities in ./index.ts,
 * which must register exactly these), the only ones a Task of a stored definition may bind to. Never the Secret
 * Santa pipeline's own (parseParticipants, allocate, loadBatch, notifyEmail, loadStateMachine, …).
 *
 * A constant with no imports of the app on purpose: the API (PUT /state-machines/:name), the worker's activities
 * and the workflow's input (set by the API, see api/state-machine-runs.ts) all take it from here.
 */
import { INTEGRATION_ACTIVITIES } from 'states-language-temporal';
export const STATE_MACHINE_ACTIVITIES = [
  'rollDie',
  'fetchRecords',
  'processBatch',
  'saveResults',
  'addToTeam',
  'recordMember',
  'notifyOnboarding',
] as const;

export type StateMachineActivity = (typeof STATE_MACHINE_ACTIVITIES)[number];

/**
 * What a Task of a stored definition may bind to: the examples' activities and Step Functions' service integrations
 * (S3, DynamoDB, SNS, SQS, HTTP, a Distributed Map's ItemReader and ResultWriter: states-language-temporal/integrations).
 */
export const STATE_MACHINE_TASKS: readonly string[] = [...STATE_MACHINE_ACTIVITIES, ...INTEGRATION_ACTIVITIES];
