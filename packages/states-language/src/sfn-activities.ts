/**
 * Step Functions activities (a Task whose Resource is `arn:aws:states:<region>:<account>:activity:<name>`), when the
 * starter asks for them (StateMachineInput.activityTaskQueuePrefix): the Task schedules an activity of this type on
 * a task queue of that activity's own, which no worker of ours polls. Whoever serves GetActivityTask polls that queue
 * (Temporal's PollActivityTaskQueue) and answers with the task's token: the pending tasks are Temporal's own durable
 * queue, so none is lost when the poller or the API restarts, and TimeoutSeconds / HeartbeatSeconds are Temporal's
 * schedule-to-close and heartbeat timeouts. Pure: shared by the workflow and the poller.
 */

/** The activity type such a Task schedules. */
export const SFN_ACTIVITY_TYPE = 'StepFunctionsActivity';

/** The task queue of one activity's pending tasks (Temporal allows 1,000 characters; an activity ARN is far shorter). */
export const activityTaskQueue = (prefix: string, activityArn: string): string => `${prefix}${activityArn}`;
