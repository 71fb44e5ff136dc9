/** What a retried message does the same way on every provider: the lookup's time bound, resends, a failing lookup. */
import type { Notify, NotifyInput } from '../../activities/notify-types';
import type { FakeHttpServer } from './fake-http-server';
import { failureOf } from './provider-failure';

/** When a retried activity was first scheduled: a little before now. */
export const since = () => new Date(Date.now() - 60_000);

export interface RetryLookupSubject {
  notify: Notify;
  fake: FakeHttpServer & { messages: Array<{ at: Date }> };
  input: NotifyInput;
  /** What no failure may carry: the recipient, the message. */
  secrets: string[];
}

/** `subject` is called inside each test, after the file's beforeEach has started its fake. */
export function retryLookupCases(subject: () => RetryLookupSubject): void {
  it('a message accepted before the activity was first scheduled (an older run with the same text) does not count', async () => {
    const { notify, fake, input } = subject();
    await notify(input);
    // Scheduled a second after that message was accepted: both providers keep times in whole seconds.
    const sentSince = new Date(fake.messages[0].at.getTime() + 1_000);
    await notify(input, { sentSince });
    expect(fake.lookups).toBe(1);
    expect(fake.messages).toHaveLength(2);
  });

  it('a resend always sends, without asking', async () => {
    const { notify, fake, input } = subject();
    await notify(input);
    await notify({ ...input, again: true }, { sentSince: since() });
    expect(fake.lookups).toBe(0);
    expect(fake.messages).toHaveLength(2);
  });

  it('a failing lookup is a retryable failure and sends nothing', async () => {
    const { notify, fake, input, secrets } = subject();
    fake.failNextLookups(1, 503);
    const failure = await failureOf(notify(input, { sentSince: since() }), secrets);
    expect(failure).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(failure.message).toContain('HTTP 503');
    fake.failNextLookups(1, 'reset');
    expect(await failureOf(notify(input, { sentSince: since() }), secrets)).toMatchObject({ nonRetryable: false, type: 'ProviderUnavailable' });
    expect(fake.lookups).toBe(2);
    expect(fake.messages).toEqual([]);
  });
}
