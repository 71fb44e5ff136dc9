/**
 * states-language-temporal/integrations: Step Functions' service integrations as activities of the worker, through
 * the real AWS SDK v3 clients: `aws-sdk:s3:<getObject|putObject|headObject|copyObject|deleteObject|listObjectsV2>`,
 * `dynamodb:<putItem|getItem|updateItem|deleteItem>`, `sns:publish`, `sqs:sendMessage`, `http:invoke`, and a
 * Distributed Map's ItemReader and ResultWriter over S3. Register `createIntegrations()` beside your activities and
 * add INTEGRATION_ACTIVITIES to the list Tasks may bind to.
 */
import { INTEGRATION_ACTIVITIES } from './integrations/catalog';
import { type AwsClients, standardClients } from './integrations/clients';
import { dynamodbActivities } from './integrations/dynamodb';
import { hostPolicy } from './integrations/hosts';
import { type Connection, httpActivities } from './integrations/http';
import { itemActivities } from './integrations/items';
import { messagingActivities } from './integrations/messaging';
import { s3Activities } from './integrations/s3';

export { INTEGRATION_ACTIVITIES, INTEGRATIONS } from './integrations/catalog';
export type { AwsClients } from './integrations/clients';
export type { Connection } from './integrations/http';

export interface IntegrationOptions {
  /** The clients calls go through; by default the SDK's standard configuration (clients.ts). */
  clients?: AwsClients;
  /** Hosts and networks `http:invoke` may reach (`api.github.com`, `*.example.com`, `10.0.0.0/8`); left out: any. */
  httpAllowedHosts?: readonly string[];
  /** Credentials by Authentication.ConnectionArn: what `http:invoke` adds to a request naming that connection. */
  httpConnections?: Readonly<Record<string, Connection>>;
}

/** The options from the environment: STATES_HTTP_ALLOWED_HOSTS (comma-separated) and STATES_HTTP_CONNECTIONS (JSON). */
export function integrationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): IntegrationOptions {
  const hosts = env.STATES_HTTP_ALLOWED_HOSTS?.trim();
  let connections: Record<string, Connection> = {};
  if (env.STATES_HTTP_CONNECTIONS?.trim()) {
    try {
      connections = JSON.parse(env.STATES_HTTP_CONNECTIONS);
    } catch (error) {
      throw new Error(`STATES_HTTP_CONNECTIONS is not JSON: ${(error as Error).message}`);
    }
  }
  return {
    clients: standardClients(env),
    ...(hosts ? { httpAllowedHosts: hosts.split(',') } : {}),
    httpConnections: connections,
  };
}

/** Every integration's activity, by the name its Resource resolves to (INTEGRATION_ACTIVITIES). */
export function createIntegrations(options: IntegrationOptions = {}) {
  const clients = options.clients ?? standardClients();
  const activities = {
    ...s3Activities(clients),
    ...dynamodbActivities(clients),
    ...messagingActivities(clients),
    ...httpActivities(hostPolicy(options.httpAllowedHosts), options.httpConnections ?? {}),
    ...itemActivities(clients),
  } as Record<string, (input: never) => Promise<unknown>>;
  const missing = INTEGRATION_ACTIVITIES.filter((name) => !(name in activities));
  if (missing.length > 0) throw new Error(`integrations without an activity: ${missing.join(', ')}`);
  return activities;
}
