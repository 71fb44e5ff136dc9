/**
 * The bench worker's workflows: the product's, plus the floors they are measured against, doing the same
 * shape of work with no-op activities.
 */
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { planBatches } from '../workflows/batches';
import { mapWithConcurrency } from '../workflows/map-with-concurrency';

export * from '../workflows';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

/** The latency floor: one workflow, one no-op activity. */
export async function oneNoop(): Promise<void> {
  await noop();
}

/** The throughput floor: the notification fan-out (channels × batches of child workflows, same window), every activity a no-op. */
export async function noopFanOut(input: { items: number; channels: number; batchSize: number; maxConcurrency: number }): Promise<void> {
  const plan = planBatches(input.items, input.batchSize, input.maxConcurrency);
  const { workflowId } = workflowInfo();
  await Promise.all(
    Array.from({ length: input.channels }, (_, channel) =>
      mapWithConcurrency(plan.ranges, plan.batchesAtOnce, async ([start, end], index) => {
        await executeChild(noopBatch, { workflowId: `${workflowId}-${channel}-${index}`, args: [end - start, plan.perBatch] });
      }),
    ),
  );
}

export async function noopBatch(count: number, concurrency: number): Promise<void> {
  await mapWithConcurrency(Array.from({ length: count }), concurrency, () => noop());
}
