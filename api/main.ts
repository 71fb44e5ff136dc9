import { loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { buildApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const client = await connectClient(config);
  const app = await buildApp({ config, client });
  const close = async (signal: string) => {
    app.log.info(`${signal}: closing`);
    await app.close();
    await client.connection.close();
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
