/**
 * `npm run chaos` at CI size: 300 people while 10 SIGKILLs hit the worker processes at random (seeded)
 * moments and the Temporal dev server is stopped and started again once. Everything real: the dev server
 * (its own, so it can be restarted), worker processes as `npm start` runs them, MinIO, the real provider
 * clients against the fakes.
 */
import { type ChaosReport, formatChaosReport, runChaos } from '../../scripts/chaos/run-chaos';

const PEOPLE = 300;
const KILLS = 10;

let report: ChaosReport;
const log: string[] = [];

beforeAll(async () => {
  report = await runChaos({ people: PEOPLE, kills: KILLS, restartServerOnce: true, seed: 20261124, log: (line) => log.push(line) });
  process.stdout.write(`\nchaos (CI size):\n${formatChaosReport(report)}\n`);
}, 600_000);

it('the faults happened: 10 worker kills, one of them before the first message, and one server restart', () => {
  expect(report.workerKills).toBe(KILLS);
  expect(report.earlyKills).toBeGreaterThanOrEqual(1);
  expect(report.serverRestarts).toBe(1);
  // Each killed worker was started again, as an orchestrator would.
  expect(report.workerStarts).toBeGreaterThanOrEqual(2 + KILLS);
  expect(log.filter((line) => /^kill \d+\/10: SIGKILL worker-\d/.test(line))).toHaveLength(KILLS);
});

it('the run completes and everyone is told at least once on each channel', () => {
  expect(report.status).toBe('COMPLETED');
  expect(report.email.reached).toBe(PEOPLE);
  expect(report.sms.reached).toBe(PEOPLE);
});

it('the draw is stored once and never changes; every message, duplicates too, names the stored recipient', () => {
  expect(report.drawsStored).toBe(1);
  expect(report.drawUnchanged).toBe(true);
  expect(report.email.wrong + report.sms.wrong).toBe(0);
});

it("duplicates are at most the number of worker kills (the issue's bound): a retry asks the provider before sending", () => {
  expect(report.duplicates).toBeLessThanOrEqual(report.workerKills);
  // The kills lost completions, so messages were retried, and each retry asked the provider first.
  expect(report.lookups).toBeGreaterThan(0);
});

it('every check of the report passed', () => {
  expect(report.checks.filter((check) => !check.ok)).toEqual([]);
});
