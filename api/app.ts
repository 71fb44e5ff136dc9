import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from '../lib/config';
import { AllocationRuns } from './allocation-runs';
import { registerErrorHandler } from './error-handler';
import bearerAuth from './plugins/bearer-auth';
import csvBody from './plugins/csv-body';
import rateLimit from './plugins/rate-limit';
import allocationRoutes from './routes/allocations';
import healthRoutes, { HEALTH_PATH } from './routes/health';

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
  await app.register(bearerAuth, { token: config.api.token, publicPaths: [HEALTH_PATH] });
  await app.register(csvBody);
  await app.register(healthRoutes, { client });
  await app.register(allocationRoutes, { runs: new AllocationRuns(client, config.temporal) });
  return app;
}
