/**
 * A callback Task's execution waits through a restart of its Temporal server and of its worker, and an answer sent
 * while no worker runs is not lost: a dev server of this file's own, its state in a SQLite file (so a restart goes
 * on where it left off), the suite's stack pointed at it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { resultsKey } from '../../activities/examples/records';
import { DevServer } from '../../scripts/dev-server';
import { createObjectStore, type ObjectStore } from '../../storage/object-store';
import { until } from '../../testkit/until';
import { createMachine, ended, type SfnStack, startSfnStack, unique } from './sfn-client';
import { callbackMachine } from '../../testkit/callback-machine';

let server: DevServer;
let s: SfnStack;
let store: ObjectStore;

beforeAll(async () => {
  server = await DevServer.start({
    cli: process.env.TEMPORAL_CLI,
    dbFile: join(mkdtempSync(join(tmpdir(), 'sfn-restart-')), 'temporal.db'),
  });
  // The stack's Temporal client and worker connection read TEMPORAL_ADDRESS when they connect: this file's server,
  // then the suite's again for the files after it.
  const suiteAddress = process.env.TEMPORAL_ADDRESS;
  process.env.TEMPORAL_ADDRESS = server.address;
  try {
    s = await startSfnStack('sfn-restart', { TEMPORAL_ADDRESS: server.address });
  } finally {
    process.env.TEMPORAL_ADDRESS = suiteAddress;
  }
  store = createObjectStore(s.stack.config.storage);
}, 120_000);

afterAll(async () => {
  store?.close();
  await s?.close();
  await server?.stop();
});

it('waits through a server and worker restart; SendTaskSuccess sent while no worker runs completes it', async () => {
  const machine = await createMachine(
    s.sfn,
    unique('cb-restart'),
    callbackMachine({ after: { Type: 'Pass', Result: 'went on', ResultPath: '$.after', End: true } }),
  );
  const name = unique('restart');
  const { executionArn } = await s.sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ name }) }));
  const token = await until('the Lambda to receive the token', async () => {
    const saved = await store.get(resultsKey(name));
    return saved === undefined ? undefined : (JSON.parse(saved).source.token as string);
  });

  await s.stack.stopStateMachines();
  try {
    await server.restart();
    // The server came back from its file: the execution still waits, and the answer is stored with no worker.
    expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await s.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: 'after restarts' }) }));
    // Not looked for in the history here: a workflow task the stopped worker had started holds new signals back until
    // it times out. The answer was sent only while no worker ran, so the output below shows it was kept.
    expect((await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
  } finally {
    await s.stack.startStateMachines();
  }
  const done = await ended(s.sfn, executionArn!, 90_000);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toEqual({ name, answer: { approved: 'after restarts' }, after: 'went on' });
});
