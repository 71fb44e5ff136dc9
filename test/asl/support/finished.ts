import type { FastifyInstance } from 'fastify';
import { until } from '../../../testkit/until';

/** GET /executions/:id until it is no longer RUNNING (an answer other than 200 is the wait's last error). */
export function executionFinished(app: FastifyInstance, id: string) {
  // The execution's view as the API answers it, untyped like the tests' other answers.
  return until<Record<string, any>>(
    `execution ${id} to finish`,
    async () => {
      const res = await app.inject({ method: 'GET', url: `/executions/${id}` });
      if (res.statusCode !== 200) throw new Error(`GET /executions/${id} answered ${res.statusCode}: ${res.body}`);
      return res.json().status === 'RUNNING' ? undefined : res.json();
    },
    30_000,
    50,
  );
}
