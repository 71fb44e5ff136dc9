/**
 * GET /allocations/:id while messages go out: the counts move with every message, not only when a batch of
 * them ends, and never count a message twice.
 */
import { peopleCsv } from '../../testkit/people';
import { startRun } from '../../testkit/runs';
import { startTestStack, type TestStack } from '../support/stack';
import { until } from '../../testkit/until';

const PEOPLE = 30;
/** Batches of 10, one at a time per channel: a held message holds its batch and every later one. */
const BATCH = 10;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('progress');
});

afterAll(() => stack?.close());

const view = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/allocations/${id}` })).json();

describe('GET /allocations/:id during a run', () => {
  it('counts the messages of batches still under way, each once', async () => {
    const release = stack.providers.twilio.holdFor('+447000000005');
    const handle = await startRun(stack.temporal.client, stack.config, {
      csv: peopleCsv(PEOPLE),
      seed: 7,
      batchSize: BATCH,
      maxConcurrency: BATCH,
    });
    try {
      // The held batch has sent all but one of its texts; the run's own count has only whole batches.
      const running = await until('the held batch to show its texts so far', async () => {
        const body = await view(handle.workflowId);
        return body.status === 'RUNNING' && body.sms.sent % BATCH === BATCH - 1 && body.sms.sent === stack.providers.twilio.messages.length
          ? body
          : undefined;
      });
      expect(running.stage).toBe('notifying');
      expect(running.sms.failed).toBe(0);
    } finally {
      release();
    }
    await handle.result();
    const done = await view(handle.workflowId);
    expect(done.status).toBe('COMPLETED');
    expect(done.sms).toEqual({ sent: PEOPLE, skipped: 0, failed: 0 });
    expect(stack.providers.twilio.messages).toHaveLength(PEOPLE);
  });
});
