import { type FakeMailgun, startFakeMailgun } from './fake-mailgun';
import { type FakeTwilio, startFakeTwilio } from './fake-twilio';

export interface FakeProviders {
  mailgun: FakeMailgun;
  twilio: FakeTwilio;
  /** The contract's environment names, pointing the real clients at the fakes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeProviders(): Promise<FakeProviders> {
  const [mailgun, twilio] = await Promise.all([startFakeMailgun('key-test'), startFakeTwilio('twilio-token')]);
  return {
    mailgun,
    twilio,
    env: {
      MAILGUN_API_KEY: 'key-test',
      MAILGUN_DOMAIN: 'santa.example.com',
      MAILGUN_URL: mailgun.url,
      EMAIL_FROM: 'Santa <santa@santa.example.com>',
      TWILIO_ACCOUNT_SID: 'ACtest',
      TWILIO_AUTH_TOKEN: 'twilio-token',
      TWILIO_API_URL: twilio.url,
      SMS_FROM: '+15005550006',
    },
    close: async () => {
      await Promise.all([mailgun.close(), twilio.close()]);
    },
  };
}
