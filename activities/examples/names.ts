/**
 * The activities registered FOR STATE MACHINES: the example activities (createExampleActivities in ./index.ts,
 * which must register exactly these), the only ones a Task of a stored definition may bind to. Never the Secret
 * Santa pipeline's own (parseParticipants, allocate, loadBatch, notifyEmail, loadStateMachine, …).
 *
 * A constant with no imports on purpose: the API (PUT /state-machines/:name), the worker's activities and the
 * workflow's input (set by the API, see api/state-machine-runs.ts) all take it from here.
 */
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
