/**
 * RunOptions.earlierResults: executions begun before issue 14's fidelity with AWS (the workflow's patched
 * 'asl-aws-fidelity') keep the results they had, so their histories replay as they ran. The same definitions give
 * AWS's results without it (test/conformance/fidelity.json).
 */
import { StatesError } from '../../src/errors';
import { executionContext } from '../../src/executions';
import { type Definition, runExecution } from '../../src/interpreter';
import { VirtualHost } from '../support/virtual-host';

async function run(definition: Definition, input: unknown, earlierResults: boolean) {
  const host = new VirtualHost();
  const context = executionContext('earlier', 'earlier', input, host.now());
  try {
    return { output: await runExecution(definition, input, { host, context, earlierResults }) };
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    return { error: error.error, cause: error.cause };
  }
}

const pass = (parameters: Record<string, unknown>): Definition => ({
  StartAt: 'P',
  States: { P: { Type: 'Pass', Parameters: parameters, End: true } },
});

it.each([
  ['States.Format of an object', pass({ 'v.$': "States.Format('{}', $.o)" }), { o: { a: [] } }, { output: { v: '{"a":[]}' } }],
  ['$$.State.RetryCount in a Pass', pass({ 'r.$': '$$.State.RetryCount' }), {}, { output: { r: 0 } }],
  [
    'a SecondsPath giving 1.5',
    { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.s', End: true } } },
    { s: 1.5 },
    { output: { s: 1.5 } },
  ],
  [
    'JSONata Items that is not an array',
    {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: { Type: 'Map', Items: '{% 5 %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true },
      },
    },
    {},
    { error: 'States.Runtime', cause: "The Map state 'M' needs an array of items, but Items gave number" },
  ],
  [
    'a runtime error',
    pass({ 'v.$': '$.missing' }),
    {},
    { error: 'States.Runtime', cause: "Invalid path '$.missing' : No results for path: $['missing']" },
  ],
] as const)('%s gives what it gave before', async (_name, definition, input, before) => {
  expect(await run(definition as Definition, input, true)).toEqual(before);
  expect(await run(definition as Definition, input, false)).not.toEqual(before);
});
