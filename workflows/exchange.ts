import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DrawOptions } from '../activities/draw-options';
import type { ActInput, ExchangeMessage, ExchangeSettings } from '../activities/exchange-types';
import { admit, retryAfterMs } from '../lib/exchange/limits';
import { type Milestones, NO_MILESTONES, nextStep, type ParticipantAction, type Step, stageOf, whyNot } from '../lib/exchange/schedule';
import { notifyOptions, steps } from './activity-proxies';
import { mapWithConcurrency } from './map-with-concurrency';
import { drawValidAllocation } from './secret-santa';
import { initialStatus } from './status';

export interface ExchangeInput {
  /** The organiser's file, by key in the exchange's storage. */
  csvKey: string;
  settings: ExchangeSettings;
  /** How long sealed content is kept after gift day (SANTA_RETENTION_DAYS). */
  retentionMs: number;
  draw?: DrawOptions;
  notifyRetryBudgetMs?: number;
  /** Messages in flight at once when everyone is told something. */
  maxConcurrency?: number;
  /** Continue as new past this many events; tests make it small. */
  continueAsNewAfter?: number;
  /** What an earlier run of this exchange had done, when it continued as new. */
  state?: ExchangeState;
}

export interface ExchangeCounts {
  invited: number;
  wishlists: number;
  questions: number;
  answers: number;
  messages: { sent: number; failed: number };
}

/** Everything the exchange carries from one run to the next: counts, hashes and times; no name, no text. */
export interface ExchangeState {
  done: Milestones;
  participants: number;
  participantsKey?: string;
  /** The participants' link ids, sorted (so not in the file's order): which links may act. */
  linkIds: string[];
  counts: ExchangeCounts;
  /** Recent action times per link id, for the rate limit. */
  recent: Record<string, number[]>;
  /** Messages not yet started when the run continued as new. */
  pending: ExchangeMessage[];
  seq: number;
  drawRequested: boolean;
  /** Runs before this one (continue-as-new). */
  runs: number;
}

export interface ExchangeStatus extends ExchangeSettings {
  stage: string;
  participants: number;
  counts: ExchangeCounts;
  runs: number;
}

export type ActRequest = Omit<ActInput, 'exchangeId'>;

export const exchangeStatusQuery = defineQuery<ExchangeStatus>('exchangeStatus');
/** A participant's wishlist, question or answer, from their page. */
export const actUpdate = defineUpdate<{ ok: true }, [ActRequest]>('act');
/** The organiser's "draw now". */
export const drawNowUpdate = defineUpdate<{ stage: string }>('drawNow');

export const DEFAULT_CONTINUE_AS_NEW_AFTER = 10_000;
const DEFAULT_MAX_CONCURRENCY = 10;
/** A sealed text of the longest allowed (2,000 characters, up to 4 bytes each) as base64, with room. */
const MAX_SEALED_CHARS = 12_000;
const ACTIONS: readonly ParticipantAction[] = ['wishlist', 'ask', 'answer'];
const SAID: Record<ParticipantAction, ExchangeMessage['kind']> = { wishlist: 'wishlist', ask: 'asked', answer: 'answered' };

const fresh = (): ExchangeState => ({
  done: { ...NO_MILESTONES },
  participants: 0,
  linkIds: [],
  counts: { invited: 0, wishlists: 0, questions: 0, answers: 0, messages: { sent: 0, failed: 0 } },
  recent: {},
  pending: [],
  seq: 0,
  drawRequested: false,
  runs: 0,
});

/**
 * One exchange, from the invitations to the deletion of what it kept: its dates are durable timers, each participant
 * action an update. The history holds keys, counts and link ids (hashes), never a name beside a link, a pair or a text:
 * the worker composes every message and seals every text.
 */
export async function exchange(input: ExchangeInput): Promise<ExchangeStatus> {
  const exchangeId = workflowInfo().workflowId;
  const state = input.state ?? fresh();
  const linkIds = new Set(state.linkIds);
  const { settings } = input;
  const dates = { drawAt: settings.drawAt, giftDay: settings.giftDay, retentionMs: input.retentionMs };
  const notifyExchange = proxyActivities<Activities>(notifyOptions(input.notifyRetryBudgetMs)).notifyExchange;
  let busy: Step | undefined;
  let draining = false;
  const inFlight = new Set<Promise<void>>();

  const status = (): ExchangeStatus => ({
    ...settings,
    stage: stageOf(state.done, busy),
    participants: state.participants,
    counts: state.counts,
    runs: state.runs,
  });
  setHandler(exchangeStatusQuery, status);

  const deliver = async (message: ExchangeMessage): Promise<boolean> => {
    try {
      await notifyExchange(message);
      state.counts.messages.sent++;
      return true;
    } catch (error) {
      if (isCancellation(error)) throw error;
      state.counts.messages.failed++;
      return false;
    }
  };
  /** A message in the background: the page's update answers at once. Queued for the next run while draining. */
  const send = (message: ExchangeMessage) => {
    if (draining) {
      state.pending.push(message);
      return;
    }
    const sending: Promise<void> = deliver(message).then(
      () => void inFlight.delete(sending),
      () => void inFlight.delete(sending),
    );
    inFlight.add(sending);
  };
  const everyone = (kind: ExchangeMessage['kind'], counted?: () => void) =>
    mapWithConcurrency(
      Array.from({ length: state.participants }, (_, index) => index),
      input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      async (index) => {
        if (await deliver({ exchangeId, id: `${kind}-${index}`, kind, index })) counted?.();
      },
    );

  // One change at a time: a question and its answer never race on the same thread.
  let chain: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const closedFor = (action: ParticipantAction) =>
    whyNot(action, {
      ...state.done,
      invited: linkIds.size > 0,
      giftDay: state.done.giftDay || busy === 'giftDay' || busy === 'delete',
    });

  setHandler(
    actUpdate,
    async (request) => {
      state.recent[request.linkId] = admit(state.recent[request.linkId], Date.now()) ?? [];
      const result = await oneAtATime(() => steps.exchangeAct({ exchangeId, ...request }));
      state.counts.wishlists += result.wishlists;
      if (request.action === 'ask') state.counts.questions++;
      if (request.action === 'answer') state.counts.answers++;
      if (result.notify)
        send({ exchangeId, id: `e${++state.seq}`, kind: SAID[request.action], linkId: request.linkId, entry: result.entry });
      return { ok: true };
    },
    {
      // Rejected here, an update leaves nothing in the history: forged links and floods do not grow it.
      validator: (request) => {
        if (typeof request?.linkId !== 'string' || !linkIds.has(request.linkId)) {
          throw ApplicationFailure.nonRetryable('this link is not valid', 'UnknownLink');
        }
        if (!ACTIONS.includes(request.action)) throw ApplicationFailure.nonRetryable('action: wishlist, ask or answer', 'InvalidText');
        if (typeof request.sealed !== 'string' || request.sealed.length > MAX_SEALED_CHARS) {
          throw ApplicationFailure.nonRetryable('text: too long', 'InvalidText');
        }
        const why = closedFor(request.action);
        if (why) throw ApplicationFailure.nonRetryable(why, 'NotNow');
        if (!admit(state.recent[request.linkId], Date.now())) {
          const seconds = Math.ceil(retryAfterMs(state.recent[request.linkId], Date.now()) / 1000);
          throw ApplicationFailure.nonRetryable(`too many changes from this page: try again in ${seconds} s`, 'TooMany', { seconds });
        }
      },
    },
  );

  setHandler(
    drawNowUpdate,
    () => {
      state.drawRequested = true;
      return { stage: stageOf(state.done, busy) };
    },
    {
      validator: () => {
        if (state.done.drawn || busy === 'draw') throw ApplicationFailure.nonRetryable('the names are already drawn', 'NotNow');
      },
    },
  );

  const limit = input.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  const needsNewRun = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit;
  /** Lets what is under way finish, queues what comes meanwhile, and carries it all to a fresh history. */
  async function newRun(): Promise<never> {
    draining = true;
    await condition(() => inFlight.size === 0 && allHandlersFinished());
    const now = Date.now();
    const recent = Object.fromEntries(
      Object.entries(state.recent)
        .map(([id, times]) => [id, admit(times, now)?.slice(0, -1) ?? times] as const)
        .filter(([, times]) => times.length > 0),
    );
    return continueAsNew<typeof exchange>({ ...input, state: { ...state, linkIds: [...linkIds], recent, runs: state.runs + 1 } });
  }

  const run: Record<Step, () => Promise<void>> = {
    invite: async () => {
      const { parsedKey } = await steps.parseParticipants({ runId: exchangeId, csvKey: input.csvKey });
      const { participants, participantsKey } = await steps.validateParticipants({ runId: exchangeId, parsedKey });
      Object.assign(state, { participants, participantsKey });
      for (const id of (await steps.openExchange({ exchangeId, settings })).linkIds) linkIds.add(id);
      await everyone('invitation', () => state.counts.invited++);
      state.done.invited = true;
    },
    draw: async () => {
      const draw = { runId: exchangeId, participantsKey: state.participantsKey!, options: input.draw };
      const { drawKey } = await drawValidAllocation(steps, draw, initialStatus(false));
      await steps.storeExchangeDraw({ exchangeId, drawKey, participants: state.participants });
      // Questions open as soon as the draw is stored, while the news goes out.
      state.done.drawn = true;
      await everyone('drawn');
    },
    remind: async () => {
      await everyone('reminder');
      state.done.reminded = true;
    },
    giftDay: async () => {
      if (settings.reveal) {
        await steps.openReveal({ exchangeId });
        await everyone('reveal');
      }
      state.done.giftDay = true;
    },
    delete: async () => {
      // Messages still on their way read what they tell: they finish first.
      await condition(() => inFlight.size === 0 && allHandlersFinished());
      await steps.deleteExchangeContent({ exchangeId });
      state.done.deleted = true;
    },
  };

  try {
    for (const message of state.pending.splice(0)) send(message);
    for (let next = nextStep(state.done, dates); next; next = nextStep(state.done, dates)) {
      const due = () => next?.step === 'draw' && state.drawRequested;
      const wait = next.at - Date.now();
      if (wait > 0 && !due()) {
        const woke = await condition(() => due() || needsNewRun(), wait);
        if (woke && !due()) await newRun();
      }
      busy = next.step;
      await run[next.step]();
      busy = undefined;
      if (nextStep(state.done, dates) && needsNewRun()) await newRun();
    }
    await condition(() => inFlight.size === 0 && allHandlersFinished());
    return status();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled: nothing more is sent, and what it kept is deleted now rather than after gift day.
    await CancellationScope.nonCancellable(async () => {
      await condition(() => inFlight.size === 0);
      await steps.deleteExchangeContent({ exchangeId });
    });
    throw error;
  }
}
