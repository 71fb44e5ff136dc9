import { type BatchReport, initialStatus, LISTED_FAILURES, type RunProgress, withRunningBatches } from '../../workflows/status';

const report = (sent: number, failed = 0, failures: BatchReport['failures'] = []): BatchReport => ({
  counts: { sent, skipped: 1, failed },
  failures,
});

function progress(): RunProgress {
  const status = initialStatus(false);
  status.stage = 'notifying';
  status.email = { sent: 500, skipped: 0, failed: 0 };
  status.sms = { sent: 500, skipped: 0, failed: 0 };
  return {
    status,
    running: [
      { workflowId: 'run-email-1', channel: 'email' },
      { workflowId: 'run-sms-1', channel: 'sms' },
      { workflowId: 'run-sms-2', channel: 'sms' },
    ],
  };
}

describe('withRunningBatches', () => {
  it('adds each running batch to its own channel', () => {
    const reports = new Map([
      ['run-email-1', report(7)],
      ['run-sms-1', report(3, 1, [{ name: 'Ann', channel: 'sms', error: 'rejected' }])],
      ['run-sms-2', report(2)],
    ]);
    const live = withRunningBatches(progress(), reports);
    expect(live.email).toEqual({ sent: 507, skipped: 1, failed: 0 });
    expect(live.sms).toEqual({ sent: 505, skipped: 2, failed: 1 });
    expect(live.failures).toEqual([{ name: 'Ann', channel: 'sms', error: 'rejected' }]);
  });

  it('counts nothing for a batch it could not read, and ignores reports of batches no longer running', () => {
    const live = withRunningBatches(
      progress(),
      new Map([
        ['run-sms-2', report(4)],
        ['run-email-0', report(500)],
      ]),
    );
    expect(live.email.sent).toBe(500);
    expect(live.sms.sent).toBe(504);
  });

  it('leaves the status it was given as it was', () => {
    const given = progress();
    withRunningBatches(given, new Map([['run-email-1', report(7, 1, [{ name: 'Bo', channel: 'email', error: 'x' }])]]));
    expect(given.status.email).toEqual({ sent: 500, skipped: 0, failed: 0 });
    expect(given.status.failures).toEqual([]);
  });

  it('keeps listing failures only up to the run limit', () => {
    const many = Array.from({ length: LISTED_FAILURES + 5 }, (_, i) => ({ name: `P${i}`, channel: 'email' as const, error: 'x' }));
    const live = withRunningBatches(progress(), new Map([['run-email-1', report(0, many.length, many)]]));
    expect(live.email.failed).toBe(LISTED_FAILURES + 5);
    expect(live.failures).toHaveLength(LISTED_FAILURES);
  });
});
