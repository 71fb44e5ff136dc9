/** Driving exchanges as an organiser and as participants: the helpers live in testkit/, shared with the history recorder. */
import { createObjectStore } from '../../storage/object-store';
import { uploadParticipants } from '../../storage/run-data';
import { exchange } from '../../workflows';
import type { ExchangeInput } from '../../workflows/exchange';
import type { TestStack } from '../support/stack';

export {
  act,
  type ExchangeQuery,
  iso,
  linksFrom,
  ORGANISER_TOKEN,
  openPage,
  organiser,
  PUBLIC_URL,
  startExchange,
  untilView,
  view,
} from '../../testkit/exchanges';

/**
 * Uploads the file and starts the exchange's workflow itself, not through the API: for settings the
 * API does not take, such as a short history before continuing as new.
 */
export async function startExchangeWorkflow(stack: TestStack, id: string, csv: string, input: Omit<ExchangeInput, 'csvKey'>) {
  const store = createObjectStore(stack.config.storage);
  const csvKey = await uploadParticipants(store, id, csv);
  store.close();
  return stack.temporal.client.workflow.start(exchange, {
    workflowId: id,
    taskQueue: stack.config.temporal.taskQueue,
    args: [{ csvKey, ...input }],
  });
}
