import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { createObjectStore } from '../storage/object-store';
import type { Config } from '../lib/config';
import { AllocationRuns } from './allocation-runs';
import { registerErrorHandler } from './error-handler';
import { redactingLogger } from './log-redaction';
import bearerAuth from './plugins/bearer-auth';
import csvBody from './plugins/csv-body';
import rateLimit from './plugins/rate-limit';
import swagger, { DOCS_PREFIX } from './plugins/swagger';
import allocationRoutes from './routes/allocations';
import codecRoutes, { CODEC_PATHS } from './routes/codec';
import executionRoutes from './routes/executions';
import healthRoutes, { HEALTH_PATH } from './routes/health';
import participantRoutes, { PARTICIPANT_PATHS } from './routes/participant';
import exchangePageRoutes, { EXCHANGE_PAGE_PATHS } from './routes/exchange-page';
import exchangeRoutes from './routes/exchanges';
import { ExchangeRuns } from './exchanges';
import rootRoutes, { PAGE_PATHS } from './routes/root';
import stateMachineRoutes from './routes/state-machines';
import webhookRoutes, { GITHUB_WEBHOOK_PATH } from './routes/webhooks';
import sfnRoutes from './routes/sfn';
import { StateMachineRuns } from './state-machine-runs';
import { DEFINITION_READS, StateMachineStore } from '../storage/state-machines';
import { EncryptionCodec } from '../lib/codec/encryption-codec';

export interface AppDeps {
  config: Config;
  client: Client;
  logger?: FastifyServerOptions['logger'];
}

/** Composes the API: infrastructure plugins first, then the app's routes. */
export async function buildApp({ config, client, logger = true }: AppDeps) {
  const app = Fastify({ logger: redactingLogger(logger) });
  registerErrorHandler(app);
  await app.register(rateLimit, { ...config.api.rateLimit, publicPaths: [HEALTH_PATH] });
  // The page and the docs hold no data; the page asks for the token itself. A participant's page: their link is their key.
  await app.register(bearerAuth, {
    token: config.api.token,
    publicPaths: [
      HEALTH_PATH,
      ...PAGE_PATHS,
      ...PARTICIPANT_PATHS,
      ...EXCHANGE_PAGE_PATHS,
      DOCS_PREFIX,
      `${DOCS_PREFIX}/*`,
      ...CODEC_PATHS,
      // GitHub sends no bearer token: with a webhook secret, the delivery's signature is the check instead.
      ...(config.githubWebhook.secret ? [GITHUB_WEBHOOK_PATH] : []),
    ],
  });
  await app.register(csvBody);
  await app.register(swagger);
  await app.register(rootRoutes);
  await app.register(healthRoutes, { client });
  const store = createObjectStore(config.storage);
  app.addHook('onClose', async () => store.close());
  const allocations = new AllocationRuns(client, config.temporal, store);
  await app.register(allocationRoutes, { runs: allocations });
  await app.register(participantRoutes, { runs: allocations });
  const exchanges = new ExchangeRuns(client, config.temporal, store, config.exchangeRetentionMs);
  await app.register(exchangeRoutes, { exchanges });
  await app.register(exchangePageRoutes, { exchanges });
  // One store of definitions for both APIs, so that a definition either writes is what the other reads next.
  const definitions = new StateMachineStore(store, DEFINITION_READS);
  const machines = new StateMachineRuns(client, config.temporal, definitions);
  await app.register(stateMachineRoutes, { runs: machines });
  await app.register(executionRoutes, { runs: machines });
  await app.register(webhookRoutes, { runs: machines, config: config.githubWebhook });
  // The AWS Step Functions API on the same machines and store (POST / with X-Amz-Target).
  await app.register(sfnRoutes, { client, config, store, definitions });
  // The operator's: CODEC_TOKEN opens it, API_TOKEN never does (the organiser does not see the steps decoded).
  await app.register(codecRoutes, {
    codec: config.encryption && new EncryptionCodec(config.encryption),
    token: config.api.codecToken,
    uiOrigin: new URL(config.temporal.uiUrl).origin,
  });
  return app;
}
