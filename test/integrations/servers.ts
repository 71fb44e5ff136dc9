/**
 * The stand-ins the service-integration tests call through the real AWS SDK: dynalite (DynamoDB) and fauxqs (SNS and
 * SQS), started as `npm start` starts them (scripts/stand-ins), on free ports, in memory; S3 is the suite's MinIO.
 * Their addresses go where the SDK reads them: AWS_ENDPOINT_URL_<SERVICE>.
 */
import { createServer, type Server } from 'node:http';
import { startStandIns as startProcesses } from '../../scripts/stand-ins';
import { quiet, Supervisor } from '../../scripts/supervisor';
import { freePort } from '../../testkit/net';

export interface Stand {
  env: Record<string, string>;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startStandIns(): Promise<Stand> {
  const supervisor = new Supervisor(process.env.SANTA_TEST_DIR ?? process.cwd(), quiet);
  try {
    const endpoints = await startProcesses(supervisor, { dynamoPort: await freePort(), messagingPort: await freePort() });
    return {
      env: { AWS_ENDPOINT_URL_S3: process.env.S3_ENDPOINT ?? '', ...endpoints },
      close: () => supervisor.stop(),
    };
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
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
