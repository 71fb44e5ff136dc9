import { loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { buildApp } from './app';

async function main(): Promise<void> {
  // The draw key is the worker's alone: the API never holds it, even when a shared environment offers it.
  if (process.env.SANTA_DRAW_KEY) {
    console.warn("api: SANTA_DRAW_KEY is set in the API's environment; it is ignored (only the worker may hold it)");
    delete process.env.SANTA_DRAW_KEY;
  }
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
