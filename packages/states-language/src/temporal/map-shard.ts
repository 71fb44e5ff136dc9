/**
 * A shard of a DISTRIBUTED Map whose items are too many for its execution to hold (map-slices.ts): the
 * stateMachine workflow given `mapShard`. It reads its own slice (a ranged read), runs each iteration as a child
 * execution of the processor, as any Distributed Map iteration, at most `concurrency` at once, writes the results
 * to S3 itself when the Map has a ResultWriter, and answers only its counts (and the results, without a writer).
 * Its history stays short: one read, at most SLICED_MAP_LIMITS.iterationsPerSlice children, a flush of results
 * every SLICED_MAP_LIMITS.flushBytes.
 */
import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { StatesError, StatesErrors } from '../errors';
import { ITEM_READER_ACTIVITY, RESULT_WRITER_ACTIVITY } from '../integrations/catalog';
import { type Definition, Variables } from '../interpreter';
import { evaluateTemplate } from '../jsonata';
import { QueryBudget } from '../jsonata-limits';
import { type MapShardRequest, type MapShardSummary, SLICED_MAP_LIMITS, type WrittenResult } from '../map-slices';
import { checkPayload, jsonBytes } from '../quotas';
import { applyTemplate } from '../template';
import { WorkflowHost } from './host';

export interface MapShardInput {
  /** The Map's ItemProcessor: what each iteration runs. */
  definition: Definition;
  name?: string;
  activities?: string[];
  activityTaskQueuePrefix?: string;
  mapShard: MapShardRequest;
}

/** Fails with a StatesError as the Map fails: an iteration's own error, or ExceedToleratedFailureThreshold. */
export async function runMapShard(args: MapShardInput): Promise<MapShardSummary> {
  const shard = args.mapShard;
  const host = new WorkflowHost(workflowInfo().workflowType, args.activities, undefined, undefined, args.activityTaskQueuePrefix);
  const items = (await host.runActivity(ITEM_READER_ACTIVITY, shard.read, {})) as unknown[];
  const values = iterationsOf(items, shard);
  const select = selectorOf(shard, host);
  const results: unknown[] = new Array(values.length);
  const pending: WrittenResult[] = [];
  let pendingBytes = 0;
  let parts = 0;
  const flush = async () => {
    if (!shard.writer || pending.length === 0) return;
    const Written = pending.splice(0);
    pendingBytes = 0;
    await host.runActivity(RESULT_WRITER_ACTIVITY, { ...shard.writer, Part: `${shard.shard}_${parts++}`, Written }, {});
  };
  const record = async (result: WrittenResult, k: number, value: unknown) => {
    if (!shard.writer) {
      results[k] = value;
      return;
    }
    const bytes = jsonBytes(result) + 1;
    if (pendingBytes + bytes > SLICED_MAP_LIMITS.flushBytes) await flush();
    pending.push(result);
    pendingBytes += bytes;
  };
  let succeeded = 0;
  let failed = 0;
  const iteration = async (k: number) => {
    const Index = shard.firstIteration + k;
    let output: unknown;
    try {
      const input = select ? checked(await select(Index, values[k]), Index, shard.map) : values[k];
      output = await host.runChildMachine({ definition: args.definition, input, name: args.name ?? '' });
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      failed++;
      if (!shard.tolerance) throw error;
      if (failed > shard.tolerance.failures) {
        throw new StatesError(
          StatesErrors.ExceedToleratedFailureThreshold,
          `The Map state '${shard.map}' failed because ${failed} of ${shard.tolerance.iterations} items failed, more than it tolerates`,
        );
      }
      return record({ Index, Error: error.error, Cause: error.cause }, k, error.output);
    }
    succeeded++;
    return record({ Index, Output: output }, k, output);
  };
  await runLanes(values.length, shard.concurrency, iteration);
  await flush();
  if (shard.writer) return { succeeded, failed };
  checkPayload(results, `The results of Map state '${shard.map}'`);
  return { succeeded, failed, results };
}

/** Runs `count` jobs, `limit` at once; the first failure cancels the others and is thrown once they stopped. */
async function runLanes(count: number, limit: number, job: (k: number) => Promise<void>): Promise<void> {
  const scope = new CancellationScope();
  let failure: unknown;
  let next = 0;
  const lane = async () => {
    while (next < count && failure === undefined) {
      const k = next++;
      try {
        await job(k);
      } catch (error) {
        if (failure !== undefined) continue;
        failure = error;
        if (!isCancellation(error)) scope.cancel();
      }
    }
  };
  await scope.run(() => Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane)));
  if (failure !== undefined) throw failure;
}

/** The slice's items as iterations: batches of ItemBatcher's size ({Items, BatchInput}), or one item each. */
function iterationsOf(items: unknown[], shard: MapShardRequest): unknown[] {
  const { batcher } = shard;
  if (!batcher) return items;
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += batcher.size) {
    const Items = items.slice(i, i + batcher.size);
    out.push(batcher.batchInput ? { BatchInput: batcher.batchInput.value, Items } : { Items });
  }
  return out;
}

/** ItemSelector as the Map applies it, over the Map's input, `$$` (with `$$.Map.Item`) and variables. */
function selectorOf(shard: MapShardRequest, host: WorkflowHost) {
  const { selector } = shard;
  if (!selector) return undefined;
  const variables = new Variables();
  variables.assign(selector.variables);
  return async (Index: number, Value: unknown): Promise<unknown> => {
    const context = { ...selector.context, Map: { Item: { Index, Value } } };
    if (selector.jsonata) {
      const states = { input: selector.input, context };
      return evaluateTemplate(selector.template, states, selector.variables, host, 'ItemSelector', new QueryBudget());
    }
    return applyTemplate(selector.template, { input: selector.input, context, variable: (name) => variables.get(name) }, host);
  };
}

function checked(input: unknown, index: number, map: string): unknown {
  checkPayload(input, `The input of iteration ${index} of Map state '${map}'`);
  return input;
}
