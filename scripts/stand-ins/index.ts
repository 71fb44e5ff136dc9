/**
 * The self-hosted stand-ins of the AWS services state machines' Tasks call, as processes of the project's one
 * supervisor: dynalite (DynamoDB; its tables in LevelDB under `dynamoDir`, else in memory) and fauxqs (SNS and SQS,
 * in memory). Started by `npm start` (scripts/start.ts) and by the integration tests. Their addresses are given as
 * the AWS SDK reads them: AWS_ENDPOINT_URL_DYNAMODB, _SNS, _SQS.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { until } from '../../testkit/until';
import type { KeptProcess, Supervisor } from '../supervisor';

const root = join(__dirname, '../..');
const fauxqsApp = pathToFileURL(join(root, 'node_modules/fauxqs/dist/app.js')).href;
const FAUXQS_MAIN = `import(${JSON.stringify(fauxqsApp)}).then((m) => m.startFauxqs({ logger: false }))`;

export interface StandInOptions {
  dynamoPort: number;
  messagingPort: number;
  /** dynalite's LevelDB folder; without it, tables live in memory. */
  dynamoDir?: string;
  /** Whether a dead stand-in is started again (npm start) or stays down (tests: a failure should show). */
  restart?: boolean;
}

export interface StandInEndpoints {
  AWS_ENDPOINT_URL_DYNAMODB: string;
  AWS_ENDPOINT_URL_SNS: string;
  AWS_ENDPOINT_URL_SQS: string;
}

/** Starts both and resolves once both answer; fails with the last lines of one that did not. */
export async function startStandIns(supervisor: Supervisor, options: StandInOptions): Promise<StandInEndpoints> {
  const keep = { restartDelayMs: options.restart ? undefined : null };
  if (options.dynamoDir) mkdirSync(options.dynamoDir, { recursive: true, mode: 0o700 });
  const dynamo = `http://127.0.0.1:${options.dynamoPort}`;
  const dynalite = supervisor.start(
    'dynalite',
    {
      command: process.execPath,
      args: [
        join(root, 'node_modules/dynalite/cli.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(options.dynamoPort),
        // Tables usable at once, as the tests and examples create them just before use.
        '--createTableMs',
        '0',
        '--deleteTableMs',
        '0',
        '--updateTableMs',
        '0',
        ...(options.dynamoDir ? ['--path', options.dynamoDir] : []),
      ],
    },
    keep,
  );
  const messaging = `http://127.0.0.1:${options.messagingPort}`;
  const fauxqs = supervisor.start(
    'fauxqs',
    {
      command: process.execPath,
      // Its own CLI turns its request log on whatever FAUXQS_LOGGER says: started here without it.
      args: ['--require', join(__dirname, 'loopback-only.cjs'), '-e', FAUXQS_MAIN],
      env: { FAUXQS_PORT: String(options.messagingPort), FAUXQS_HOST: '127.0.0.1' },
    },
    keep,
  );
  await Promise.all([answering(dynalite, dynamo), answering(fauxqs, messaging)]);
  return { AWS_ENDPOINT_URL_DYNAMODB: dynamo, AWS_ENDPOINT_URL_SNS: messaging, AWS_ENDPOINT_URL_SQS: messaging };
}

/** Any HTTP answer at all: the server is up (dynalite answers a bare GET with 400, as DynamoDB does). */
async function answering(kept: KeptProcess, url: string): Promise<void> {
  try {
    await until(`${kept.name} to answer at ${url}`, async () => ((await fetch(url)).status > 0 ? true : undefined), 30_000, 100);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : error}; its last lines:\n${kept.tail.join('\n')}`);
  }
}
