/** The local stand-in of GitHub's REST API the chargebacks tests call: one repository's runs and their jobs. */

/** The credentials of the chargebacks machine's HTTP connection, as an operator configures them (STATES_HTTP_CONNECTIONS). */
export const GITHUB_CONNECTIONS = {
  'arn:aws:events:us-east-1:123456789012:connection/github/chargebacks': { BearerToken: 'gh-token' },
};

/** A run's jobs as GitHub lists them: 2m30s on Linux (3 billable minutes), 61 s on Windows (2), 10 min on macOS (10). */
export const JOBS = [
  { id: 1, labels: ['ubuntu-latest'], started_at: '2026-12-01T10:00:00Z', completed_at: '2026-12-01T10:02:30Z' },
  { id: 2, labels: ['windows-latest'], started_at: '2026-12-01T10:00:00Z', completed_at: '2026-12-01T10:01:01Z' },
  { id: 3, labels: ['macos-14'], started_at: '2026-12-01T10:00:00Z', completed_at: '2026-12-01T10:10:00Z' },
];
/** What JOBS cost at GitHub's list prices (0.008, 0.016, 0.08 a minute): 3×0.008 + 2×0.016 + 10×0.08. */
export const JOBS_MINUTES = 15;
export const JOBS_COST = 0.856;

/**
 * GET /repos/santa/app/actions/runs/:id/jobs with the connection's token: JOBS (run 404: Not Found); undefined for
 * any other path (the caller's to answer).
 */
export function answerGithub(path: string, headers: Record<string, string | string[] | undefined>): [number, unknown] | undefined {
  if (!path.startsWith('/repos/santa/app/actions/runs/')) return undefined;
  return path.includes('/runs/404/') || headers.authorization !== 'Bearer gh-token'
    ? [404, { message: 'Not Found' }]
    : [200, { total_count: JOBS.length, jobs: JOBS }];
}
