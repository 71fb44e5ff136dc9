/** How the Step Functions API names its resources and whom it lets in, from the environment. */
export interface SfnConfig {
  /** In every ARN: `arn:aws:states:<region>:<account>:…` (SFN_REGION, else AWS_REGION; SFN_ACCOUNT_ID). */
  region: string;
  account: string;
  /** SigV4 keys (SFN_ACCESS_KEYS=`id:secret,…`): a request must be signed with one of them. */
  keys: Map<string, string>;
  /** API_TOKEN: when no keys are set, the secret access key must be this token (any key id). */
  apiToken?: string;
  /**
   * How long GetActivityTask waits for a task: SFN_ACTIVITY_POLL_SECONDS, 3 to 60 (AWS's 60 by default; Temporal refuses
   * a long poll given less than 2 s, and answers empty a little before the deadline, so no task is lost to it).
   */
  activityPollSeconds: number;
}

/** `apiToken`: the API's configured token (config.api.token), which guards this API when no keys are set. */
export function sfnConfig(env: NodeJS.ProcessEnv = process.env, apiToken?: string): SfnConfig {
  const region = env.SFN_REGION || env.AWS_REGION || 'us-east-1';
  const account = env.SFN_ACCOUNT_ID || '000000000000';
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new Error(`SFN_REGION must be a region name like us-east-1, not ${JSON.stringify(region)}`);
  if (!/^\d{12}$/.test(account)) throw new Error('SFN_ACCOUNT_ID must be 12 digits');
  const keys = new Map<string, string>();
  for (const pair of (env.SFN_ACCESS_KEYS ?? '').split(',').filter((p) => p.trim() !== '')) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) throw new Error('SFN_ACCESS_KEYS must be `accessKeyId:secretAccessKey`, separated by commas');
    keys.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  const poll = Number(env.SFN_ACTIVITY_POLL_SECONDS || 60);
  if (!Number.isInteger(poll) || poll < 3 || poll > 60)
    throw new Error('SFN_ACTIVITY_POLL_SECONDS must be a whole number of seconds from 3 to 60');
  return { region, account, keys, activityPollSeconds: poll, ...(apiToken ? { apiToken } : {}) };
}
