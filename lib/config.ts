/** Environment names of the contract, read in one place. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for links to runs. */
  uiUrl: string;
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
  /** Where messages go when a provider has no credentials. */
  outboxDir: string;
  api: { host: string; port: number; token?: string };
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

export function loadConfig(env: Env = process.env): Config {
  const mailgunKey = nonEmpty(env.MAILGUN_API_KEY);
  const mailgunDomain = nonEmpty(env.MAILGUN_DOMAIN);
  const twilioSid = nonEmpty(env.TWILIO_ACCOUNT_SID);
  const twilioToken = nonEmpty(env.TWILIO_AUTH_TOKEN);
  const bucket = nonEmpty(env.S3_BUCKET);
  return {
    temporal: {
      address: nonEmpty(env.TEMPORAL_ADDRESS) ?? 'localhost:7233',
      namespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
      taskQueue: nonEmpty(env.TEMPORAL_TASK_QUEUE) ?? 'secret-santa',
      uiUrl: (nonEmpty(env.TEMPORAL_UI_URL) ?? 'http://localhost:8233').replace(/\/+$/, ''),
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
      localDir: nonEmpty(env.SANTA_DATA_DIR) ?? '.data',
    },
    outboxDir: nonEmpty(env.SANTA_OUTBOX_DIR) ?? '.data/outbox',
    api: {
      host: nonEmpty(env.HOST) ?? '127.0.0.1',
      port: Number(nonEmpty(env.PORT) ?? 3000),
      token: nonEmpty(env.API_TOKEN),
    },
  };
}
