import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { createObjectStore } from '../activities/object-store';
import type { Config } from '../lib/config';
import { StateMachineStore } from '../activities/asl-state-machines';
import { AllocationRuns } from './allocation-runs';
import { registerErrorHandler } from './error-handler';
import bearerAuth from './plugins/bearer-auth';
import csvBody from './plugins/csv-body';
import rateLimit from './plugins/rate-limit';
import swagger, { DOCS_PREFIX } from './plugins/swagger';
import allocationRoutes from './routes/allocations';
import codecRoutes from './routes/codec';
import executionRoutes from './routes/executions';
import healthRoutes, { HEALTH_PATH } from './routes/health';
import rootRoutes, { PAGE_PATHS } from './routes/root';
import stateMachineRoutes from './routes/state-machines';
import { StateMachineRuns } from './state-machine-runs';
import { EncryptionCodec } from '../lib/codec/encryption-codec';

export interface AppDeps {
  config: Config;
  client: Client;
  logger?: FastifyServerOptions['logger'];
}

/** Composes the API: infrastructure plugins first, then the app's routes. */
export async function buildApp({ config, client, logger = true }: AppDeps) {
  const app = Fastify({ logger });
  registerErrorHandler(app);
  await app.register(rateLimit, { ...config.api.rateLimit, publicPaths: [HEALTH_PATH] });
  // The page and the docs hold no data; the page asks for the token itself.
  await app.register(bearerAuth, { token: config.api.token, publicPaths: [HEALTH_PATH, ...PAGE_PATHS, DOCS_PREFIX, `${DOCS_PREFIX}/*`] });
  await app.register(csvBody);
  await app.register(swagger);
  await app.register(rootRoutes);
  await app.register(healthRoutes, { client });
  const store = createObjectStore(config.storage);
  app.addHook('onClose', async () => store.close());
  await app.register(allocationRoutes, { runs: new AllocationRuns(client, config.temporal, store) });
  const machines = new StateMachineRuns(client, config.temporal, new StateMachineStore(store));
  await app.register(stateMachineRoutes, { runs: machines });
  await app.register(executionRoutes, { runs: machines });
  if (config.encryption) {
    await app.register(codecRoutes, { codec: new EncryptionCodec(config.encryption), uiOrigin: new URL(config.temporal.uiUrl).origin });
  }
  return app;
}
