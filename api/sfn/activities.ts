/**
 * Step Functions activities: CreateActivity, DescribeActivity, ListActivities, DeleteActivity and GetActivityTask.
 * Their names live in the ActivityRegistry; their pending tasks are Temporal activity tasks on a queue per activity
 * (states-language-temporal's sfn-activities.ts), which GetActivityTask long-polls with PollActivityTaskQueue. So a
 * task waits durably in Temporal's matching service whether or not a worker or this API runs, and the answer
 * (SendTaskSuccess/Failure/Heartbeat, tasks.ts) completes it with Temporal's own task token, sealed.
 */
import type { Client } from '@temporalio/client';
import { activityTaskQueue, type TaskTokens } from 'states-language-temporal/client';
import { STATE_MACHINE_NAME } from 'states-language-temporal/client';
import type { TemporalConfig } from '../../lib/config';
import { ActivityLimitError, type ActivityRecord, type ActivityRegistry } from '../../storage/sfn-activities';
import type { Arns } from './arns';
import { SfnError } from './errors';
import { activityTaskQueuePrefix } from './executions';
import { MAX_TAGS, tagsOf } from './machines';
import { decodePayloads } from './temporal-reads';
import { type Body, decodeToken, encodeToken, epochSeconds, optionalString, pageSize, requiredString } from './wire';

/** AWS's long poll: GetActivityTask answers within 60 s, with a task or without. */
export const MAX_POLL_SECONDS = 60;
/** GetActivityTask calls this process holds open at once (each holds a Temporal poll); more: ActivityWorkerLimitExceeded. */
export const MAX_CONCURRENT_POLLS = 100;

export interface ActivityDeps {
  client: Client;
  arns: Arns;
  registry: ActivityRegistry;
  tokens: TaskTokens;
  temporal: TemporalConfig;
  /** How long one GetActivityTask waits for a task (SFN_ACTIVITY_POLL_SECONDS; tests shorten it). */
  pollSeconds: number;
}

const doesNotExist = (arn: string) => new SfnError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);

/** The grpc-js status of a call its deadline ended (Temporal normally answers empty just before it). */
const DEADLINE_EXCEEDED = 4;

export function activityActions({ client, arns, registry, tokens, temporal, pollSeconds }: ActivityDeps) {
  let polls = 0;
  const describe = (a: ActivityRecord) => ({
    activityArn: arns.activity(a.name),
    name: a.name,
    creationDate: epochSeconds(a.creationDate),
  });
  const find = async (arn: unknown, field = 'activityArn') => {
    const name = arns.parseActivity(arn, field);
    const record = await registry.get(name);
    if (!record) throw doesNotExist(arns.activity(name));
    return record;
  };

  return {
    async CreateActivity(body: Body) {
      const name = requiredString(body, 'name', 80);
      if (!STATE_MACHINE_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}' (1 to 80 letters, digits, - and _)`);
      const tags = tagsOf(body.tags);
      if (Object.keys(tags).length > MAX_TAGS) throw new SfnError('TooManyTags', `at most ${MAX_TAGS} tags`);
      const record = await registry
        .update((activities) => {
          // As AWS: creating an existing activity again answers it (idempotent), whatever the tags.
          const existing = activities.find((a) => a.name === name);
          if (existing) return { result: existing };
          const made: ActivityRecord = { name, creationDate: Date.now(), tags };
          return { activities: [...activities, made], result: made };
        })
        .catch((error: unknown) => {
          if (error instanceof ActivityLimitError) throw new SfnError('ActivityLimitExceeded', error.message);
          throw error;
        });
      return { activityArn: arns.activity(record.name), creationDate: epochSeconds(record.creationDate) };
    },

    async DescribeActivity(body: Body) {
      return describe(await find(body.activityArn));
    },

    async ListActivities(body: Body) {
      const size = pageSize(body);
      const after = decodeToken(
        optionalString(body, 'nextToken', 1024),
        (v): v is { after: string } => typeof (v as { after?: unknown })?.after === 'string',
      );
      const sorted = (await registry.list()).sort((a, b) => (a.name < b.name ? -1 : 1));
      const rest = after ? sorted.filter((a) => a.name > after.after) : sorted;
      const page = rest.slice(0, size);
      return {
        activities: page.map(describe),
        ...(rest.length > size ? { nextToken: encodeToken({ after: page[page.length - 1].name }) } : {}),
      };
    },

    /** Tasks already scheduled stay in their queue until a worker takes them or their TimeoutSeconds ends them. */
    async DeleteActivity(body: Body) {
      const name = arns.parseActivity(body.activityArn);
      await registry.update((activities) => ({ activities: activities.filter((a) => a.name !== name), result: undefined }));
      return {};
    },

    /**
     * A task of the activity, or `{}` when none came within the poll (at most 60 s, as AWS). A task handed to a caller
     * that has gone away meanwhile is, as with a worker that crashed, ended by its HeartbeatSeconds or TimeoutSeconds.
     */
    async GetActivityTask(body: Body) {
      const { name } = await find(body.activityArn);
      const workerName = optionalString(body, 'workerName', 80) ?? 'sfn-activity-worker';
      if (polls >= MAX_CONCURRENT_POLLS) {
        throw new SfnError('ActivityWorkerLimitExceeded', `at most ${MAX_CONCURRENT_POLLS} GetActivityTask calls wait at once`);
      }
      polls++;
      try {
        const deadline = Date.now() + Math.min(pollSeconds, MAX_POLL_SECONDS) * 1000;
        const task = await client.connection
          .withDeadline(deadline, () =>
            client.workflowService.pollActivityTaskQueue({
              namespace: client.options.namespace,
              taskQueue: { name: activityTaskQueue(activityTaskQueuePrefix(temporal), arns.activity(name)), kind: 1 },
              identity: workerName,
            }),
          )
          .catch((error: { code?: number }) => {
            if (error?.code === DEADLINE_EXCEEDED) return undefined;
            throw error;
          });
        if (!task?.taskToken || task.taskToken.length === 0) return {};
        const [input] = await decodePayloads(client, task.input);
        return { taskToken: tokens.activity(task.taskToken), input: JSON.stringify(input ?? {}) };
      } finally {
        polls--;
      }
    },
  };
}
