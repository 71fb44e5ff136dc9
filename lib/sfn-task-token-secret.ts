import { createHash } from 'node:crypto';
import type { Config } from './config';

/**
 * The secret Step Functions task tokens are sealed with, shared by the States Language worker (which issues callback
 * tokens) and the API (which opens them): SFN_TASK_TOKEN_SECRET, else one derived from settings both processes
 * already share (the payload key, else API_TOKEN). Without any of them the API takes unsigned requests anyway, and a
 * fixed secret forges nothing that the open API would not already allow.
 */
export function taskTokenSecret(config: Config, env: NodeJS.ProcessEnv = process.env): Buffer {
  const given = env.SFN_TASK_TOKEN_SECRET?.trim();
  const material = given
    ? given
    : config.encryption
      ? config.encryption.keys.get(config.encryption.currentKeyId)!.toString('base64')
      : (config.api.token ?? 'santa-sfn-task-tokens-without-a-secret');
  // A label of its own: the token secret never equals the key or token it comes from.
  return createHash('sha256').update(`sfn-task-token\n${material}`).digest();
}
