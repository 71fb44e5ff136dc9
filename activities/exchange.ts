import { ApplicationFailure, Context } from '@temporalio/activity';
import { newLinkToken, openForLink, sealForLink, linkId as linkIdOf } from '../lib/codec/draw-seal';
import { MAX_THREAD_ENTRIES, normaliseText, textProblem } from '../lib/exchange/limits';
import * as say from '../lib/exchange/messages';
import { personalLink } from '../lib/message';
import type { Participant } from '../lib/types';
import { exchangeKeys, type ExchangeData } from '../storage/exchange-data';
import { allocationKey, type RunData, runKeys } from '../storage/run-data';
import { ExchangeContent, ExchangeError, santaIn } from './exchange-content';
import type { ActInput, ActResult, ExchangeMessage, ExchangePageView, ExchangeSettings, ThreadEntry, Wishlist } from './exchange-types';
import type { SealedDraw } from './allocate';
import { recipientOf } from './messages';
import type { NotifyInput, NotifyResult } from './notify-types';
import type { StoredAllocation } from './store-allocations';

/** Draws kept per run at most (MAX_DRAWS is 3); deleting a key that does not exist costs nothing. */
const DRAW_ATTEMPTS_KEPT = 10;

export function createExchangeActivities(
  data: RunData,
  content: ExchangeData,
  publicUrl: string,
  send: { email: (input: NotifyInput) => Promise<NotifyResult>; sms: (input: NotifyInput) => Promise<NotifyResult> },
) {
  const of = (exchangeId: string) => new ExchangeContent(data, content, exchangeId);
  const linkOf = (exchangeId: string, token: string) => personalLink(publicUrl, exchangeId, token);

  /** Keeps the settings and makes everyone's link, once: a retry keeps the first links. Answers the link ids, sorted. */
  async function openExchange(input: { exchangeId: string; settings: ExchangeSettings }): Promise<{ linkIds: string[] }> {
    const { exchangeId } = input;
    const participants = await data.read<Participant[]>(runKeys.participants(exchangeId));
    await data.write(exchangeKeys.settings(exchangeId), input.settings);
    await data.writeSealed(exchangeKeys.links(exchangeId), Object.fromEntries(participants.map((p) => [p.name, newLinkToken()])));
    const links = await of(exchangeId).linksOrFail();
    // Sorted, not in the file's order: the history must not say whose link is whose.
    return { linkIds: Object.values(links).map(linkIdOf).sort() };
  }

  /**
   * The checked draw stored as a run's is (so avoidPrevious, the reveal page and the draw's tools read it), with the links
   * already sent.
   */
  async function storeExchangeDraw(input: { exchangeId: string; drawKey: string; participants: number }): Promise<void> {
    const { pairs } = await data.readSealed<SealedDraw>(input.drawKey);
    const links = await of(input.exchangeId).linksOrFail();
    const record: StoredAllocation = {
      runId: input.exchangeId,
      pairs,
      links,
      participants: input.participants,
      storedAt: new Date().toISOString(),
    };
    await data.writeSealed(allocationKey(input.exchangeId), record);
  }

  /** A participant's wishlist, question or answer: opened with their link's secret, checked, kept sealed. */
  async function exchangeAct({ exchangeId, linkId, action, sealed }: ActInput): Promise<ActResult> {
    const exchange = of(exchangeId);
    const me = await exchange.owner(linkId);
    if (!me) throw ApplicationFailure.nonRetryable('this link is not valid', ExchangeError.UnknownLink);
    let text: string;
    try {
      text = openForLink<{ text: string }>(me.token, sealed).text;
    } catch {
      throw ApplicationFailure.nonRetryable('this text was not sealed for this link', ExchangeError.UnknownLink);
    }
    const problem = textProblem(action, text);
    if (problem) throw ApplicationFailure.nonRetryable(problem, ExchangeError.InvalidText);
    text = normaliseText(text);
    const at = new Date().toISOString();
    const draw = await exchange.draw();

    if (action === 'wishlist') {
      const key = exchangeKeys.wishlist(exchangeId, me.token);
      const before = await exchange.wishlist(me.token);
      if (before === text) return { wishlists: 0, notify: false };
      await content.write(key, { text, at } satisfies Wishlist);
      const wishlists = before === '' ? 1 : text === '' ? -1 : 0;
      return { wishlists, notify: draw !== undefined };
    }
    if (!draw) throw ApplicationFailure.nonRetryable('questions open once the names are drawn', ExchangeError.NotNow);
    // The thread is the Santa's: theirs when they ask, their Santa's when the giftee answers.
    const santa = action === 'ask' ? me.name : santaIn(draw, me.name);
    if (santa === undefined) throw ApplicationFailure.nonRetryable('this link is not valid', ExchangeError.UnknownLink);
    const key = exchangeKeys.thread(exchangeId, me.links[santa]);
    const thread = await exchange.thread(me.links[santa]);
    if (action === 'answer' && !thread.some((entry) => entry.from === 'santa')) {
      throw ApplicationFailure.nonRetryable('your Secret Santa has not asked you anything yet', ExchangeError.NotNow);
    }
    if (thread.length >= MAX_THREAD_ENTRIES) {
      throw ApplicationFailure.nonRetryable(`a thread holds at most ${MAX_THREAD_ENTRIES} questions and answers`, ExchangeError.TooMany);
    }
    await content.write(key, [...thread, { from: action === 'ask' ? 'santa' : 'giftee', text, at } satisfies ThreadEntry]);
    return { wishlists: 0, entry: thread.length, notify: true };
  }

  /** A page's content for the holder of a link, sealed for them: the history keeps a hash and ciphertext. */
  async function readExchangePage({ exchangeId, linkId }: { exchangeId: string; linkId: string }) {
    const exchange = of(exchangeId);
    const me = await exchange.owner(linkId);
    if (!me) return { found: false as const };
    const draw = await exchange.draw();
    const recipient = draw && recipientOf(draw, me.name);
    const santa = draw && santaIn(draw, me.name);
    const view: ExchangePageView = {
      name: me.name,
      wishlist: await exchange.wishlist(me.token),
      recipient: recipient ? { name: recipient, wishlist: await exchange.wishlist(me.links[recipient]) } : undefined,
      toGiftee: draw ? await exchange.thread(me.token) : [],
      fromSanta: santa ? await exchange.thread(me.links[santa]) : [],
      santa: santa && (await exchange.revealed()) ? santa : undefined,
    };
    return { found: true as const, sealed: sealForLink(me.token, view) };
  }

  /** Writes the reveal's marker: from now on pages name each person's Santa. */
  async function openReveal({ exchangeId }: { exchangeId: string }): Promise<void> {
    await data.write(exchangeKeys.revealed(exchangeId), { at: new Date().toISOString() });
  }

  /** The end of retention: every sealed thing the exchange kept, and the file and contacts, deleted. */
  async function deleteExchangeContent({ exchangeId }: { exchangeId: string }): Promise<void> {
    const links = await of(exchangeId).links();
    const store = data.store;
    for (const token of Object.values(links ?? {})) {
      await store.delete(exchangeKeys.wishlist(exchangeId, token));
      await store.delete(exchangeKeys.thread(exchangeId, token));
    }
    const keys = [
      allocationKey(exchangeId),
      ...Array.from({ length: DRAW_ATTEMPTS_KEPT }, (_, attempt) => runKeys.draw(exchangeId, attempt)),
      exchangeKeys.revealed(exchangeId),
      exchangeKeys.settings(exchangeId),
      runKeys.participants(exchangeId),
      runKeys.parsed(exchangeId),
      runKeys.upload(exchangeId),
      runKeys.seed(exchangeId),
    ];
    for (const key of keys) await store.delete(key);
    // The links last: until they go, a retry can still find the wishlists and threads to delete.
    await store.delete(exchangeKeys.links(exchangeId));
  }

  /** Composes one message inside the worker, where the pairs are: to whom, and what. Undefined when there is nobody to tell. */
  async function compose(message: ExchangeMessage): Promise<{ to: Participant; said: say.Message } | undefined> {
    const exchange = of(message.exchangeId);
    const [links, settings, participants, draw] = await Promise.all([
      exchange.linksOrFail(),
      exchange.settings(),
      exchange.participants(),
      exchange.draw(),
    ]);
    const person = (name: string) => participants.find((p) => p.name === name)!;
    const link = (name: string) => linkOf(message.exchangeId, links[name]);
    const wishlistOf = (name: string) => exchange.wishlist(links[name]);
    const entry = async (santa: string) => (await exchange.thread(links[santa]))[message.entry ?? -1]?.text;

    if (message.index !== undefined) {
      const to = participants[message.index];
      if (!to) return undefined;
      if (message.kind === 'invitation') return { to, said: say.invitation(to.name, settings, link(to.name)) };
      const recipient = draw && recipientOf(draw, to.name);
      if (!draw || recipient === undefined) return undefined;
      if (message.kind === 'drawn')
        return { to, said: say.drawn(to.name, recipient, await wishlistOf(recipient), settings, link(to.name)) };
      if (message.kind === 'reminder') {
        return { to, said: say.reminder(to.name, recipient, await wishlistOf(recipient), settings, link(to.name)) };
      }
      const santa = santaIn(draw, to.name);
      return santa === undefined ? undefined : { to, said: say.reveal(to.name, santa, settings) };
    }

    const actor = message.linkId === undefined ? undefined : await exchange.owner(message.linkId);
    if (!actor || !draw) return undefined;
    if (message.kind === 'asked') {
      const giftee = recipientOf(draw, actor.name);
      const question = await entry(actor.name);
      if (giftee === undefined || question === undefined) return undefined;
      return { to: person(giftee), said: say.asked(giftee, question, settings, link(giftee)) };
    }
    const santa = santaIn(draw, actor.name);
    if (santa === undefined) return undefined;
    if (message.kind === 'answered') {
      const answer = await entry(santa);
      return answer === undefined ? undefined : { to: person(santa), said: say.answered(santa, actor.name, answer, settings, link(santa)) };
    }
    return { to: person(santa), said: say.wishlistChanged(santa, actor.name, await wishlistOf(actor.name), settings, link(santa)) };
  }

  /**
   * One message of an exchange, on every channel its person has, through the same notify functions as a run's (so
   * the same outbox, and the same lookup before a retry sends again). It answers nothing, and fails without names: the
   * history must not say to whom, nor which channels they have.
   */
  async function notifyExchange(message: ExchangeMessage): Promise<void> {
    const composed = await compose(message);
    if (!composed) return;
    const { to, said } = composed;
    // Each message its own "run" for the providers' lookup and the outbox: a person gets many from one exchange.
    const runId = `${message.exchangeId}.${message.id}`;
    const base = { runId, name: to.name, recipient: '', text: said.text, subject: said.subject };
    let retry = false;
    let refused = 0;
    const channels = [
      ['email', to.email],
      ['sms', to.phone],
    ] as const;
    const tried = channels.filter(([, address]) => address !== undefined);
    for (const [channel, address] of tried) {
      try {
        await send[channel]({ ...base, to: address! });
      } catch (error) {
        const permanent = error instanceof ApplicationFailure && error.nonRetryable;
        if (permanent) refused++;
        else retry = true;
        Context.current().log.warn(`exchange ${message.exchangeId}: a ${channel} message (${message.kind}) was not taken`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (retry)
      throw ApplicationFailure.retryable('a provider did not take a message of this exchange; trying again', 'ProviderUnavailable');
    if (tried.length > 0 && refused === tried.length) {
      throw ApplicationFailure.nonRetryable('the providers refused a message of this exchange', 'ProviderRejected');
    }
  }

  return { openExchange, storeExchangeDraw, exchangeAct, readExchangePage, openReveal, deleteExchangeContent, notifyExchange };
}
