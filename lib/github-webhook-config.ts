/**
 * What `POST /webhooks/github` needs (api/routes/webhooks.ts): the webhook's secret, and what a completed
 * `workflow_run` starts: the stored chargebacks machine, with the settings its input carries beside the run.
 */
export interface GithubWebhookConfig {
  /** GITHUB_WEBHOOK_SECRET: when set, every delivery must carry a valid `X-Hub-Signature-256`. */
  secret?: string;
  /** The stored state machine a completed run starts (CHARGEBACKS_STATE_MACHINE, default `chargebacks`). */
  stateMachine: string;
  /** Put in the execution's input beside `action` and `workflow_run` (examples/state-machines/chargebacks.asl.json). */
  settings: { githubApi: string; table: string; topicArn: string; rates: Record<RunnerOs, number> };
}

type RunnerOs = 'UBUNTU' | 'WINDOWS' | 'MACOS';
/** GitHub's per-minute list prices (USD) of its standard hosted runners, by runner OS. */
const LIST_RATES: Record<RunnerOs, number> = { UBUNTU: 0.008, WINDOWS: 0.016, MACOS: 0.08 };

type Env = Record<string, string | undefined>;
const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

export function githubWebhookConfig(env: Env): GithubWebhookConfig {
  const region = nonEmpty(env.AWS_REGION) ?? 'us-east-1';
  return {
    secret: nonEmpty(env.GITHUB_WEBHOOK_SECRET),
    stateMachine: nonEmpty(env.CHARGEBACKS_STATE_MACHINE) ?? 'chargebacks',
    settings: {
      githubApi: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
      table: nonEmpty(env.CHARGEBACKS_TABLE) ?? 'chargebacks',
      // The account fauxqs (npm start's SNS) gives its topics; on AWS, set the topic's own ARN.
      topicArn: nonEmpty(env.CHARGEBACKS_TOPIC_ARN) ?? `arn:aws:sns:${region}:000000000000:chargebacks`,
      rates: rates(nonEmpty(env.CHARGEBACKS_RATES)),
    },
  };
}

/** CHARGEBACKS_RATES: JSON such as {"UBUNTU":0.008,"WINDOWS":0.016,"MACOS":0.08}; an OS left out keeps its list price. */
function rates(value: string | undefined): Record<RunnerOs, number> {
  if (value === undefined) return LIST_RATES;
  const problem = (what: string) =>
    new Error(`CHARGEBACKS_RATES must be JSON such as {"UBUNTU":0.008,"WINDOWS":0.016,"MACOS":0.08}: ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw problem('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw problem('it is not an object');
  const result = { ...LIST_RATES };
  for (const [os, rate] of Object.entries(parsed)) {
    if (!Object.hasOwn(LIST_RATES, os)) throw problem(`"${os}" is not UBUNTU, WINDOWS or MACOS`);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw problem(`${os} is not a number of 0 or more`);
    result[os as RunnerOs] = rate;
  }
  return result;
}
