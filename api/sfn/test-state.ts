/**
 * TestState: one state evaluated with the given input by the runtime's pure interpreter (runExecution), in the API
 * process, without Temporal: the run starts at the state (a ResumePoint: its input and the request's variables) and
 * is stopped where it would enter the next one (the host's `between`), which names nextState and carries the
 * state's output and variables. A definition without stateName is one state: each state it names (Next, Default,
 * Choices, Catch) becomes a Succeed stub, so the checker checks it as part of a machine.
 *
 * Tasks: AWS's TestState calls the real service. Here a Task (any Resource: a Lambda bound to an activity, an
 * integration, a callback Task, an activity ARN) is never called: it needs `mock` (result or errorOutput), else the
 * request is a ValidationException saying so. A Map or Parallel may be mocked too, as AWS allows: its branches do
 * not run, the mock is its result (or error), and the rest of the state (paths, ResultSelector, Retry, Catch,
 * Assign, Output) applies as usual; unmocked, it runs inline and a Task inside it fails as unmocked. A mocked error
 * that a Retrier would retry (stateConfiguration.retrierRetryCount attempts done, 0 by default) is RETRIABLE, as on
 * AWS: one attempt is tested, not the retries. Wait states do not wait. inspectionData (DEBUG and TRACE): input,
 * afterInputPath, afterParameters, result, afterResultSelector, afterResultPath, variables, errorDetails.
 */
import { randomUUID } from 'node:crypto';
import {
  backoffSeconds,
  checkDefinition,
  type Definition,
  type ExecutionHost,
  executionContext,
  firstMatch,
  type Retrier,
  type ResumePoint,
  runExecution,
  StatesError,
} from 'states-language-temporal';
import { SfnError, validation } from './errors';
import { MAX_INPUT_BYTES } from './executions';
import { type Body, optionalString, requiredString } from './wire';

const INSPECTION_LEVELS = ['INFO', 'DEBUG', 'TRACE'] as const;
/** The name a lone state runs under (AWS does not say which it uses). */
const LONE_STATE = 'TestState';

type StateJson = Record<string, unknown>;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw validation(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** The states a state goes on to: each becomes a stub when the definition is a lone state. */
function targetsOf(state: StateJson): string[] {
  const names = [state.Next, state.Default];
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const item of list) names.push((item as StateJson)?.Next);
  }
  return names.filter((name): name is string => typeof name === 'string');
}

/** The machine to run and the state to test in it. */
function machineOf(
  text: string,
  stateName: string | undefined,
  check: (text: string) => Definition,
): { machine: Definition; name: string } {
  if (stateName !== undefined) {
    const machine = check(text);
    if (!Object.hasOwn(machine.States, stateName)) throw validation(`the definition has no state named '${stateName}'`);
    return { machine, name: stateName };
  }
  const state = parseJson(text, 'definition');
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw validation('definition: a state is a JSON object');
  const States: Record<string, unknown> = { [LONE_STATE]: state };
  for (const target of targetsOf(state as StateJson)) if (target !== LONE_STATE) States[target] = { Type: 'Succeed' };
  return { machine: check(JSON.stringify({ StartAt: LONE_STATE, States })), name: LONE_STATE };
}

interface Mock {
  result?: string;
  errorOutput?: { error?: string; cause?: string };
}

class Stopped extends Error {}

/** What a mocked Map or Parallel has but a Task does not: the part a mock stands in for. */
const MOCKED_AWAY = [
  'Branches',
  'ItemProcessor',
  'Iterator',
  'ItemsPath',
  'Items',
  'ItemSelector',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'MaxConcurrency',
  'MaxConcurrencyPath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'Label',
  'Parameters',
  'Arguments',
];

/** A mocked Map or Parallel as a Task on an activity that the mock answers: its paths, Retry and Catch kept. */
function mockedAsTask(state: StateJson): StateJson {
  const task: StateJson = { ...state, Type: 'Task', Resource: 'arn:aws:states:us-east-1:000000000000:activity:TestStateMock' };
  for (const field of MOCKED_AWAY) delete task[field];
  return task;
}

/** A JSONPath field's value, applied by the interpreter as in an execution: a Pass state with just that field. */
async function applied(
  field: 'InputPath' | 'Parameters',
  value: unknown,
  name: string,
  input: unknown,
  variables: Record<string, unknown>,
) {
  const machine = { StartAt: name, States: { [name]: { Type: 'Pass', [field]: value, End: true } } } as unknown as Definition;
  const host: ExecutionHost = {
    now: () => Date.now(),
    random: () => Math.random(),
    uuid: () => randomUUID(),
    sleep: async () => {},
    runActivity: async () => undefined,
    startExecution: async () => undefined,
    cancellable: (fn) => ({ promise: fn(), cancel() {} }),
  };
  const context = executionContext('TestState', randomUUID(), input, Date.now());
  return runExecution(machine, input, { host, context, resume: { state: name, input, variables } }).catch(() => undefined);
}

/** stateConfiguration.retrierRetryCount: how many retries of the matching Retrier have already happened. */
function retriesDone(body: Body): number {
  const config = body.stateConfiguration;
  if (config === undefined) return 0;
  if (typeof config !== 'object' || config === null) throw validation('stateConfiguration: an object');
  const count = (config as { retrierRetryCount?: unknown }).retrierRetryCount;
  if (count === undefined) return 0;
  if (!Number.isInteger(count) || (count as number) < 0) throw validation('stateConfiguration.retrierRetryCount: an integer, 0 or more');
  return count as number;
}

/** The definition checked as CreateStateMachine checks it: InvalidDefinition with every problem. */
function checker(activities: readonly string[]) {
  return (text: string): Definition => {
    const problems = checkDefinition(text, { activities, stepFunctionsActivities: true });
    if (problems.length > 0) {
      const listed = problems.map((p) => `${p.message} at ${p.path}`).join(', ');
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${listed}'`);
    }
    return JSON.parse(text) as Definition;
  };
}

/** DEBUG's afterInputPath and afterResultSelector, for a JSONPath state that has those fields (AWS's inspectionData). */
async function pathsApplied(
  state: StateJson,
  jsonata: boolean,
  name: string,
  input: unknown,
  variables: Record<string, unknown>,
  inspection: { result?: unknown },
): Promise<Record<string, string>> {
  if (jsonata) return {};
  const out: Record<string, string> = {};
  const effective = await applied('InputPath', state.InputPath, name, input, variables);
  if (effective !== undefined) out.afterInputPath = JSON.stringify(effective);
  if (state.ResultSelector !== undefined && 'result' in inspection) {
    const selected = await applied('Parameters', state.ResultSelector, name, inspection.result, variables);
    if (selected !== undefined) out.afterResultSelector = JSON.stringify(selected);
  }
  return out;
}

export function testStateAction(activities: readonly string[]) {
  const check = checker(activities);
  return {
    TestState: async (body: Body) => {
      const definition = requiredString(body, 'definition', 1024 * 1024);
      const inputText = optionalString(body, 'input', MAX_INPUT_BYTES) ?? '{}';
      const input = parseJson(inputText, 'input');
      const variablesText = optionalString(body, 'variables', MAX_INPUT_BYTES);
      const variables = variablesText === undefined ? {} : parseJson(variablesText, 'variables');
      if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw validation('variables: a JSON object');
      const level = optionalString(body, 'inspectionLevel', 5) ?? 'INFO';
      if (!(INSPECTION_LEVELS as readonly string[]).includes(level))
        throw validation(`inspectionLevel: one of ${INSPECTION_LEVELS.join(', ')}`);
      const mock = body.mock as Mock | undefined;
      if (mock !== undefined && (typeof mock !== 'object' || mock === null)) throw validation('mock: an object');
      if (mock && (mock.result === undefined) === (mock.errorOutput === undefined)) {
        throw validation('mock: give exactly one of result and errorOutput');
      }
      const mocked = mock?.result === undefined ? undefined : parseJson(mock.result, 'mock.result');

      const retried = retriesDone(body);
      const { machine, name } = machineOf(definition, optionalString(body, 'stateName', 80), check);
      const state = machine.States[name] as unknown as StateJson;
      const jsonata = (state.QueryLanguage ?? machine.QueryLanguage) === 'JSONata';
      if (mock && !['Task', 'Map', 'Parallel'].includes(state.Type as string))
        throw validation(`mock: a Task, Map or Parallel state is mocked, not a ${String(state.Type)} state`);
      if (!mock && state.Type === 'Task') {
        throw validation('TestState calls no Task here: give mock.result or mock.errorOutput for the Task state');
      }
      if (mock && state.Type !== 'Task') machine.States[name] = mockedAsTask(state) as Definition['States'][string];

      const inspection: { afterParameters?: unknown; result?: unknown; mockFailed?: boolean } = {};
      // A lambda:invoke Task's mock is Lambda's whole Invoke response, as on AWS; the interpreter wraps what the bound
      // activity returns as its Payload (StatusCode 200, $LATEST), so the mock's Payload is handed on.
      const lambda = typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:states:::lambda:invoke');
      const answer = async (): Promise<unknown> => {
        if (!mock) throw new StatesError('States.Runtime', 'TestState calls no Task: a Task inside this state is not mocked');
        if (mock.errorOutput) {
          inspection.mockFailed = true;
          throw new StatesError(mock.errorOutput.error, mock.errorOutput.cause);
        }
        inspection.result = mocked;
        return lambda && typeof mocked === 'object' && mocked !== null && 'Payload' in mocked ? mocked.Payload : mocked;
      };
      let next: ResumePoint | undefined;
      // The mocked error's Retrier, when it would retry: the test ends RETRIABLE there (AWS tests one attempt).
      const retriers = (Array.isArray(state.Retry) ? state.Retry : []) as Retrier[];
      let retriable: { retryIndex: number; retryBackoffIntervalSeconds: number } | undefined;
      const host: ExecutionHost = {
        now: () => Date.now(),
        random: () => Math.random(),
        uuid: () => randomUUID(),
        // Called for a Wait (which does not wait here) and before a retry.
        sleep: async () => {
          if (!inspection.mockFailed || !mock?.errorOutput) return;
          const retryIndex = firstMatch(retriers, mock.errorOutput.error);
          const retrier = retriers[retryIndex];
          if (!retrier || retried >= (retrier.MaxAttempts ?? 3)) return;
          retriable = { retryIndex, retryBackoffIntervalSeconds: Math.round(backoffSeconds(retrier, retried, () => 1)) };
          throw new Stopped('the tested state would be retried');
        },
        runActivity: answer,
        runStepFunctionsActivity: answer,
        issueTaskToken: async () => `test-state-${randomUUID()}`,
        waitForTaskToken: answer,
        // The Task's parameters as the interpreter hands them to the service (afterParameters).
        trace: (event) => {
          if (event.kind === 'task' && event.state === name) inspection.afterParameters = event.parameters;
        },
        startExecution: async () => {
          throw new StatesError('States.Runtime', 'TestState starts no execution');
        },
        cancellable: (fn) => ({ promise: fn(), cancel() {} }),
        between: (point) => {
          next = point;
          throw new Stopped('the tested state has ended');
        },
      };
      const context = executionContext('TestState', randomUUID(), input, Date.now());
      let output: unknown;
      let failed: StatesError | undefined;
      try {
        output = await runExecution(machine, input, {
          host,
          context,
          resume: { state: name, input, variables: variables as Record<string, unknown> },
        });
      } catch (error) {
        if (next) output = next.input;
        else if (retriable && mock?.errorOutput) failed = new StatesError(mock.errorOutput.error, mock.errorOutput.cause);
        else if (error instanceof StatesError) failed = error;
        else throw validation((error as Error).message);
      }
      // Caught: the state went on to one of its Catch targets rather than its Next.
      const catchers = Array.isArray(state.Catch) ? (state.Catch as StateJson[]).map((c) => c.Next) : [];
      const caught = next !== undefined && next.state !== state.Next && catchers.includes(next.state);
      const status = retriable ? 'RETRIABLE' : failed ? 'FAILED' : caught ? 'CAUGHT_ERROR' : 'SUCCEEDED';
      const json = (value: unknown) => JSON.stringify(value);
      const errorDetails = retriable ?? (caught ? { catchIndex: catchers.indexOf(next!.state) } : undefined);
      return {
        status,
        ...(failed ? { error: failed.error, cause: failed.cause } : { output: json(output) }),
        ...(next ? { nextState: next.state } : {}),
        ...(level === 'INFO'
          ? {}
          : {
              inspectionData: {
                input: inputText,
                ...(await pathsApplied(state, jsonata, name, input, variables as Record<string, unknown>, inspection)),
                // A mocked Map or Parallel has no parameters of its own.
                ...('afterParameters' in inspection && state.Type === 'Task' ? { afterParameters: json(inspection.afterParameters) } : {}),
                ...('result' in inspection ? { result: json(inspection.result) } : {}),
                ...(failed ? {} : { afterResultPath: json(output) }),
                variables: json(next ? next.variables : variables),
                ...(errorDetails ? { errorDetails } : {}),
              },
            }),
      };
    },
  };
}
