/**
 * The States Language interpreter. Pure: everything that touches the world (tasks, timers, child executions,
 * time, randomness, cancellation scopes) goes through an ExecutionHost, which the Temporal workflow implements
 * with durable primitives and the tests implement with a virtual clock.
 */
import { Cancellation, ExecutionCancelled } from './cancellation';
import { evaluateRule, parseTimestamp, type ChoiceRule } from './choice';
import { type ErrorOutput, runtimeError, StatesError, StatesErrors } from './errors';
import type { IntrinsicHost } from './intrinsics';
import { evaluateTemplate, isExpression, type StatesBinding } from './jsonata';
import { type PathScope, readPath, typeName, writePath } from './jsonpath';
import { asExecutionFailure, markingHostErrors } from './execution-guard';
import { QueryBudget } from './jsonata-limits';
import { checkPayload, jsonBytes, MAX_ASSIGN_BYTES, MAX_SECONDS, MAX_VARIABLES_BYTES } from './quotas';
import { isActivityArn, lambdaFunctionName, resolveResource, stateMachineName } from './resource';
import { ITEM_READER_ACTIVITY, RESULT_WRITER_ACTIVITY } from './integrations/catalog';
import {
  isSliced,
  type MapShardRequest,
  type MapShardSummary,
  SLICED_MAP_LIMITS,
  type SlicedItems,
  type SlicingRequest,
  toleratedFailures,
} from './map-slices';
import { type Catcher, firstMatch, type Retrier, retryDelay } from './retry';
import { applyTemplate, dynamicValue } from './template';
import type { TraceEvent } from './trace';

export type QueryLanguage = 'JSONPath' | 'JSONata';
// States are checked by the definition checker before a run; here they are read loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StateDefinition = Record<string, any>;

export interface Branch {
  StartAt: string;
  States: Record<string, StateDefinition>;
  QueryLanguage?: QueryLanguage;
}

export interface Definition extends Branch {
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
}

export interface TaskOptions {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export interface ChildExecutionRequest {
  /** Name of the stored state machine. */
  stateMachine: string;
  input: unknown;
  name?: string;
  /** async: start and go on; sync: wait, Output as a string; sync2: wait, Output as JSON. */
  mode: 'async' | 'sync' | 'sync2';
}

/** The world as the interpreter sees it. Failures of tasks are thrown as StatesError; anything else stops the run. */
export interface ExecutionHost {
  now(): number;
  random(): number;
  uuid(): string;
  sleep(ms: number, cancel: Cancellation): Promise<void>;
  runActivity(name: string, input: unknown, options: TaskOptions, cancel: Cancellation): Promise<unknown>;
  startExecution(request: ChildExecutionRequest, cancel: Cancellation): Promise<unknown>;
  /** Runs `fn` in a scope that `cancel()` stops (a CancellationScope in a workflow). */
  cancellable<T>(fn: () => Promise<T>): { promise: Promise<T>; cancel(): void };
  /**
   * Runs one iteration of a DISTRIBUTED Map as an execution of its own (a child workflow); its failure is
   * thrown as a StatesError with the iteration's Error and Cause. Without it, such Maps run inline.
   */
  runChildMachine?(request: ChildMachineRequest, cancel: Cancellation): Promise<unknown>;
  /**
   * Runs one shard of a DISTRIBUTED Map whose items are too many to hold (map-slices.ts): a child execution that
   * reads its slice, runs its iterations as children and answers a summary; failing as the Map then fails.
   */
  runMapShard?(request: { definition: Definition; name: string; request: MapShardRequest }, cancel: Cancellation): Promise<MapShardSummary>;
  /** Whether this execution may slice an ItemReader's items (a workflow's patched(): not when replaying one begun before). */
  slicesItems?(): boolean;
  /**
   * Called between two states of the top-level branch, where nothing else is under way: a workflow continues as new
   * from here (carrying the point) before its history grows too long. Resolving lets the run go on.
   */
  between?(point: ResumePoint): Promise<void> | void;
  /** Lets other work run: called after a run of states that never waited (a Pass loop), so none holds the thread. */
  breathe?(): Promise<void>;
  /** Told of each state entered and exited, Task called and Map iteration: the execution's history (trace.ts). */
  trace?(event: TraceEvent): void;
  /** Callback Tasks (`.waitForTaskToken`, callbacks.ts): a new token for `$$.Task.Token`, unguessable, naming this execution. */
  issueTaskToken?(): Promise<string>;
  /**
   * The token's answer: SendTaskSuccess's output, or SendTaskFailure's error thrown as a StatesError; TimeoutSeconds
   * (from the token's issue) and HeartbeatSeconds (from the issue or the last heartbeat) end it as AWS does.
   */
  waitForTaskToken?(token: string, options: TaskOptions, cancel: Cancellation): Promise<unknown>;
  /**
   * A Task on an activity ARN, when the host serves Step Functions activities: it waits until a worker takes it
   * (GetActivityTask) and answers; without it, an activity ARN binds to the worker's activity of that name.
   */
  runStepFunctionsActivity?(activityArn: string, input: unknown, options: TaskOptions, cancel: Cancellation): Promise<unknown>;
}

/** Where a run stands between two top-level states: enough to go on from there in another run. */
export interface ResumePoint {
  state: string;
  input: unknown;
  variables: Record<string, unknown>;
  /**
   * Set by a redrive whose state is a Parallel or Map: the branches or iterations that succeeded in the run redriven,
   * which the state's first attempt keeps instead of running them again (AWS's redrive reruns only the others).
   */
  kept?: KeptBranches;
}

/** The outputs of a Parallel's branches or a Map's iterations that succeeded, by index, out of `count`. */
export interface KeptBranches {
  count: number;
  outputs: Record<string, unknown>;
}

/**
 * Told, for a top-level Parallel or Map, when an attempt begins (with how many branches or iterations) and each one
 * that succeeds (kept ones too): what a redrive of the state keeps if it does not succeed.
 */
export interface BranchOutcomes {
  started(state: string, count: number): void;
  succeeded(state: string, index: number, output: unknown): void;
}

/** JSONata steps (in all branches) between two breaths: about half a second of a workflow's thread. */
export const QUERY_STEPS_BEFORE_BREATHING = 2_500;

/** States run (in all branches) between two breaths of the host, whatever they waited on. */
export const STATES_BEFORE_BREATHING = 500;

export interface ChildMachineRequest {
  definition: Definition;
  input: unknown;
  /** The parent machine's name and the Map state's, for the child's `$$.StateMachine.Name`. */
  name: string;
}

/** `$$` without the per-state parts: what the caller knows of the execution. */
export interface ExecutionContext {
  Execution: { Id: string; Name: string; Input: unknown; StartTime: string; RoleArn?: string; RedriveCount?: number };
  StateMachine: { Id: string; Name: string };
}

export interface RunOptions {
  host: ExecutionHost;
  context: ExecutionContext;
  cancel?: Cancellation;
  /** Go on from this point (a run continued as new, or redriven) instead of StartAt. */
  resume?: ResumePoint;
  /** Told which branches and iterations of top-level Parallel and Map states succeeded (a redrive keeps those). */
  branchOutcomes?: BranchOutcomes;
  /**
   * When the execution's TimeoutSeconds began to count, if not at its start: its latest redrive (AWS resets the
   * execution's timeout when it is redriven).
   */
  timeoutFrom?: number;
  /**
   * Results as before issue 14's fidelity with AWS (a runtime error's Cause without where, JSONata's failures as
   * States.Runtime, States.Format as JSON, `$$.State.RetryCount` everywhere, fractional seconds, no "1" from a
   * MaxConcurrencyPath): for executions begun before it, which replay as they ran (the workflow's patched()).
   */
  earlierResults?: boolean;
}

/**
 * Runs a definition to its end: resolves with the output, rejects with a StatesError naming how it failed:
 * never anything else the interpreter throws (States.Runtime then, see execution-guard.ts). The input is held
 * to the payload quota like every state's.
 */
export async function runExecution(definition: Definition, input: unknown, options: RunOptions): Promise<unknown> {
  try {
    checkPayload(input, 'The execution input');
    return await runUnguarded(definition, input, { ...options, host: markingHostErrors(options.host) });
  } catch (error) {
    throw asExecutionFailure(error);
  }
}

async function runUnguarded(definition: Definition, input: unknown, options: RunOptions): Promise<unknown> {
  const cancel = options.cancel ?? new Cancellation();
  const variables = new Variables();
  if (options.resume) variables.assign(options.resume.variables);
  const env: Env = {
    host: options.host,
    context: options.context,
    cancel,
    variables,
    queryLanguage: definition.QueryLanguage ?? 'JSONPath',
    steps: { sinceBreath: 0, querySteps: 0 },
    events: { count: 1 },
    earlier: options.earlierResults === true,
    intrinsics: options.earlierResults
      ? { random: () => options.host.random(), uuid: () => options.host.uuid(), formatAsJson: true }
      : options.host,
  };
  const top: TopLevel = { resume: options.resume, branchOutcomes: options.branchOutcomes };
  if (definition.TimeoutSeconds === undefined) return runBranch(definition, input, env, top);
  // A run continued as new keeps the execution's deadline: the time already spent counts (since a redrive, if any).
  const spent = (options.host.now() - (options.timeoutFrom ?? Date.parse(options.context.Execution.StartTime))) / 1000;
  const seconds = options.resume ? Math.max(0, definition.TimeoutSeconds - spent) : definition.TimeoutSeconds;
  return withTimeout(definition, input, env, seconds, top, definition.TimeoutSeconds);
}

/** The top-level branch: it may start from a resume point, and offers the host each point between two states. */
interface TopLevel {
  resume?: ResumePoint;
  branchOutcomes?: BranchOutcomes;
}

async function withTimeout(
  definition: Definition,
  input: unknown,
  env: Env,
  seconds: number,
  top: TopLevel,
  declared = seconds,
): Promise<unknown> {
  const { host } = env;
  const runCancel = env.cancel.child();
  const timerCancel = env.cancel.child();
  const run = host.cancellable(() => runBranch(definition, input, { ...env, cancel: runCancel }, top));
  const timer = host.cancellable(() => host.sleep(seconds * 1000, timerCancel));
  const outcome = await Promise.race([
    run.promise.then(
      (output) => ({ done: true as const, output }),
      (error: unknown) => ({ done: true as const, error }),
    ),
    timer.promise.then(
      () => ({ done: false as const }),
      () => ({ done: false as const, ignored: true }),
    ),
  ]);
  if (outcome.done) {
    timerCancel.cancel();
    timer.cancel();
    await timer.promise.catch(() => undefined);
    if ('error' in outcome) throw outcome.error;
    return outcome.output;
  }
  runCancel.cancel();
  run.cancel();
  await run.promise.catch(() => undefined);
  throw new StatesError(StatesErrors.Timeout, `The execution ran longer than its TimeoutSeconds of ${declared}`);
}

/** Workflow variables: one scope per branch or iteration, reading through to the scopes around it. */
export class Variables {
  private readonly own = new Map<string, unknown>();
  /** UTF-8 JSON bytes of each of this scope's variables, and their sum (at most MAX_VARIABLES_BYTES). */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  constructor(private readonly parent?: Variables) {}

  get(name: string): unknown {
    if (this.own.has(name)) return this.own.get(name);
    if (this.parent) return this.parent.get(name);
    throw runtimeError(`The variable '$${name}' is not defined: no state has assigned it yet`);
  }

  /** Within AWS's quotas: what one Assign sets at most 256 KiB, a scope's variables together at most 10 MiB. */
  assign(values: Record<string, unknown>, stateName?: string): void {
    const what = stateName === undefined ? 'The variables' : `The Assign of state '${stateName}'`;
    // Without a state, a scope is being restored (a run continued as new): only the total applies.
    if (stateName !== undefined) checkPayload(values, what, MAX_ASSIGN_BYTES);
    const sizes = Object.entries(values).map(([k, v]) => [k, Math.max(0, jsonBytes(v, MAX_VARIABLES_BYTES))] as const);
    const bytes = sizes.reduce((sum, [k, size]) => sum + size - (this.sizes.get(k) ?? 0), this.bytes);
    if (bytes > MAX_VARIABLES_BYTES) checkPayload(values, `${what}, with the variables already set,`, MAX_VARIABLES_BYTES - this.bytes);
    for (const [k, v] of Object.entries(values)) this.own.set(k, v);
    for (const [k, size] of sizes) this.sizes.set(k, size);
    this.bytes = bytes;
  }

  /** This scope's own variables: what a run continued as new carries (the top scope has no parent). */
  own_(): Record<string, unknown> {
    return Object.fromEntries(this.own);
  }

  all(): Record<string, unknown> {
    const out = this.parent ? this.parent.all() : {};
    for (const [k, v] of this.own) out[k] = v;
    return out;
  }
}

interface Env {
  host: ExecutionHost;
  context: ExecutionContext;
  cancel: Cancellation;
  variables: Variables;
  queryLanguage: QueryLanguage;
  mapItem?: { Index: number; Value: unknown };
  /** States run since the host last let other work run, across all the execution's branches. */
  steps: { sinceBreath: number; querySteps: number };
  /** The events of this run's GetExecutionHistory so far, ExecutionStarted first (see `traced`), across all branches. */
  events: { count: number };
  /** RunOptions.earlierResults. */
  earlier: boolean;
  /** What intrinsics use: the host, or with earlierResults its States.Format of before. */
  intrinsics: IntrinsicHost;
}

/**
 * Records a trace event and counts the events GetExecutionHistory makes of it (the app's api/sfn/history.ts): one
 * per event, and a second for a Parallel entered (ParallelStateStarted) and a Parallel or Map exited
 * (…StateSucceeded). Answers the id of the first, which is what a runtime error's Cause names ("entered at the event
 * id #N"), as AWS does. The history sorts Temporal's activity events and the trace's by time, so where branches or
 * Map iterations run side by side the number may differ from the history's; in a sequence of states it is the same.
 * A run continued as new counts from 1 again, as the history of the execution's latest run does.
 */
function traced(env: Env, event: TraceEvent): number {
  const id = ++env.events.count;
  if (
    (event.kind === 'entered' && event.type === 'Parallel') ||
    (event.kind === 'exited' && (event.type === 'Parallel' || event.type === 'Map'))
  )
    env.events.count++;
  env.host.trace?.(event);
  return id;
}

/** An activity's TaskStarted and its end (TaskSucceeded, TaskFailed, TaskTimedOut), counted once it has ended. */
function countedActivity<T>(env: Env, call: Promise<T>): Promise<T> {
  return call.then(
    (value) => ((env.events.count += 2), value),
    (error: unknown) => {
      env.events.count += 2;
      throw error;
    },
  );
}

const LOCATED_PREFIX = 'An error occurred while executing the state ';

interface Outcome {
  output: unknown;
  next?: string;
}

/**
 * JSONPath states are computed synchronously: in a workflow every promise costs a stack trace (the SDK's
 * promise hook), so a Map of thousands of items only makes promises where something is really awaited.
 */
type MaybePromise<T> = T | Promise<T>;
const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> => value instanceof Promise;

/** One visit to a state: its name, definition, raw input, and the `$$` object at this moment. */
class Visit {
  readonly entered: string;
  readonly jsonata: boolean;
  retryCount = 0;
  /** A callback Task's token for this attempt: `$$.Task.Token`. */
  taskToken?: string;
  /** A top-level state's redrive: the branches or iterations kept (first attempt only), and who is told of them. */
  redrive?: { kept?: KeptBranches; outcomes?: BranchOutcomes };

  constructor(
    readonly name: string,
    readonly state: StateDefinition,
    readonly raw: unknown,
    readonly env: Env,
  ) {
    this.entered = new Date(env.host.now()).toISOString();
    this.jsonata = (state.QueryLanguage ?? env.queryLanguage) === 'JSONata';
  }

  /** How a value JSONata computed that does not fit fails: States.QueryEvaluationError (States.Runtime before). */
  get queryFailure(): (cause: string) => StatesError {
    return this.jsonata && !this.env.earlier ? queryEvaluationError : runtimeError;
  }

  /** The id of this visit's …StateEntered event (see `traced`). */
  enteredEvent = 0;

  /**
   * A States.Runtime or States.QueryEvaluationError raised while this state ran, its Cause in AWS's words: "An error
   * occurred while executing the state 'X' (entered at the event id #N). …". Once only: a Parallel or Map keeps the
   * Cause of the state inside it that failed.
   */
  locate(error: unknown): unknown {
    if (!(error instanceof StatesError) || (error.error !== StatesErrors.Runtime && error.error !== StatesErrors.QueryEvaluationError))
      return error;
    if (this.env.earlier || error.cause?.startsWith(LOCATED_PREFIX)) return error;
    const where = `${LOCATED_PREFIX}'${this.name}' (entered at the event id #${this.enteredEvent}).`;
    return new StatesError(error.error, error.cause ? `${where} ${error.cause}` : where);
  }

  private cachedContext?: { retryCount: number; taskToken?: string; value: Record<string, unknown> };

  /** `$$`, built once per attempt: a Map of thousands of items reads it for every path. */
  get context(): Record<string, unknown> {
    if (this.cachedContext?.retryCount !== this.retryCount || this.cachedContext.taskToken !== this.taskToken) {
      const value: Record<string, unknown> = {
        ...this.env.context,
        // RetryCount only where a Retry can count (Task, Parallel, Map), as Step Functions shows `$$.State`.
        State:
          this.env.earlier || RETRYING_TYPES.has(this.state.Type as string)
            ? { Name: this.name, EnteredTime: this.entered, RetryCount: this.retryCount }
            : { Name: this.name, EnteredTime: this.entered },
      };
      if (this.env.mapItem) value.Map = { Item: this.env.mapItem };
      if (this.taskToken !== undefined) value.Task = { Token: this.taskToken };
      this.cachedContext = { retryCount: this.retryCount, taskToken: this.taskToken, value };
    }
    return this.cachedContext.value;
  }

  /** The roots of the JSONPath paths of this state, with `$` bound to `input`. */
  scope(input: unknown): PathScope {
    return { input, context: this.context, variable: (name) => this.env.variables.get(name) };
  }

  states(extra: Partial<StatesBinding> = {}): StatesBinding {
    return { input: this.raw, context: this.context, ...extra };
  }

  private queryBudget?: QueryBudget;

  /** JSONata steps this visit spent (0 without JSONata): time, inside a workflow, that the host's breaths account for. */
  get querySteps(): number {
    return this.queryBudget?.steps ?? 0;
  }

  /** What all the JSONata evaluations of this visit may spend together (jsonata-limits.ts). */
  get budget(): QueryBudget {
    return (this.queryBudget ??= new QueryBudget());
  }

  /** Evaluates a JSONata field (any `{% %}` inside it). */
  eval(template: unknown, field: string, extra: Partial<StatesBinding> = {}): Promise<unknown> {
    return evaluateTemplate(template, this.states(extra), this.env.variables.all(), this.env.host, field, this.budget);
  }

  get next(): string | undefined {
    return this.state.End === true ? undefined : (this.state.Next as string);
  }

  // --- JSONPath input and output processing ---

  effectiveInput(): unknown {
    const path = this.state.InputPath;
    if (path === null) return {};
    if (path === undefined) return this.raw;
    return readPath(path, this.scope(this.raw));
  }

  applyResultPath(result: unknown, resultPath: string | null | undefined = this.state.ResultPath): unknown {
    if (resultPath === null) return this.raw;
    if (resultPath === undefined || resultPath === '$') return result;
    return writePath(this.raw, resultPath, result);
  }

  applyOutputPath(value: unknown): unknown {
    const path = this.state.OutputPath;
    if (path === null) return {};
    if (path === undefined) return value;
    return readPath(path, this.scope(value));
  }

  /** Variables to assign (not yet assigned: Output and OutputPath still see the old values). JSONPath: `$` is `dollar`. */
  assignPath(assign: unknown, dollar: unknown): Record<string, unknown> | undefined {
    if (assign === undefined) return undefined;
    return applyTemplate(assign, this.scope(dollar), this.env.intrinsics) as Record<string, unknown>;
  }

  /** The same for JSONata, with `$states` bound (plus `extra`). */
  async assignJsonata(assign: unknown, extra: Partial<StatesBinding> = {}): Promise<Record<string, unknown> | undefined> {
    if (assign === undefined) return undefined;
    return (await this.eval(assign, 'Assign', extra)) as Record<string, unknown>;
  }

  /** JSONata's end of a state: Assign and Output (default: `fallback`), both seeing the old variables. */
  async outputJsonata(
    holder: StateDefinition,
    fallback: unknown,
    next: string | undefined,
    extra: Partial<StatesBinding> = {},
  ): Promise<Outcome> {
    const assigned = await this.assignJsonata(holder.Assign, extra);
    const output = holder.Output === undefined ? fallback : await this.eval(holder.Output, 'Output', extra);
    this.commit(assigned);
    return { output, next };
  }

  commit(assigned: Record<string, unknown> | undefined): void {
    if (assigned) this.env.variables.assign(assigned, this.name);
  }

  /**
   * The end of a state that produced `result` (Task, Parallel, Map, Pass): ResultSelector, Assign, ResultPath and
   * OutputPath for JSONPath; Assign and Output (default: the result) for JSONata.
   */
  finish(result: unknown): MaybePromise<Outcome> {
    checkPayload(result, `The result of state '${this.name}'`);
    if (this.jsonata) return this.outputJsonata(this.state, result, this.next, { result });
    const selected =
      this.state.ResultSelector === undefined ? result : applyTemplate(this.state.ResultSelector, this.scope(result), this.env.intrinsics);
    const assigned = this.assignPath(this.state.Assign, selected);
    const output = this.applyOutputPath(this.applyResultPath(selected));
    this.commit(assigned);
    return { output, next: this.next };
  }

  /** A number field that may also be given as `<Field>Path` (JSONPath) or an expression (JSONata). */
  numberField(field: string, effective: unknown): MaybePromise<number | undefined> {
    const value: unknown = this.state[field];
    // A value JSONata computed that does not fit fails as the expression's error (States.QueryEvaluationError), as in AWS.
    if (this.jsonata && isExpression(value))
      return this.eval(value, field).then((v) => checkNumber(field, v, this.queryFailure, this.env.earlier));
    if (!this.jsonata && this.state[`${field}Path`] !== undefined) {
      let read = readPath(this.state[`${field}Path`], this.scope(effective));
      // Step Functions takes a MaxConcurrencyPath giving an integer as a string ("1").
      if (!this.env.earlier && field === 'MaxConcurrency' && typeof read === 'string' && /^\d+$/.test(read)) read = Number(read);
      return checkNumber(this.env.earlier ? field : `${field}Path`, read, runtimeError, this.env.earlier);
    }
    return checkNumber(field, value, runtimeError, this.env.earlier);
  }

  /** Retry, then Catch, around `attempt`; `finish` runs once after a success, its failures only caught. */
  async guarded(attempt: () => MaybePromise<unknown>): Promise<Outcome> {
    const counts: number[] = [];
    let result: unknown;
    for (;;) {
      try {
        result = await attempt();
        break;
      } catch (thrown) {
        const error = this.locate(thrown);
        if (!(error instanceof StatesError)) throw error;
        const delay = retryDelay(this.state.Retry as Retrier[] | undefined, counts, error.error, () => this.env.host.random());
        if (delay === undefined) return this.caught(error);
        await this.env.host.sleep(delay, this.env.cancel);
        this.env.cancel.throwIfCancelled();
        this.retryCount++;
      }
    }
    try {
      const finished = this.finish(result);
      return isPromise(finished) ? await finished : finished;
    } catch (thrown) {
      const error = this.locate(thrown);
      if (!(error instanceof StatesError)) throw error;
      return this.caught(error);
    }
  }

  private async caught(error: StatesError): Promise<Outcome> {
    const catchers = this.state.Catch as Catcher[] | undefined;
    const i = firstMatch(catchers, error.error);
    if (i < 0) throw error;
    const catcher = catchers![i];
    const errorOutput: ErrorOutput = error.output;
    if (this.jsonata) return this.outputJsonata(catcher, errorOutput, catcher.Next, { errorOutput });
    const assigned = this.assignPath(catcher.Assign, errorOutput);
    const output = this.applyResultPath(errorOutput, catcher.ResultPath);
    this.commit(assigned);
    return { output, next: catcher.Next };
  }
}

async function runBranch(branch: Branch, input: unknown, env: Env, top?: TopLevel): Promise<unknown> {
  let name = top?.resume?.state ?? branch.StartAt;
  let raw = top?.resume ? top.resume.input : input;
  const scoped = { ...env, queryLanguage: branch.QueryLanguage ?? env.queryLanguage };
  for (let first = true; ; first = false) {
    env.cancel.throwIfCancelled();
    // Between two top-level states nothing else runs: the host may go on in a new run from here.
    if (top && !first && env.host.between) await env.host.between({ state: name, input: raw, variables: env.variables.own_() });
    const state = Object.prototype.hasOwnProperty.call(branch.States, name) ? branch.States[name] : undefined;
    if (!state) throw runtimeError(`There is no state named '${name}'`);
    const visit = new Visit(name, state, raw, scoped);
    if (top) visit.redrive = { kept: first ? top.resume?.kept : undefined, outcomes: top.branchOutcomes };
    visit.enteredEvent = traced(env, { kind: 'entered', state: name, type: state.Type, input: raw });
    let result: Outcome;
    try {
      const outcome = runState(visit);
      result = isPromise(outcome) ? await outcome : outcome;
    } catch (error) {
      throw visit.locate(error);
    }
    const { output, next } = result;
    checkPayload(output, `The output of state '${name}'`);
    traced(env, { kind: 'exited', state: name, type: state.Type, output });
    // Counted over every branch, in states and in JSONata steps (about 0.2 ms each in a workflow): a Pass loop, or a
    // JSONata-heavy one, would otherwise hold the thread.
    env.steps.querySteps += visit.querySteps;
    if ((++env.steps.sinceBreath >= STATES_BEFORE_BREATHING || env.steps.querySteps >= QUERY_STEPS_BEFORE_BREATHING) && env.host.breathe) {
      env.steps.sinceBreath = 0;
      env.steps.querySteps = 0;
      await env.host.breathe();
    }
    if (next === undefined) return output;
    name = next;
    raw = output;
  }
}

function runState(v: Visit): MaybePromise<Outcome> {
  switch (v.state.Type) {
    case 'Pass':
      return runPass(v);
    case 'Task':
      return runTask(v);
    case 'Choice':
      return runChoice(v);
    case 'Wait':
      return runWait(v);
    case 'Succeed':
      return runSucceed(v);
    case 'Fail':
      return runFail(v);
    case 'Parallel':
      return runParallel(v);
    case 'Map':
      return runMap(v);
    default:
      throw runtimeError(`State '${v.name}' has an unknown Type ${JSON.stringify(v.state.Type)}`);
  }
}

function runPass(v: Visit): MaybePromise<Outcome> {
  if (v.jsonata) return v.finish(v.raw);
  const effective = v.effectiveInput();
  let result = effective;
  if (v.state.Parameters !== undefined) result = applyTemplate(v.state.Parameters, v.scope(effective), v.env.intrinsics);
  else if ('Result' in v.state) result = v.state.Result;
  checkPayload(result, `The result of state '${v.name}'`);
  const assigned = v.assignPath(v.state.Assign, result);
  const output = v.applyOutputPath(v.applyResultPath(result));
  v.commit(assigned);
  return { output, next: v.next };
}

function runSucceed(v: Visit): MaybePromise<Outcome> {
  if (v.jsonata) return v.state.Output === undefined ? { output: v.raw } : v.eval(v.state.Output, 'Output').then((output) => ({ output }));
  return { output: v.applyOutputPath(v.effectiveInput()) };
}

async function runFail(v: Visit): Promise<Outcome> {
  const read = async (field: 'Error' | 'Cause'): Promise<string | undefined> => {
    let value: unknown = v.state[field];
    if (v.jsonata && isExpression(value)) value = await v.eval(value, field);
    else if (!v.jsonata && v.state[`${field}Path`] !== undefined)
      value = dynamicValue(v.state[`${field}Path`], v.scope(v.raw), v.env.intrinsics);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      const failure = v.queryFailure;
      throw failure(`The ${field} of Fail state '${v.name}' must be a string, not ${typeName(value)}`);
    }
    return value;
  };
  throw new StatesError(await read('Error'), await read('Cause'));
}

/** The state types that take Retry: only their `$$.State` has a RetryCount. */
const RETRYING_TYPES = new Set(['Task', 'Parallel', 'Map']);

/** Fields in seconds, held to Step Functions' largest (so that Temporal can always schedule the timer). */
const SECONDS_FIELDS = new Set(['Seconds', 'TimeoutSeconds', 'HeartbeatSeconds']);

/** The fields Step Functions takes as integers only: a SecondsPath giving 1.5 fails (States.Runtime) as in AWS. */
const INTEGER_FIELDS = new Set(['Seconds', 'TimeoutSeconds', 'HeartbeatSeconds', 'MaxConcurrency', 'ToleratedFailureCount']);

const queryEvaluationError = (cause: string) => new StatesError(StatesErrors.QueryEvaluationError, cause);

/** `field` may name the path it was read from (`SecondsPath`); `failure` builds the error (States.Runtime unless JSONata's). */
function checkNumber(field: string, value: unknown, failure: (cause: string) => StatesError, earlier: boolean): number | undefined {
  if (value === undefined) return undefined;
  const name = field.replace(/Path$/, '');
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw failure(`${field} must be a non-negative number, not ${JSON.stringify(value)}`);
  if (!earlier && INTEGER_FIELDS.has(name) && !Number.isInteger(value)) throw failure(`${field} must be an integer, not ${value}`);
  if (SECONDS_FIELDS.has(name) && value > MAX_SECONDS) throw failure(`${field} must be at most ${MAX_SECONDS}, not ${value}`);
  return value;
}

const noChoice = (v: Visit) =>
  new StatesError(StatesErrors.NoChoiceMatched, `No Choice rule matched the input in state '${v.name}', and it has no Default`);

function runChoice(v: Visit): MaybePromise<Outcome> {
  if (v.jsonata) return runChoiceJsonata(v);
  const effective = v.effectiveInput();
  const scope = v.scope(effective);
  const rule = (v.state.Choices as ChoiceRule[]).find((r) => evaluateRule(r, scope));
  // The chosen rule's Assign applies; the state's own applies to the Default.
  const holder = rule ?? (v.state.Default !== undefined ? v.state : undefined);
  if (!holder) throw noChoice(v);
  const assigned = v.assignPath(holder.Assign, effective);
  const output = v.applyOutputPath(effective);
  v.commit(assigned);
  return { output, next: (rule ? rule.Next : v.state.Default) as string };
}

async function runChoiceJsonata(v: Visit): Promise<Outcome> {
  for (const [i, rule] of (v.state.Choices as ChoiceRule[]).entries()) {
    const holds = await v.eval(rule.Condition, `Choices[${i}].Condition`);
    if (typeof holds !== 'boolean') {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Condition of Choices[${i}] in state '${v.name}' must be a boolean, not ${JSON.stringify(holds)}`,
      );
    }
    // A rule's Output replaces the state's; without either the input goes on.
    if (holds) return v.outputJsonata({ Assign: rule.Assign, Output: rule.Output ?? v.state.Output }, v.raw, rule.Next as string);
  }
  if (v.state.Default === undefined) throw noChoice(v);
  return v.outputJsonata(v.state, v.raw, v.state.Default);
}

async function runWait(v: Visit): Promise<Outcome> {
  const { host } = v.env;
  const effective = v.jsonata ? v.raw : v.effectiveInput();
  let ms: number;
  if (v.state.Seconds !== undefined || v.state.SecondsPath !== undefined) {
    const seconds = await v.numberField('Seconds', effective);
    ms = (seconds ?? 0) * 1000;
  } else {
    let stamp: unknown = v.state.Timestamp;
    if (v.jsonata && isExpression(stamp)) stamp = await v.eval(stamp, 'Timestamp');
    else if (!v.jsonata && v.state.TimestampPath !== undefined) stamp = readPath(v.state.TimestampPath, v.scope(effective));
    const at = parseTimestamp(stamp);
    if (at === undefined) {
      const failure = v.queryFailure;
      throw failure(`The Timestamp of Wait state '${v.name}' is not an RFC 3339 timestamp: ${JSON.stringify(stamp)}`);
    }
    ms = Math.max(0, at - host.now());
    // Held to the longest Seconds Step Functions takes: a Timestamp in the year 9999 would wait for ever.
    if (ms > MAX_SECONDS * 1000)
      throw runtimeError(`The Timestamp of Wait state '${v.name}' is more than ${MAX_SECONDS} seconds ahead: ${JSON.stringify(stamp)}`);
  }
  if (ms > 0) await host.sleep(ms, v.env.cancel);
  v.env.cancel.throwIfCancelled();
  if (v.jsonata) return v.outputJsonata(v.state, v.raw, v.next);
  const assigned = v.assignPath(v.state.Assign, effective);
  const output = v.applyOutputPath(effective);
  v.commit(assigned);
  return { output, next: v.next };
}

function runTask(v: Visit): Promise<Outcome> {
  if (v.jsonata) {
    return v.guarded(async () => {
      await issueTaskToken(v);
      const args = v.state.Arguments === undefined ? v.raw : await v.eval(v.state.Arguments, 'Arguments');
      const options = {
        timeoutSeconds: await v.numberField('TimeoutSeconds', v.raw),
        heartbeatSeconds: await v.numberField('HeartbeatSeconds', v.raw),
      };
      return invoke(v, args, options);
    });
  }
  const effective = v.effectiveInput();
  const attempt = () => {
    const args = v.state.Parameters === undefined ? effective : applyTemplate(v.state.Parameters, v.scope(effective), v.env.intrinsics);
    // Never promises in JSONPath: the fields are numbers or paths.
    const options = {
      timeoutSeconds: v.numberField('TimeoutSeconds', effective),
      heartbeatSeconds: v.numberField('HeartbeatSeconds', effective),
    } as TaskOptions;
    return invoke(v, args, options);
  };
  // A callback Task's attempt gets its token first: its Parameters read it as $$.Task.Token.
  return v.guarded(() => (isCallback(v) ? issueTaskToken(v).then(attempt) : attempt()));
}

const isCallback = (v: Visit) => resolveResource(v.state.Resource as string).callback === true;

/** A new token for each attempt of a callback Task (each retry is a new task to answer, as in AWS). */
async function issueTaskToken(v: Visit): Promise<void> {
  if (!isCallback(v)) return;
  if (!v.env.host.issueTaskToken || !v.env.host.waitForTaskToken)
    throw runtimeError(`Task '${v.name}': this host does not run callback Tasks (.waitForTaskToken)`);
  v.taskToken = await v.env.host.issueTaskToken();
}

/**
 * The Task's call, then, for a callback Task, the wait for its token's answer, which is the Task's result (the call's
 * own result is dropped, as in AWS). The call itself gets TimeoutSeconds but no heartbeat: it is the wait that must
 * hear from someone every HeartbeatSeconds.
 */
function invoke(v: Visit, args: unknown, options: TaskOptions): Promise<unknown> {
  const token = v.taskToken;
  if (token === undefined || !isCallback(v)) return call(v, args, options);
  const { host, cancel } = v.env;
  return call(v, args, { timeoutSeconds: options.timeoutSeconds }).then(() => host.waitForTaskToken!(token, options, cancel));
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function call(v: Visit, args: unknown, options: TaskOptions): Promise<unknown> {
  const { host, cancel } = v.env;
  checkPayload(args, `The input of task '${v.name}'`);
  const target = resolveResource(v.state.Resource as string);
  // Recorded right before the host schedules it (synchronously), so the host can tell which activity call it is.
  traced(v.env, { kind: 'task', state: v.name, resource: v.state.Resource as string, parameters: args, ...options });
  switch (target.kind) {
    case 'activity':
      if (host.runStepFunctionsActivity && isActivityArn(v.state.Resource as string))
        return countedActivity(v.env, host.runStepFunctionsActivity(v.state.Resource as string, args, options, cancel));
      return countedActivity(v.env, host.runActivity(target.name, args, options, cancel));
    case 'integration':
      // A service call (integrations/): an activity of the worker like any Task, so Retry, Catch and timeouts apply.
      return countedActivity(v.env, host.runActivity(target.spec.activity, args, options, cancel));
    case 'lambdaInvoke': {
      if (!isObject(args) || typeof args.FunctionName !== 'string') {
        throw runtimeError(
          `Task '${v.name}' calls lambda:invoke without a FunctionName string in its ${v.jsonata ? 'Arguments' : 'Parameters'}`,
        );
      }
      return countedActivity(v.env, host.runActivity(lambdaFunctionName(args.FunctionName), args.Payload ?? {}, options, cancel)).then(
        (payload) => ({ ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 }),
      );
    }
    case 'startExecution': {
      if (!isObject(args) || typeof args.StateMachineArn !== 'string') {
        throw runtimeError(`Task '${v.name}' starts an execution without a StateMachineArn string`);
      }
      let input = args.Input ?? {};
      if (typeof input === 'string') {
        try {
          input = JSON.parse(input);
        } catch {
          throw runtimeError(`Task '${v.name}': Input is a string but not JSON`);
        }
      }
      const name = typeof args.Name === 'string' ? args.Name : undefined;
      return host.startExecution({ stateMachine: stateMachineName(args.StateMachineArn), input, name, mode: target.mode }, cancel);
    }
    case 'unsupported':
      throw runtimeError(`Task '${v.name}': ${target.reason}`);
  }
}

interface Tolerance {
  /** The replacement result of a failed item, or the error to fail the whole state with. */
  onFailure(error: StatesError, index: number): { value: unknown } | { error: StatesError };
  /** The indexes of the failures tolerated so far: ResultWriter lists them as FAILED. */
  failed: number[];
}

/**
 * Runs `count` jobs, at most `limit` at once, in order of index. The first failure that is not tolerated
 * cancels every job still running (one cancellation scope for them all) and is thrown once they have stopped.
 */
async function runConcurrently(
  env: Env,
  count: number,
  limit: number,
  job: (i: number, env: Env) => Promise<unknown>,
  tolerance?: Tolerance,
  redrive?: BranchesRedrive,
): Promise<unknown[]> {
  const results = new Array<unknown>(count);
  if (count === 0) return results;
  const jobs: Env = { ...env, cancel: env.cancel.child() };
  let group: { promise: Promise<unknown>; cancel(): void } | undefined;
  let failure: unknown;
  let next = 0;
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    jobs.cancel.cancel();
    group?.cancel();
  };
  const lane = async () => {
    while (next < count && failure === undefined) {
      const i = next++;
      try {
        const kept = redrive?.kept(i);
        results[i] = kept ? kept.output : await job(i, jobs);
        redrive?.succeeded(i, results[i]);
      } catch (error) {
        if (failure !== undefined) continue; // stopped because another job failed
        if (tolerance && error instanceof StatesError) {
          const decision = tolerance.onFailure(error, i);
          if ('value' in decision) results[i] = decision.value;
          else fail(decision.error);
        } else fail(error);
      }
    }
  };
  group = env.host.cancellable(() => Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane)));
  if (failure !== undefined) group.cancel();
  await group.promise;
  if (failure !== undefined) throw failure;
  env.cancel.throwIfCancelled();
  return results;
}

/** What runConcurrently does for a redrive: a job's output kept from the run redriven, and each success told. */
interface BranchesRedrive {
  kept(i: number): { output: unknown } | undefined;
  succeeded(i: number, output: unknown): void;
}

/**
 * A top-level Parallel or Map attempt's part in redrives: the host is told which branches or iterations succeed, and
 * on a redrive's first attempt those the redriven run kept give their output without running again. Undefined
 * elsewhere (nested states are rerun with the branch or iteration around them).
 */
function branchesRedrive(v: Visit, count: number): BranchesRedrive | undefined {
  if (!v.redrive) return undefined;
  const { kept, outcomes } = v.redrive;
  // The first attempt only: a Retry of the state runs every branch again, as within one run.
  v.redrive = { outcomes };
  const outputs = kept?.count === count ? kept.outputs : undefined;
  if (!outputs && !outcomes) return undefined;
  outcomes?.started(v.name, count);
  return {
    kept: (i) => (outputs && Object.hasOwn(outputs, i) ? { output: outputs[i] } : undefined),
    succeeded: (i, output) => outcomes?.succeeded(v.name, i, output),
  };
}

function branchEnv(v: Visit, cancel: Cancellation, mapItem?: Env['mapItem']): Env {
  return { ...v.env, cancel, variables: new Variables(v.env.variables), mapItem };
}

async function runParallel(v: Visit): Promise<Outcome> {
  const effective = v.jsonata ? v.raw : v.effectiveInput();
  const branches = v.state.Branches as Branch[];
  return v.guarded(async () => {
    let input: unknown;
    if (v.jsonata) input = v.state.Arguments === undefined ? v.raw : await v.eval(v.state.Arguments, 'Arguments');
    else input = v.state.Parameters === undefined ? effective : applyTemplate(v.state.Parameters, v.scope(effective), v.env.intrinsics);
    checkPayload(input, `The input of the branches of state '${v.name}'`);
    const langOf = (b: Branch) => b.QueryLanguage ?? (v.jsonata ? 'JSONata' : v.env.queryLanguage);
    return runConcurrently(
      v.env,
      branches.length,
      branches.length,
      (i, env) => runBranch(branches[i], input, { ...branchEnv(v, env.cancel), queryLanguage: langOf(branches[i]) }),
      undefined,
      branchesRedrive(v, branches.length),
    );
  });
}

async function runMap(v: Visit): Promise<Outcome> {
  const { state } = v;
  const effective = v.jsonata ? v.raw : v.effectiveInput();
  const processor = (state.ItemProcessor ?? state.Iterator) as Branch & { ProcessorConfig?: { Mode?: string } };
  const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
  return v.guarded(async () => {
    let items: unknown;
    if (state.ItemReader) {
      const reader = await readItems(v, effective, distributed);
      items = reader.items;
      // Too many to hold: shards read them (map-slices.ts).
      if (isSliced(items)) return runSlicedMap(v, effective, { ...reader, sliced: items.Sliced }, processor);
    } else if (v.jsonata) items = state.Items === undefined ? v.raw : await v.eval(state.Items, 'Items');
    else items = readPath(state.ItemsPath ?? '$', v.scope(effective));
    // Items that JSONata computed and that are not an array are the expression's error, as in AWS.
    if (v.jsonata && !v.env.earlier && !state.ItemReader && !Array.isArray(items))
      throw queryEvaluationError(`The Map state '${v.name}' needs an array of items, but Items gave ${typeName(items)}`);
    // The items are the Map's input: at most 256 KiB, which bounds how many iterations it runs (128 Ki at most).
    checkPayload(items, `The items of Map state '${v.name}'`);
    if (!Array.isArray(items)) {
      throw runtimeError(
        `The Map state '${v.name}' needs an array of items, ` +
          `but ${v.jsonata ? 'Items' : `ItemsPath '${state.ItemsPath ?? '$'}'`} gave ${typeName(items)}`,
      );
    }
    const batched = await batch(v, items, effective);
    const maxConcurrency = (await v.numberField('MaxConcurrency', effective)) ?? 0;
    const tolerance = await toleranceOf(v, effective, batched.length);
    const selector = state.ItemSelector ?? state.Parameters;
    const lang = processor.QueryLanguage ?? (v.jsonata ? 'JSONata' : v.env.queryLanguage);
    const trace = (event: TraceEvent) => traced(v.env, event);
    trace({ kind: 'mapStarted', state: v.name, length: batched.length });
    // Started before the iteration's first state is entered.
    const tracedIteration = (index: number, start: () => Promise<unknown>): Promise<unknown> => {
      trace({ kind: 'iteration', state: v.name, index, outcome: 'started' });
      return start().then(
        (value) => (trace({ kind: 'iteration', state: v.name, index, outcome: 'succeeded' }), value),
        (error: unknown) => {
          trace({ kind: 'iteration', state: v.name, index, outcome: 'failed' });
          throw error;
        },
      );
    };
    const results = await runConcurrently(
      v.env,
      batched.length,
      maxConcurrency === 0 ? batched.length : maxConcurrency,
      (i, env) => {
        const mapItem = { Index: i, Value: batched[i] };
        const item = (input: unknown): Promise<unknown> => {
          if (distributed && v.env.host.runChildMachine) {
            // An execution of its own, as in AWS: it sees neither $$.Map nor the parent's variables.
            const definition: Definition = { StartAt: processor.StartAt, States: processor.States, QueryLanguage: lang };
            return v.env.host.runChildMachine({ definition, input, name: `${v.env.context.StateMachine.Name}-${v.name}` }, env.cancel);
          }
          return runBranch(processor, input, { ...branchEnv(v, env.cancel, mapItem), queryLanguage: lang });
        };
        if (selector === undefined) return tracedIteration(i, () => item(batched[i]));
        const context = { ...v.context, Map: { Item: mapItem } };
        const checked = (input: unknown) => {
          checkPayload(input, `The input of iteration ${i} of Map state '${v.name}'`);
          return item(input);
        };
        // A budget for each item: the Map's own would let only a few hundred items through.
        if (v.jsonata)
          return tracedIteration(i, () =>
            evaluateTemplate(
              selector,
              { input: v.raw, context },
              v.env.variables.all(),
              v.env.host,
              'ItemSelector',
              new QueryBudget(),
            ).then(checked),
          );
        return tracedIteration(i, () => checked(applyTemplate(selector, { ...v.scope(effective), context }, v.env.intrinsics)));
      },
      tolerance,
      branchesRedrive(v, batched.length),
    );
    return state.ResultWriter ? writeResults(v, effective, results, tolerance?.failed) : results;
  });
}

/** ItemReader / ResultWriter's Parameters (JSONPath) or Arguments (JSONata), evaluated like a Task's. */
async function ioParameters(v: Visit, effective: unknown, field: 'ItemReader' | 'ResultWriter'): Promise<unknown> {
  const io = v.state[field] as StateDefinition;
  if (v.jsonata) return io.Arguments === undefined ? {} : v.eval(io.Arguments, `${field}.Arguments`);
  return io.Parameters === undefined ? {} : applyTemplate(io.Parameters, v.scope(effective), v.env.intrinsics);
}

interface ItemReading {
  /** What was asked of the reader, and what it answered: the items, or where they lie (SlicedItems). */
  request: Record<string, unknown>;
  items: unknown;
  /** The items an iteration takes when the reader may answer slices. */
  perIteration?: number;
}

/**
 * A Distributed Map's items from S3, read by the worker (integrations/items.ts). When the host runs shards (a
 * workflow, for executions begun since it could: patched), the reader may answer slices instead of the items.
 */
async function readItems(v: Visit, effective: unknown, distributed: boolean): Promise<ItemReading> {
  const reader = v.state.ItemReader as StateDefinition;
  const { MaxItemsPath, ...config } = (reader.ReaderConfig ?? {}) as StateDefinition;
  if (MaxItemsPath !== undefined) config.MaxItems = readPath(MaxItemsPath, v.scope(effective));
  else if (v.jsonata && isExpression(config.MaxItems)) config.MaxItems = await v.eval(config.MaxItems, 'ItemReader.ReaderConfig.MaxItems');
  const request: Record<string, unknown> = {
    Resource: reader.Resource,
    ReaderConfig: config,
    Parameters: await ioParameters(v, effective, 'ItemReader'),
  };
  const { host } = v.env;
  const perIteration = distributed && host.runMapShard && host.slicesItems?.() ? await itemsPerIteration(v, effective) : undefined;
  if (perIteration !== undefined) request.Slicing = { ItemsPerIteration: perIteration } satisfies SlicingRequest;
  return { request, items: await host.runActivity(ITEM_READER_ACTIVITY, request, {}, v.env.cancel), perIteration };
}

/** ItemBatcher's MaxItemsPerBatch (1 without a batcher); undefined when a batch takes every item. */
async function itemsPerIteration(v: Visit, effective: unknown): Promise<number | undefined> {
  const batcher = v.state.ItemBatcher as StateDefinition | undefined;
  if (!batcher) return 1;
  let size: unknown = batcher.MaxItemsPerBatch;
  if (size === undefined && batcher.MaxItemsPerBatchPath !== undefined) size = readPath(batcher.MaxItemsPerBatchPath, v.scope(effective));
  if (v.jsonata && isExpression(size)) size = await v.eval(size, 'ItemBatcher.MaxItemsPerBatch');
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

/**
 * A DISTRIBUTED Map over items too many to hold: one shard (a child execution) a slice, at most
 * SLICED_MAP_LIMITS.openChildren iterations open at once across them (and MaxConcurrency); each shard answers its
 * counts, the parent sums them against ToleratedFailure*, and with a ResultWriter the shards wrote the results
 * themselves, so the manifest is all that is left to write.
 */
async function runSlicedMap(
  v: Visit,
  effective: unknown,
  reading: ItemReading & { sliced: SlicedItems['Sliced'] },
  processor: Branch,
): Promise<unknown> {
  const { state } = v;
  const lang = processor.QueryLanguage ?? (v.jsonata ? 'JSONata' : v.env.queryLanguage);
  const { host } = v.env;
  const { sliced } = reading;
  const perIteration = reading.perIteration ?? 1;
  const iterations = Math.ceil(sliced.ItemCount / perIteration);
  const maxConcurrency = (await v.numberField('MaxConcurrency', effective)) ?? 0;
  const count = await v.numberField('ToleratedFailureCount', effective);
  const percentage = await v.numberField('ToleratedFailurePercentage', effective);
  const tolerance =
    count === undefined && percentage === undefined
      ? undefined
      : { failures: toleratedFailures(count, percentage, iterations), iterations };
  const batcher = state.ItemBatcher as StateDefinition | undefined;
  let batchInput: { value: unknown } | undefined;
  if (batcher?.BatchInput !== undefined)
    batchInput = {
      value: v.jsonata
        ? await v.eval(batcher.BatchInput, 'ItemBatcher.BatchInput')
        : applyTemplate(batcher.BatchInput, v.scope(effective), v.env.intrinsics),
    };
  const template = state.ItemSelector ?? state.Parameters;
  const selector =
    template === undefined
      ? undefined
      : { template, jsonata: v.jsonata, input: v.jsonata ? v.raw : effective, context: v.context, variables: v.env.variables.all() };
  const writer = state.ResultWriter ? await mapRun(v, effective) : undefined;
  const open = Math.min(maxConcurrency === 0 ? SLICED_MAP_LIMITS.openChildren : maxConcurrency, SLICED_MAP_LIMITS.openChildren);
  // As many shards at once as their iterations fill `open`: slices cut by bytes may hold only a few iterations each.
  const largest = Math.max(...sliced.Slices.map((slice) => Math.ceil(slice.Count / perIteration)));
  const perShard = Math.min(open, largest);
  const definition: Definition = { StartAt: processor.StartAt, States: processor.States, QueryLanguage: lang };
  traced(v.env, { kind: 'mapStarted', state: v.name, length: iterations });
  let failed = 0;
  const summaries = await runConcurrently(v.env, sliced.Slices.length, Math.max(1, Math.floor(open / perShard)), async (i, env) => {
    const slice = sliced.Slices[i];
    const request: MapShardRequest = {
      map: v.name,
      shard: i,
      read: { ...reading.request, Slicing: undefined, Slice: { ...slice, CSVHeaders: sliced.CSVHeaders, ETag: sliced.ETag } },
      firstIteration: slice.First / perIteration,
      ...(batcher ? { batcher: { size: perIteration, ...(batchInput ? { batchInput } : {}) } } : {}),
      ...(selector ? { selector } : {}),
      concurrency: perShard,
      ...(tolerance ? { tolerance } : {}),
      ...(writer ? { writer } : {}),
    };
    checkPayload(request, `What a shard of Map state '${v.name}' is given (its input and variables, for ItemSelector)`);
    const summary = await host.runMapShard!({ definition, name: `${v.env.context.StateMachine.Name}-${v.name}`, request }, env.cancel);
    failed += summary.failed;
    if (tolerance && failed > tolerance.failures) {
      throw new StatesError(
        StatesErrors.ExceedToleratedFailureThreshold,
        `The Map state '${v.name}' failed because ${failed} of ${iterations} items failed, more than it tolerates`,
      );
    }
    return summary;
  });
  if (writer) {
    const details = await host.runActivity(RESULT_WRITER_ACTIVITY, { ...writer, Manifest: true }, {}, v.env.cancel);
    return { MapRunArn: writer.MapRunArn, ResultWriterDetails: details };
  }
  const results = (summaries as MapShardSummary[]).flatMap((summary) => summary.results ?? []);
  checkPayload(results, `The results of Map state '${v.name}'`);
  return results;
}

/** ResultWriter: the results go to S3 (Step Functions' manifest and result files); the Map answers where. */
async function writeResults(v: Visit, effective: unknown, results: unknown[], failed: number[] = []): Promise<unknown> {
  const run = await mapRun(v, effective);
  const request = { ...run, Results: results, ...(failed.length > 0 ? { Failed: [...failed].sort((a, b) => a - b) } : {}) };
  const details = await v.env.host.runActivity(RESULT_WRITER_ACTIVITY, request, {}, v.env.cancel);
  return { MapRunArn: run.MapRunArn, ResultWriterDetails: details };
}

/** ResultWriter's destination, and the Map run's id and ARN its files are named after. */
async function mapRun(v: Visit, effective: unknown): Promise<NonNullable<MapShardRequest['writer']>> {
  const params = (await ioParameters(v, effective, 'ResultWriter')) as { Bucket?: unknown; Prefix?: unknown };
  if (typeof params.Bucket !== 'string') throw runtimeError(`The ResultWriter of Map state '${v.name}' needs a Bucket string`);
  const id = v.env.host.uuid();
  const machine = v.env.context.StateMachine.Id;
  const MapRunArn = `${machine.replace(':stateMachine:', ':mapRun:')}/${v.name}:${id}`;
  return { Bucket: params.Bucket, Prefix: params.Prefix as string | undefined, MapRunArn, MapRunId: id };
}

/** ItemBatcher: items grouped as {Items: [...], BatchInput}. */
async function batch(v: Visit, items: unknown[], effective: unknown): Promise<unknown[]> {
  const batcher = v.state.ItemBatcher as StateDefinition | undefined;
  if (!batcher) return items;
  const size =
    batcher.MaxItemsPerBatch ?? (batcher.MaxItemsPerBatchPath ? readPath(batcher.MaxItemsPerBatchPath, v.scope(effective)) : items.length);
  let batchInput: unknown = batcher.BatchInput;
  if (batchInput !== undefined)
    batchInput = v.jsonata
      ? await v.eval(batchInput, 'ItemBatcher.BatchInput')
      : applyTemplate(batchInput, v.scope(effective), v.env.intrinsics);
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) {
    out.push(batchInput === undefined ? { Items: items.slice(i, i + size) } : { BatchInput: batchInput, Items: items.slice(i, i + size) });
  }
  return out;
}

async function toleranceOf(v: Visit, effective: unknown, total: number): Promise<Tolerance | undefined> {
  const count = await v.numberField('ToleratedFailureCount', effective);
  const percentage = await v.numberField('ToleratedFailurePercentage', effective);
  if (count === undefined && percentage === undefined) return undefined;
  let failed = 0;
  const indexes: number[] = [];
  return {
    failed: indexes,
    onFailure(error, index) {
      failed++;
      indexes.push(index);
      const overCount = count !== undefined && failed > count;
      const overPercentage = percentage !== undefined && (failed * 100) / total > percentage;
      if (!overCount && !overPercentage) return { value: error.output };
      return {
        error: new StatesError(
          StatesErrors.ExceedToleratedFailureThreshold,
          `The Map state '${v.name}' failed because ${failed} of ${total} items failed, more than it tolerates`,
        ),
      };
    },
  };
}

export { Cancellation, ExecutionCancelled };
