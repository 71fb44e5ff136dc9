/** What a participant may write and how often: bounded, so a hostile page cannot fill storage or a history. */
import type { ParticipantAction } from './schedule';

export const MAX_WISHLIST_CHARS = 2000;
export const MAX_MESSAGE_CHARS = 1000;
/** Questions and answers in one Santa's thread, for a whole season. */
export const MAX_THREAD_ENTRIES = 200;
/** Actions per link in any RATE_WINDOW_MS. */
export const RATE_MAX = 20;
export const RATE_WINDOW_MS = 60 * 60_000;

// Control characters but tab, newline and carriage return: nothing a person types, and some confuse terminals and mail.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

/** Whether a one-line text (an exchange's title or budget) holds control characters or line breaks. */
export const hasControl = (text: string): boolean => CONTROL.test(text) || /[\t\r\n]/.test(text);

/** Why this text cannot be kept (naming the field), or undefined. A wishlist may be empty: that clears it. */
export function textProblem(action: ParticipantAction, text: unknown): string | undefined {
  const field = action === 'wishlist' ? 'wishlist' : action === 'ask' ? 'question' : 'answer';
  if (typeof text !== 'string') return `${field}: text is missing`;
  const max = action === 'wishlist' ? MAX_WISHLIST_CHARS : MAX_MESSAGE_CHARS;
  if (action !== 'wishlist' && text.trim() === '') return `${field}: write something first`;
  if ([...text].length > max) return `${field}: at most ${max} characters (this has ${[...text].length})`;
  if (CONTROL.test(text)) return `${field}: holds invisible control characters`;
  return undefined;
}

/** Line endings as one, outer blanks trimmed: what is stored. */
export const normaliseText = (text: string): string => text.replace(/\r\n?/g, '\n').trim();

/**
 * A sliding window per link: the times of its recent actions, kept at most RATE_MAX. Answers the window to keep if
 * the action at `now` is allowed, or undefined when it is one too many.
 */
export function admit(recent: readonly number[] = [], now: number): number[] | undefined {
  const kept = recent.filter((at) => at > now - RATE_WINDOW_MS);
  if (kept.length >= RATE_MAX) return undefined;
  return [...kept, now];
}

/** When the oldest action in a full window leaves it: for Retry-After. */
export function retryAfterMs(recent: readonly number[], now: number): number {
  const kept = recent.filter((at) => at > now - RATE_WINDOW_MS);
  return kept.length === 0 ? 0 : Math.max(0, kept[0] + RATE_WINDOW_MS - now);
}
