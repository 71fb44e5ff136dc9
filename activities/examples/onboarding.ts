/**
 * Example "onboarding": add a member to a team through the team API (HTTP), record them in PostgreSQL,
 * and tell the team API's notification endpoint how the whole onboarding went.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Pool } from 'pg';

export interface OnboardingOptions {
  /** Base URL of the team API (env TEAM_API_URL). */
  teamApiUrl?: string;
  /** PostgreSQL connection string (env DATABASE_URL). */
  databaseUrl: string;
}

export interface Member {
  email: string;
  name: string;
  team: string;
}

async function callTeamApi(base: string | undefined, path: string, body: unknown): Promise<unknown> {
  if (!base)
    throw ApplicationFailure.nonRetryable('TEAM_API_URL is not set: the onboarding example needs a team API', 'TeamApiNotConfigured');
  let res: Response;
  try {
    res = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw ApplicationFailure.retryable(`team API unreachable: ${(error as Error).message}`, 'TeamApiUnavailable');
  }
  const text = await res.text();
  if (res.status >= 500 || res.status === 429)
    throw ApplicationFailure.retryable(`team API answered ${res.status}: ${text}`, 'TeamApiUnavailable');
  if (!res.ok) throw ApplicationFailure.nonRetryable(`team API refused (${res.status}): ${text}`, 'TeamApiRejected');
  return text ? JSON.parse(text) : {};
}

export function createOnboardingActivities(options: OnboardingOptions) {
  let pool: Pool | undefined;
  let ready: Promise<void> | undefined;
  const db = async () => {
    pool ??= new Pool({ connectionString: options.databaseUrl, max: 10, idleTimeoutMillis: 1000, allowExitOnIdle: true });
    ready ??= pool
      .query(
        `CREATE TABLE IF NOT EXISTS onboarded_members (
           id serial PRIMARY KEY, email text UNIQUE NOT NULL, name text NOT NULL, team text NOT NULL,
           membership_id text NOT NULL, onboarded_at timestamptz NOT NULL DEFAULT now())`,
      )
      .then(() => undefined);
    ready.catch(() => (ready = undefined));
    await ready;
    return pool;
  };

  return {
    async addToTeam({ email, team }: Pick<Member, 'email' | 'team'>): Promise<{ membershipId: string }> {
      const answer = (await callTeamApi(options.teamApiUrl, `/teams/${encodeURIComponent(team)}/members`, { email })) as {
        membershipId?: unknown;
      };
      if (typeof answer.membershipId !== 'string')
        throw ApplicationFailure.nonRetryable('team API answered without a membershipId', 'TeamApiRejected');
      return { membershipId: answer.membershipId };
    },

    /** Idempotent: a retry (or a second onboarding) of the same email updates the one row. */
    async recordMember({ email, name, team, membershipId }: Member & { membershipId: string }): Promise<{ id: number }> {
      const { rows } = await (await db()).query<{ id: number }>(
        `INSERT INTO onboarded_members (email, name, team, membership_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, team = EXCLUDED.team, membership_id = EXCLUDED.membership_id
         RETURNING id`,
        [email, name, team, membershipId],
      );
      return { id: rows[0].id };
    },

    async notifyOnboarding(report: { outcome: 'succeeded' | 'failed'; [key: string]: unknown }): Promise<{ notified: true }> {
      await callTeamApi(options.teamApiUrl, '/notifications', report);
      return { notified: true };
    },
  };
}
