/**
 * The 100,000-item Distributed Map: one CSV object in MinIO of ROWS rows, read by an ItemReader, in batches of
 * BATCH (ItemBatcher), each batch a child execution, MAX_CONCURRENCY at once, the results written by ResultWriter.
 * The items (megabytes as JSON) are more than an execution may hold, so the Map runs sliced
 * (packages/states-language/src/map-slices.ts): the parent holds where the slices lie, each shard reads its slice
 * and writes its results. Figures: the time from start to result, the children started, and against Temporal's
 * limits the longest history, the largest payload and the most children open at once in one workflow (every
 * history read back), the totals checked in the result files. On the bench's dev server, with a States Language
 * worker of its own in the bench's process (on a task queue of its own, configured for this MinIO).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Definition } from 'states-language-temporal';
import { STATE_MACHINE_WORKFLOW } from 'states-language-temporal/client';
import { quiet, Supervisor } from '../scripts/supervisor';
import { descendantHistories, type HistoryFigures } from '../testkit/child-histories';
import { freePort } from '../testkit/net';
import { until } from '../testkit/until';
import { createStateMachineWorker } from '../worker/create-worker';
import type { AslPart } from './asl-part';
import { formatCount as count, formatMs, markdownTable, type Progress } from './report';

const ROWS = 100_000;
const BATCH = 100;
const MAX_CONCURRENCY = 100;
const LIMITS = { events: 10_240, payloadBytes: 256 * 1024, pendingChildren: 2_000 };
const USER = 'bench-dmap';
const PASSWORD = 'bench-dmap-secret';
const BUCKET = 'bench-dmap';

export interface DistributedMapResult {
  rows: number;
  batch: number;
  maxConcurrency: number;
  csvBytes: number;
  ms: number;
  histories: HistoryFigures;
  resultFiles: number;
  /** Items counted in the result files (the sum of each batch's length): ROWS when all went through. */
  itemsCounted: number;
  batchesSucceeded: number;
}

/** MinIO on free ports in a directory of its own, kept by a supervisor; its S3 endpoint once it is ready. */
async function startMinio(progress: Progress): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const bin = process.env.MINIO_BIN ?? join(__dirname, '../.tools/bin/minio');
  const dir = mkdtempSync(join(tmpdir(), 'bench-dmap-'));
  const supervisor = new Supervisor(dir, quiet);
  const [port, consolePort] = [await freePort(), await freePort()];
  progress('starting MinIO');
  const minio = supervisor.start('minio', {
    command: bin,
    args: ['server', join(dir, 'data'), '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    env: { MINIO_ROOT_USER: USER, MINIO_ROOT_PASSWORD: PASSWORD, MINIO_BROWSER: 'off' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await until('MinIO to be ready', async () => ((await fetch(`${endpoint}/minio/health/ready`)).ok ? true : undefined), 60_000);
  } catch (error) {
    await supervisor.stop();
    throw new Error(`${error}; (MINIO_BIN: ${bin}) its last lines:\n${minio.tail.join('\n')}`);
  }
  return { endpoint, stop: () => supervisor.stop() };
}

function definition(key: string): Definition {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { Bucket: BUCKET, Key: key },
        },
        ItemBatcher: { MaxItemsPerBatch: BATCH },
        MaxConcurrency: MAX_CONCURRENCY,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Count',
          States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)', 'first.$': '$.Items[0].id' }, End: true } },
        },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, Prefix: 'results' } },
        End: true,
      },
    },
  };
}

export const distributedMapPart: AslPart<DistributedMapResult> = {
  name: 'distributed-map',
  title: 'States Language: the 100,000-item Distributed Map',
  async run({ stack, progress }) {
    const minio = await startMinio(progress);
    const saved = { ...process.env };
    // The worker's S3 client reads the SDK's own configuration when the worker is made.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: USER,
      AWS_SECRET_ACCESS_KEY: PASSWORD,
    });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: minio.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: USER, secretAccessKey: PASSWORD },
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const key = `people-${ROWS}.csv`;
      const csv = [
        'id,name,email,amount',
        ...Array.from({ length: ROWS }, (_, i) => `${i},"Person ${i}",p${i}@example.com,${i % 100}`),
      ].join('\n');
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: csv }));
      const taskQueue = `bench-dmap-${randomUUID()}`;
      const config = { ...stack.config, temporal: { ...stack.config.temporal, aslTaskQueue: taskQueue } };
      progress('bundling the States Language worker');
      const worker = await createStateMachineWorker(config, stack.env.nativeConnection);
      const client = stack.env.client;
      const run = async () => {
        progress(`running the Map over ${count(ROWS)} rows in batches of ${BATCH}`);
        const started = performance.now();
        const handle = await client.workflow.start(STATE_MACHINE_WORKFLOW, {
          taskQueue,
          workflowId: `bench-dmap-${randomUUID()}`,
          args: [{ definition: definition(key), input: {}, name: 'distributed-map' }],
        });
        const output = (await handle.result()) as { ResultWriterDetails: { Key: string } };
        const ms = performance.now() - started;
        progress(`done in ${formatMs(ms)}; reading every history back`);
        const histories = await descendantHistories(client, handle.workflowId);
        return { ms, histories, manifestKey: output.ResultWriterDetails.Key };
      };
      const { ms, histories, manifestKey } = await worker.runUntil(run());
      const read = async (Key: string) =>
        JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToString());
      const manifest = (await read(manifestKey)) as { ResultFiles: Record<string, { Key: string }[]> };
      const files = Object.values(manifest.ResultFiles).flat();
      const succeeded = (await Promise.all(manifest.ResultFiles.SUCCEEDED.map((file) => read(file.Key)))).flat() as { Output: string }[];
      return {
        rows: ROWS,
        batch: BATCH,
        maxConcurrency: MAX_CONCURRENCY,
        csvBytes: Buffer.byteLength(csv),
        ms,
        histories,
        resultFiles: files.length,
        itemsCounted: succeeded.reduce((sum, entry) => sum + (JSON.parse(entry.Output) as { n: number }).n, 0),
        batchesSucceeded: succeeded.length,
      };
    } finally {
      s3.destroy();
      process.env = saved;
      await minio.stop();
    }
  },
  markdown(r) {
    const [, shards = 0, iterations = 0] = r.histories.byDepth;
    const within = (value: number, limit: number) => `${count(value)} (limit ${count(limit)})`;
    return [
      `A CSV object of ${count(r.rows)} rows (${(r.csvBytes / 1024 / 1024).toFixed(1)} MiB) in MinIO, read by a ` +
        `Distributed Map's ItemReader, in batches of ${r.batch} (ItemBatcher), each batch a child execution ` +
        `(a Pass counting its items), MaxConcurrency ${r.maxConcurrency}, the results written by ResultWriter. ` +
        `The items are more than an execution may hold, so the parent holds only where its slices lie: each ` +
        `shard (a child) reads its slice of the object and writes its results itself. Every history read back ` +
        `from the dev server (iterations open at once: from when their shards started them and saw them end); ` +
        `the totals checked in the result files. The States Language worker runs in the ` +
        `bench's process.`,
      '',
      markdownTable(
        [
          'time',
          'children (shards + iterations)',
          'longest history (events)',
          'largest payload (bytes)',
          'most children open in one workflow',
          'most iterations open at once',
          'items counted in the results',
        ],
        [
          [
            formatMs(r.ms),
            `${count(shards + iterations)} (${count(shards)} + ${count(iterations)})`,
            within(r.histories.longest, LIMITS.events),
            within(r.histories.largestPayload, LIMITS.payloadBytes),
            within(r.histories.mostOpenChildren, LIMITS.pendingChildren),
            `${count(r.histories.mostOpenAtOnce[2] ?? 0)} (MaxConcurrency ${r.maxConcurrency})`,
            `${count(r.itemsCounted)} of ${count(r.rows)} (${count(r.batchesSucceeded)} batches, ${count(r.resultFiles)} result files)`,
          ],
        ],
      ),
    ].join('\n');
  },
};
