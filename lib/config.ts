import { join } from 'node:path';
import { type EncryptionKeys, parseEncryptionKeys } from './codec/keys';
import { type GithubWebhookConfig, githubWebhookConfig } from './github-webhook-config';

/** Environment names of the contract, read in one place. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** The States Language worker's own queue (TEMPORAL_ASL_TASK_QUEUE): a runaway definition never holds up a draw. */
  aslTaskQueue: string;
  /** Base URL of the Temporal Web UI, for links to runs. */
  uiUrl: string;
  /** How long a message is retried before it counts as failed (SANTA_NOTIFY_RETRY_BUDGET): the starter puts it in each run's input. */
  notifyRetryBudgetMs: number;
}

export interface MailgunConfig {
  apiKey: string;
  domain: string;
  url?: string;
  from: string;
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  apiUrl?: string;
  from: string;
}

export interface StorageConfig {
  /** With no bucket, allocations are written under `localDir`. */
  bucket?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  region: string;
  localDir: string;
}

export interface Config {
  temporal: TemporalConfig;
  mailgun?: MailgunConfig;
  twilio?: TwilioConfig;
  storage: StorageConfig;
  /** Where messages go when a provider has no credentials: SANTA_OUTBOX_DIR, else `outbox/` in the data folder. */
  outboxDir: string;
  /** `token` is the organiser's (API_TOKEN); `codecToken` the operator's (CODEC_TOKEN), the only one /codec takes. */
  api: { host: string; port: number; token?: string; codecToken?: string; rateLimit: RateLimitConfig };
  /** Payload encryption keys (SANTA_ENCRYPTION_KEY); without them payloads travel in clear. */
  encryption?: EncryptionKeys;
  /** The key sealing stored draws (SANTA_DRAW_KEY): the worker's alone; the API never reads it. */
  drawKeys?: EncryptionKeys;
  /** Base of the participants' personal links (SANTA_PUBLIC_URL, default the API's own URL). */
  publicUrl: string;
  /** Exchanges: how long their sealed content is kept after gift day (SANTA_RETENTION_DAYS, default 30), in ms. */
  exchangeRetentionMs: number;
  /** POST /webhooks/github: its secret and the chargebacks machine it starts (lib/github-webhook-config.ts). */
  githubWebhook: GithubWebhookConfig;
}

/** At most `max` requests per client address in any `windowMs`. */
export interface RateLimitConfig {
  max: number;
  windowMs: number;
}

/** The run's page in the Temporal Web UI. */
export function workflowUiLink(temporal: TemporalConfig, workflowId: string): string {
  return `${temporal.uiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

export function loadConfig(env: Env = process.env): Config {
  const mailgunKey = nonEmpty(env.MAILGUN_API_KEY);
  const mailgunDomain = nonEmpty(env.MAILGUN_DOMAIN);
  const twilioSid = nonEmpty(env.TWILIO_ACCOUNT_SID);
  const twilioToken = nonEmpty(env.TWILIO_AUTH_TOKEN);
  const bucket = nonEmpty(env.S3_BUCKET);
  const dataDir = nonEmpty(env.SANTA_DATA_DIR) ?? '.data';
  return {
    temporal: {
      address: nonEmpty(env.TEMPORAL_ADDRESS) ?? 'localhost:7233',
      namespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
      taskQueue: nonEmpty(env.TEMPORAL_TASK_QUEUE) ?? 'secret-santa',
      aslTaskQueue: nonEmpty(env.TEMPORAL_ASL_TASK_QUEUE) ?? 'state-machines',
      uiUrl: (nonEmpty(env.TEMPORAL_UI_URL) ?? 'http://localhost:8233').replace(/\/+$/, ''),
      notifyRetryBudgetMs: durationMs('SANTA_NOTIFY_RETRY_BUDGET', nonEmpty(env.SANTA_NOTIFY_RETRY_BUDGET) ?? '1 hour'),
    },
    mailgun:
      mailgunKey && mailgunDomain
        ? {
            apiKey: mailgunKey,
            domain: mailgunDomain,
            url: nonEmpty(env.MAILGUN_URL),
            from: nonEmpty(env.EMAIL_FROM) ?? `Secret Santa <santa@${mailgunDomain}>`,
          }
        : undefined,
    twilio:
      twilioSid && twilioToken
        ? {
            accountSid: twilioSid,
            authToken: twilioToken,
            apiUrl: nonEmpty(env.TWILIO_API_URL),
            from: nonEmpty(env.SMS_FROM) ?? 'SecretSanta',
          }
        : undefined,
    storage: {
      bucket,
      endpoint: nonEmpty(env.S3_ENDPOINT),
      forcePathStyle: /^(1|true|yes)$/i.test(env.S3_FORCE_PATH_STYLE ?? ''),
      region: nonEmpty(env.AWS_REGION) ?? 'us-east-1',
      localDir: dataDir,
    },
    outboxDir: nonEmpty(env.SANTA_OUTBOX_DIR) ?? join(dataDir, 'outbox'),
    api: {
      host: nonEmpty(env.HOST) ?? '127.0.0.1',
      port: Number(nonEmpty(env.PORT) ?? 3000),
      token: nonEmpty(env.API_TOKEN),
      codecToken: codecToken(nonEmpty(env.CODEC_TOKEN), nonEmpty(env.API_TOKEN)),
      // Room for a client polling a run every 100 ms, and for the Web UI decoding payloads.
      rateLimit: {
        max: positiveInteger('RATE_LIMIT_MAX', nonEmpty(env.RATE_LIMIT_MAX) ?? '1000'),
        windowMs: durationMs('RATE_LIMIT_WINDOW', nonEmpty(env.RATE_LIMIT_WINDOW) ?? '1 minute'),
      },
    },
    encryption: nonEmpty(env.SANTA_ENCRYPTION_KEY) ? parseEncryptionKeys(env.SANTA_ENCRYPTION_KEY!) : undefined,
    drawKeys: nonEmpty(env.SANTA_DRAW_KEY) ? parseEncryptionKeys(env.SANTA_DRAW_KEY!, 'SANTA_DRAW_KEY') : undefined,
    publicUrl: (
      nonEmpty(env.SANTA_PUBLIC_URL) ?? `http://${nonEmpty(env.HOST) ?? '127.0.0.1'}:${Number(nonEmpty(env.PORT) ?? 3000)}`
    ).replace(/\/+$/, ''),
    exchangeRetentionMs: retentionDays(nonEmpty(env.SANTA_RETENTION_DAYS) ?? '30'),
    githubWebhook: githubWebhookConfig(env),
  };
}

/** Whole or decimal days, 0 or more (0 deletes at gift day; a fraction of a day lets tests see the deletion). */
function retentionDays(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) > 3650) {
    throw new Error(`SANTA_RETENTION_DAYS must be a number of days from 0 to 3650, such as 30 or 0.5, not "${value}"`);
  }
  return Math.round(Number(value) * 86_400_000);
}

/**
 * The operator's token is also a path segment of the Web UI's codec endpoint (`/codec/t/<token>`): URL-safe, at most
 * Fastify's 100-character path parameter, long enough not to be guessed, and never the organiser's token.
 */
function codecToken(value: string | undefined, apiToken: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9._~-]{16,100}$/.test(value)) {
    throw new Error('CODEC_TOKEN must be 16 to 100 letters, digits, "-", "_", "." or "~" (`openssl rand -hex 32` makes one)');
  }
  if (value === apiToken) throw new Error('CODEC_TOKEN must differ from API_TOKEN: the organiser is not the operator');
  return value;
}

function positiveInteger(name: string, value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`${name} must be a whole number above 0, not "${value}"`);
  return Number(value);
}

const MS_PER: Record<string, number> = {
  '': 1,
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `60000` (milliseconds), `30s`, `1 minute`, `2 hours`. */
function durationMs(name: string, value: string): number {
  const [, count, unit = ''] = /^(\d+)\s*([a-z]*)$/i.exec(value) ?? [];
  const singular = unit.length > 3 ? unit.toLowerCase().replace(/s$/, '') : unit.toLowerCase();
  const per = Object.hasOwn(MS_PER, singular) ? MS_PER[singular] : undefined;
  if (count === undefined || per === undefined || Number(count) === 0) {
    throw new Error(`${name} must be a duration such as 60000 (milliseconds), 30s, 1 minute or 1 hour, not "${value}"`);
  }
  return Number(count) * per;
}
