/**
 * The stand-ins the service-integration tests call through the real AWS SDK: dynalite (DynamoDB, in this process) and
 * fauxqs (SNS and SQS, a process of its own, kept by the project's supervisor); S3 is the suite's MinIO. Their
 * addresses go where the SDK reads them: AWS_ENDPOINT_URL_<SERVICE>.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { quiet, Supervisor } from '../../scripts/supervisor';
import { freePort } from '../../testkit/net';
import { until } from '../../testkit/until';

export interface Stand {
  env: Record<string, string>;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startStandIns(): Promise<Stand> {
  // dynalite: the DynamoDB API over LevelDB in memory; tables ready at once.
  const dynalite = require('dynalite') as (options: object) => Server;
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await freePort();
  await listen(dynamo, dynamoPort);

  const supervisor = new Supervisor(process.env.SANTA_TEST_DIR ?? process.cwd(), quiet);
  const sqsPort = await freePort();
  const fauxqs = supervisor.start(
    'fauxqs',
    {
      command: process.execPath,
      args: [join(__dirname, '../../node_modules/fauxqs/dist/cli.js')],
      env: { FAUXQS_PORT: String(sqsPort), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' },
    },
    { restartDelayMs: null },
  );
  const messaging = `http://127.0.0.1:${sqsPort}`;
  try {
    await until('fauxqs to answer', async () => ((await fetch(messaging)).status > 0 ? true : undefined), 30_000);
  } catch (error) {
    await supervisor.stop();
    await closed(dynamo);
    throw new Error(`${error}; its last lines:\n${fauxqs.tail.join('\n')}`);
  }
  return {
    env: {
      AWS_ENDPOINT_URL_S3: process.env.S3_ENDPOINT ?? '',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
      AWS_ENDPOINT_URL_SNS: messaging,
      AWS_ENDPOINT_URL_SQS: messaging,
    },
    async close() {
      await supervisor.stop();
      await closed(dynamo);
    },
  };
}

/** A local HTTP API (the GitHub stand-in): answers what `handle` says, and keeps every request it got. */
export async function startHttpApi(
  handle: (path: string, headers: Record<string, string | string[] | undefined>, body: string) => [number, unknown],
) {
  const requests: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const [status, answer] = handle(req.url ?? '', req.headers, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  const port = await freePort();
  await listen(server, port);
  return { url: `http://127.0.0.1:${port}`, requests, close: () => closed(server) };
}
