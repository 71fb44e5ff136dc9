/**
 * Records histories of the example state machines (test/histories/asl/*.json) that test/asl/replay.test.ts
 * replays on the current workflow code. After an intended, compatible change of the interpreter:
 * `bash scripts/with-tools.sh -- tsx scripts/record-asl-histories.ts` (needs PostgreSQL at DATABASE_URL, as the tests do).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, createStateMachineActivities } from '../activities';
import { StateMachineStore } from '../storage/state-machines';
import { createExampleActivities } from '../activities/examples';
import { createObjectStore } from '../storage/object-store';
import { uploadParticipants } from '../storage/run-data';
import type { Definition } from 'states-language-temporal';
import { loadConfig } from '../lib/config';
import { FakeTeamApi } from '../test/asl/support/fake-team-api';
import { temporalTestActivities } from '../test/asl/support/temporal-activities';
import { startFakeProviders } from '../testkit/providers';
import { createWorker } from '../worker/create-worker';
import { stateMachine } from '../workflows';
import { DevServer } from './dev-server';

const historiesDir = join(__dirname, '../test/histories/asl');
const example = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../examples/state-machines', `${name}.asl.json`), 'utf8')) as Definition;

/** Every kind of state and most of the machinery in one small machine: Parallel, Map, Retry with its timer, Catch, Wait, JSONata. */
const mixed: Definition = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Flaky',
          States: {
            Flaky: {
              Type: 'Task',
              Resource: 'failUntil',
              Parameters: { 'key.$': '$$.Execution.Id', times: 1, error: 'Flaky', result: 'ok' },
              Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1 }],
              End: true,
            },
          },
        },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.numbers',
              MaxConcurrency: 2,
              ItemProcessor: {
                StartAt: 'Add',
                States: { Add: { Type: 'Task', Resource: 'add', Parameters: { 'a.$': '$', b: 1 }, End: true } },
              },
              End: true,
            },
          },
        },
      ],
      ResultPath: '$.both',
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Fails' },
    Fails: {
      Type: 'Task',
      Resource: 'fail',
      Parameters: { error: 'Expected', cause: 'caught below' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Sum' }],
      End: true,
    },
    Sum: {
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: { total: '{% $sum($states.input.both[1]) %}', caught: '{% $states.input.caught.Error %}' },
      End: true,
    },
  },
};

async function main(): Promise<void> {
  const executable = process.env.TEMPORAL_CLI;
  if (!executable) throw new Error('TEMPORAL_CLI is not set: run through scripts/with-tools.sh');
  const server = await DevServer.start({ cli: executable });
  const env = {
    client: new Client({ connection: await Connection.connect({ address: server.address }) }),
    nativeConnection: await NativeConnection.connect({ address: server.address }),
  };
  const providers = await startFakeProviders();
  const teamApi = await new FakeTeamApi().listen();
  const dir = mkdtempSync(join(tmpdir(), 'asl-record-'));
  const config = loadConfig({
    ...providers.env,
    TEMPORAL_TASK_QUEUE: 'record-asl-histories',
    SANTA_DATA_DIR: dir,
    SANTA_OUTBOX_DIR: dir,
    SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
  });
  const store = createObjectStore(config.storage);
  const rolls = [2, 5];
  const worker = await createWorker(config, env.nativeConnection, {
    activities: {
      ...createActivities(config),
      ...createStateMachineActivities(config),
      ...createExampleActivities(store, {
        teamApiUrl: teamApi.url,
        databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      }),
      ...temporalTestActivities,
      rollDie: async () => rolls.shift() ?? 6,
    },
  });
  await new StateMachineStore(store).put('onboard-member', example('onboard-member'));

  const save = async (workflowId: string, file: string) => {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(join(historiesDir, `${file}.json`), historyToJSON(history) + '\n');
    console.log(`recorded ${file}`);
  };
  const record = async (file: string, definition: Definition, input: unknown, name: string) => {
    const handle = await env.client.workflow.start(stateMachine, {
      workflowId: `history-${file}`,
      taskQueue: config.temporal.taskQueue,
      args: [{ definition, input, name }],
    });
    await handle.result().catch(() => undefined);
    await save(handle.workflowId, file);
    return handle;
  };

  const firstChild = async (parent: {
    workflowId: string;
    fetchHistory(): Promise<{
      events?: { startChildWorkflowExecutionInitiatedEventAttributes?: { workflowId?: string | null } | null }[] | null;
    }>;
  }) => {
    const id = (await parent.fetchHistory()).events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
      ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (!id) throw new Error(`${parent.workflowId} started no child`);
    return id;
  };

  try {
    await worker.runUntil(async () => {
      const csv = [
        'Alice,alice@example.com,+447700900001,Bob',
        'Bob,bob@example.com,,',
        'Carol,,+447700900003,Alice',
        'Dave,dave@example.com,+447700900004,',
      ].join('\n');
      const csvKey = await uploadParticipants(store, 'history-secret-santa', csv);
      const santa = await record('secret-santa', example('secret-santa'), { csvKey }, 'secret-santa');
      await save(await firstChild(santa), 'secret-santa-batch');
      await record('dice', example('dice'), { rolls: 0, waitSeconds: 1 }, 'dice');
      await record('records', example('records'), { source: { name: 'history', total: 7 }, pageSize: 3 }, 'records');
      // A loop long enough to continue as new (every 60 events here): the first run's history, ending in the hand-over.
      const looped = await env.client.workflow.start(stateMachine, {
        workflowId: 'history-records-continued',
        taskQueue: config.temporal.taskQueue,
        args: [
          {
            definition: example('records'),
            input: { source: { name: 'history-loop', total: 40 }, pageSize: 2 },
            name: 'records',
            continueAfterEvents: 60,
          },
        ],
      });
      await looped.result();
      writeFileSync(
        join(historiesDir, 'records-continued.json'),
        historyToJSON(await env.client.workflow.getHandle(looped.workflowId, looped.firstExecutionRunId).fetchHistory()) + '\n',
      );
      console.log('recorded records-continued');
      const onboarding = await record(
        'onboarding',
        example('onboarding'),
        { members: [1, 2, 3].map((i) => ({ email: `history-${i}@example.com`, name: `Member ${i}`, team: 'red' })) },
        'onboarding',
      );
      await save(await firstChild(onboarding), 'onboard-member');
      await record('mixed', mixed, { numbers: [1, 2, 3] }, 'mixed');
    });
  } finally {
    store.close();
    await teamApi.close();
    await providers.close();
    await env.client.connection.close();
    await env.nativeConnection.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
