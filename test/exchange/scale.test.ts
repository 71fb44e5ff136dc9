/**
 * 1,000 participants: everyone invited, the draw made and told, each run's history kept small by continuing as new,
 * nothing lost across the runs.
 */
import { randomUUID } from 'node:crypto';
import { peopleCsv } from '../../testkit/people';
import { until } from '../../testkit/until';
import { exchangeStatusQuery } from '../../workflows';
import { startTestStack, type TestStack } from '../support/stack';
import { startExchangeWorkflow } from './support';

const PEOPLE = 1000;
const LIMIT = 3000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('exchange-scale');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

it(`invites and draws ${PEOPLE} people, continuing as new past ${LIMIT} events, every history small`, async () => {
  const id = `exchange-${randomUUID()}`;
  const now = Date.now();
  const handle = await startExchangeWorkflow(stack, id, peopleCsv(PEOPLE, { contact: () => ({ email: true }) }), {
    settings: { title: 'Big office', drawAt: now, giftDay: now + 86_400_000, reveal: false },
    retentionMs: 0,
    maxConcurrency: 20,
    continueAsNewAfter: LIMIT,
  });
  const status = await until(
    'everyone invited and told whom they give to',
    async () => {
      const s = await handle.query(exchangeStatusQuery);
      return s.stage === 'drawn' && s.counts.messages.sent === 2 * PEOPLE ? s : undefined;
    },
    600_000,
    1000,
  );
  expect(status).toMatchObject({ participants: PEOPLE, counts: { invited: PEOPLE, messages: { sent: 2 * PEOPLE, failed: 0 } } });
  expect(status.runs).toBeGreaterThanOrEqual(1);
  expect(stack.providers.mailgun.messages.filter((m) => /who are you Secret Santa for/.test(m.subject))).toHaveLength(PEOPLE);
  // Each run of the exchange: one step's events past the limit at most (1,000 messages, about 4 events each).
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = "${id}"` })) {
    const { history } = await stack.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: id, runId: run.runId },
    });
    expect(history!.events!.length).toBeLessThan(LIMIT + 5 * PEOPLE);
  }
  await handle.cancel();
}, 660_000);
