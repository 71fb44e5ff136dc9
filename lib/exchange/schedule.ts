/** When an exchange does what: pure, so the workflow's timers and the tests agree on one rule. */

export const DAY_MS = 86_400_000;

/** What the exchange has done so far; each step happens once, in this order. */
export interface Milestones {
  invited: boolean;
  drawn: boolean;
  reminded: boolean;
  /** Gift day came: the reveal (if chosen) was sent, questions and wishlists closed. */
  giftDay: boolean;
  /** The retention period ended and the sealed content was deleted. */
  deleted: boolean;
}

export const NO_MILESTONES: Milestones = { invited: false, drawn: false, reminded: false, giftDay: false, deleted: false };

export interface ExchangeDates {
  /** Epoch ms of the draw; a draw can come earlier on request. */
  drawAt: number;
  /** Epoch ms of gift day. */
  giftDay: number;
  /** How long sealed content is kept after gift day (SANTA_RETENTION_DAYS). */
  retentionMs: number;
}

export type Step = 'invite' | 'draw' | 'remind' | 'giftDay' | 'delete';

/**
 * The last reminder: the day before gift day, or halfway between the draw and gift day when they are less than two
 * days apart (so a short exchange, or a test's seconds, still gets it after the draw and before the day).
 */
export function reminderAt({ drawAt, giftDay }: Pick<ExchangeDates, 'drawAt' | 'giftDay'>): number {
  return giftDay - Math.min(DAY_MS, Math.max(0, Math.floor((giftDay - drawAt) / 2)));
}

/** The next step and when it is due (epoch ms; due now when `at` has passed), or undefined once all is done. */
export function nextStep(done: Milestones, dates: ExchangeDates): { step: Step; at: number } | undefined {
  if (!done.invited) return { step: 'invite', at: 0 };
  if (!done.drawn) return { step: 'draw', at: dates.drawAt };
  if (!done.reminded) return { step: 'remind', at: reminderAt(dates) };
  if (!done.giftDay) return { step: 'giftDay', at: dates.giftDay };
  if (!done.deleted) return { step: 'delete', at: dates.giftDay + dates.retentionMs };
  return undefined;
}

/** The stage an organiser sees: what is under way (`busy`), or what the exchange waits for. */
export function stageOf(done: Milestones, busy?: Step): string {
  if (busy) return { invite: 'inviting', draw: 'drawing', remind: 'reminding', giftDay: 'gift-day', delete: 'deleting' }[busy];
  if (done.deleted) return 'ended';
  if (done.giftDay) return 'after-gift-day';
  if (done.reminded) return 'reminded';
  if (done.drawn) return 'drawn';
  if (done.invited) return 'waiting-for-draw';
  return 'inviting';
}

/** What a participant can do on their page. */
export type ParticipantAction = 'wishlist' | 'ask' | 'answer';

/** Why a participant cannot do this now, in their words, or undefined when they can. */
export function whyNot(action: ParticipantAction, done: Milestones): string | undefined {
  if (done.giftDay) return 'gift day has passed: the exchange is closed';
  if (!done.invited) return 'the exchange is still sending its invitations: try again in a moment';
  if (action !== 'wishlist' && !done.drawn) return 'questions open once the names are drawn';
  return undefined;
}

export interface DatesProblem {
  field: 'drawAt' | 'giftDay';
  message: string;
}

/** The organiser's dates, checked: the draw not in the past (but "now"), gift day after the draw. */
export function checkDates(drawAt: number, giftDay: number, now: number): DatesProblem[] {
  const problems: DatesProblem[] = [];
  // A minute of grace: a date typed as "in a moment" may have just passed when it arrives.
  if (drawAt < now - 60_000) problems.push({ field: 'drawAt', message: 'the draw date is in the past (use "now" to draw at once)' });
  if (giftDay <= drawAt) problems.push({ field: 'giftDay', message: 'gift day must come after the draw date' });
  if (giftDay > now + 2 * 365 * DAY_MS) problems.push({ field: 'giftDay', message: 'gift day must be within two years' });
  return problems;
}
