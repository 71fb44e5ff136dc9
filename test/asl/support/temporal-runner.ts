/** Runs definitions through the `stateMachine` workflow on the suite's Temporal dev server, with a worker of its own. */
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { createActivities, createStateMachineActivities } from '../../../activities';
import { StateMachineStore } from '../../../storage/state-machines';
import { createObjectStore } from '../../../storage/object-store';
import { executionOutcome, type ExecutionOutcome } from 'states-language-temporal/client';
import type { Definition } from 'states-language-temporal';
import type { Config } from '../../../lib/config';
import { stateMachine } from '../../../workflows';
import { testConfig } from '../../support/config';
import { connectTestTemporal, createTestWorker, type TestTemporal, uniqueTaskQueue } from '../../support/temporal';
import { temporalTestActivities } from './temporal-activities';

export class TemporalRunner {
  private worker?: Worker;
  private running?: Promise<void>;
  machines!: StateMachineStore;

  private constructor(
    readonly temporal: TestTemporal,
    readonly config: Config,
  ) {}

  /** `activities` are added to the project's own and the conformance ones. */
  static async start(
    activities: Record<string, (input: never) => Promise<unknown>> = {},
    env: Record<string, string> = {},
  ): Promise<TemporalRunner> {
    const temporal = await connectTestTemporal();
    // One worker with every activity, on both queues' name: a trusted harness (the API's executions come here too).
    const queue = uniqueTaskQueue('asl');
    const config = testConfig({ TEMPORAL_TASK_QUEUE: queue, TEMPORAL_ASL_TASK_QUEUE: queue, ...env });
    const runner = new TemporalRunner(temporal, config);
    runner.machines = new StateMachineStore(createObjectStore(config.storage));
    runner.worker = await createTestWorker(temporal, config, {
      activities: { ...createActivities(config), ...createStateMachineActivities(config), ...temporalTestActivities, ...activities },
    });
    runner.running = runner.worker.run();
    return runner;
  }

  startExecution(definition: Definition, input: unknown, options: { name?: string; id?: string } = {}) {
    return this.temporal.client.workflow.start(stateMachine, {
      workflowId: options.id ?? `asl-test-${randomUUID()}`,
      taskQueue: this.config.temporal.taskQueue,
      args: [{ definition, input, name: options.name ?? 'conformance' }],
    });
  }

  async run(definition: Definition, input: unknown, options: { name?: string; id?: string } = {}): Promise<ExecutionOutcome> {
    const handle = await this.startExecution(definition, input, options);
    return executionOutcome(handle.result());
  }

  async close(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await this.temporal.close();
  }
}
