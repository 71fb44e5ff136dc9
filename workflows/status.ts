import type { Channel } from '../lib/types';

export type Stage = 'parsing' | 'validating' | 'allocating' | 'checking' | 'storing' | 'notifying' | 'done';

export const CHANNELS: readonly Channel[] = ['email', 'sms'];

export interface ChannelCounts {
  sent: number;
  skipped: number;
  failed: number;
}

export interface DeliveryFailure {
  name: string;
  channel: Channel;
  error: string;
}

/** A run's answer keeps this many failures by name (the counts cover all): payloads stay small at any size. */
export const LISTED_FAILURES = 100;

/** What the status query and the workflow's result report: never who drew whom, nor a seed. */
export interface RunStatus {
  stage: Stage;
  participants: number;
  /** Key of the stored (sealed) draw. */
  stored?: string;
  dryRun: boolean;
  email: ChannelCounts;
  sms: ChannelCounts;
  failures: DeliveryFailure[];
}

/** What one batch of one channel reports. */
export interface BatchReport {
  counts: ChannelCounts;
  failures: DeliveryFailure[];
}

export const noCounts = (): ChannelCounts => ({ sent: 0, skipped: 0, failed: 0 });

export function initialStatus(dryRun: boolean): RunStatus {
  return { stage: 'parsing', participants: 0, dryRun, email: noCounts(), sms: noCounts(), failures: [] };
}

/** Adds a batch's report to the run's; failures beyond the listed number are only counted. */
export function addBatchReport(status: RunStatus, channel: Channel, report: BatchReport): void {
  const counts = status[channel];
  counts.sent += report.counts.sent;
  counts.skipped += report.counts.skipped;
  counts.failed += report.counts.failed;
  recordFailures(status.failures, report.failures);
}

export function recordFailures(list: DeliveryFailure[], more: DeliveryFailure[]): void {
  list.push(...more.slice(0, Math.max(0, LISTED_FAILURES - list.length)));
}

/** A notification batch (child workflow) under way: its counts are not yet in the run's. */
export interface RunningBatch {
  workflowId: string;
  channel: Channel;
}

/** The run's status with the batches under way, read in one query so no batch is counted twice or missed. */
export interface RunProgress {
  status: RunStatus;
  running: RunningBatch[];
}

/**
 * The run's status with the counts so far of batches still under way (each read by its own query), so progress
 * moves with every message rather than with every finished batch. Batches that could not be read count nothing yet.
 */
export function withRunningBatches({ status, running }: RunProgress, reports: ReadonlyMap<string, BatchReport>): RunStatus {
  const live: RunStatus = { ...status, email: { ...status.email }, sms: { ...status.sms }, failures: [...status.failures] };
  for (const { workflowId, channel } of running) {
    const report = reports.get(workflowId);
    if (report) addBatchReport(live, channel, report);
  }
  return live;
}
