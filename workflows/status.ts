import type { Channel } from '../lib/types';

export type Stage = 'parsing' | 'validating' | 'allocating' | 'checking' | 'storing' | 'notifying' | 'done';

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

/** What the status query and the workflow's result report: never who drew whom. */
export interface RunStatus {
  stage: Stage;
  participants: number;
  seed?: number;
  /** Key of the stored draw. */
  stored?: string;
  dryRun: boolean;
  email: ChannelCounts;
  sms: ChannelCounts;
  failures: DeliveryFailure[];
}

export function initialStatus(dryRun: boolean): RunStatus {
  return {
    stage: 'parsing',
    participants: 0,
    dryRun,
    email: { sent: 0, skipped: 0, failed: 0 },
    sms: { sent: 0, skipped: 0, failed: 0 },
    failures: [],
  };
}
