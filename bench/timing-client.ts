import { performance } from 'node:perf_hooks';
import { Client, type ConnectionLike } from '@temporalio/client';
import { createDataConverter } from '../lib/codec/data-converter';
import type { Config } from '../lib/config';

/** A client like the API's (same namespace and codec) on `connection` that adds each workflow start's time to `starts`. */
export function timingClient(connection: ConnectionLike, config: Config, starts: number[]): Client {
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config.encryption),
    interceptors: {
      workflow: [
        {
          async startWithDetails(input, next) {
            const t = performance.now();
            try {
              return await next(input);
            } finally {
              starts.push(performance.now() - t);
            }
          },
        },
      ],
    },
  });
}
