/** The conformance cases' task resources as real activities: failures are ApplicationFailures, sleeps are cancellable. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type ActivityTools, testActivities } from '../../../packages/states-language/test/support/test-activities';

const tools: ActivityTools = {
  fail(error, cause) {
    throw ApplicationFailure.create({ type: error, message: cause ?? '', nonRetryable: true });
  },
  sleep: (ms) => Context.current().sleep(ms),
  heartbeat: () => Context.current().heartbeat(),
};

export const temporalTestActivities = Object.fromEntries(
  Object.entries(testActivities).map(([name, fn]) => [name, (input: unknown) => fn(input, tools)]),
);
