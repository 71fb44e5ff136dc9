import { Client, Connection } from '@temporalio/client';
import { createDataConverter } from './codec/data-converter';
import type { Config } from './config';

/** The one way to reach Temporal as a client (API, CLI, scripts): the contract's address and namespace, the shared codec. */
export async function connectClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address });
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: createDataConverter(config.encryption) });
}
