import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { buildApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = await buildApp({ config, client });
  const close = async (signal: string) => {
    app.log.info(`${signal}: closing`);
    await app.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ host: config.api.host, port: config.api.port });
}

main().catch((error) => {
  console.error('api: failed:', error);
  process.exit(1);
});
