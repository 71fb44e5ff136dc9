import {
  admit,
  MAX_MESSAGE_CHARS,
  MAX_WISHLIST_CHARS,
  normaliseText,
  RATE_MAX,
  RATE_WINDOW_MS,
  retryAfterMs,
  textProblem,
} from '../../lib/exchange/limits';
import * as say from '../../lib/exchange/messages';

describe('texts a participant writes', () => {
  it('accepts a wishlist up to its length, an empty one clearing it', () => {
    expect(textProblem('wishlist', 'Socks 🧦'.repeat(10))).toBeUndefined();
    expect(textProblem('wishlist', '')).toBeUndefined();
    expect(textProblem('wishlist', 'x'.repeat(MAX_WISHLIST_CHARS))).toBeUndefined();
    expect(textProblem('wishlist', 'x'.repeat(MAX_WISHLIST_CHARS + 1))).toBe(
      `wishlist: at most ${MAX_WISHLIST_CHARS} characters (this has ${MAX_WISHLIST_CHARS + 1})`,
    );
  });

  it('counts characters, not UTF-16 units: 1,000 emoji make a question of 1,000', () => {
    expect(textProblem('ask', '🎁'.repeat(MAX_MESSAGE_CHARS))).toBeUndefined();
    expect(textProblem('answer', '🎁'.repeat(MAX_MESSAGE_CHARS + 1))).toMatch(/^answer: at most 1000/);
  });

  it('refuses an empty question, control characters and a missing text, naming the field', () => {
    expect(textProblem('ask', '   ')).toBe('question: write something first');
    expect(textProblem('answer', 'ok\u0007')).toBe('answer: holds invisible control characters');
    expect(textProblem('ask', 'hi\u202eevil')).toBe('question: holds invisible control characters');
    expect(textProblem('wishlist', undefined)).toBe('wishlist: text is missing');
    expect(textProblem('ask', 'Line one\r\nline two\ttabbed')).toBeUndefined();
  });

  it('keeps line breaks, as one kind, trimmed', () => {
    expect(normaliseText('  a\r\nb\rc\n ')).toBe('a\nb\nc');
  });
});

describe('the rate limit per link', () => {
  it(`admits ${RATE_MAX} actions in a window, refuses the next, and admits again once the oldest leaves it`, () => {
    let window: number[] = [];
    for (let i = 0; i < RATE_MAX; i++) window = admit(window, 1000 + i)!;
    expect(window).toHaveLength(RATE_MAX);
    expect(admit(window, 2000)).toBeUndefined();
    expect(retryAfterMs(window, 2000)).toBe(1000 + RATE_WINDOW_MS - 2000);
    expect(admit(window, 1000 + RATE_WINDOW_MS)).toHaveLength(RATE_MAX); // the first left the window
  });
});

describe('the messages', () => {
  const settings = {
    title: 'Office party',
    budget: '£20',
    drawAt: Date.UTC(2025, 11, 1, 18),
    giftDay: Date.UTC(2025, 11, 19, 18),
    reveal: true,
  };
  it("start the draw's message with Edd Mann's sentence and carry the wishlist", () => {
    const { text } = say.drawn('Ann', 'Bob', 'Books\nTea', settings, 'https://x/p/e/t');
    expect(text.startsWith("Hey Ann, you're Secret Santa for Bob this year!")).toBe(true);
    expect(text).toContain("Bob's wishlist:\n> Books\n> Tea");
  });

  it('never name the Santa in a question, and name them in the reveal', () => {
    const question = say.asked('Bob', 'Do you like tea?', settings, 'https://x/p/e/bob');
    expect(question.text).toContain('your Secret Santa asks:\n> Do you like tea?');
    expect(question.text).not.toContain('Ann');
    expect(say.reveal('Bob', 'Ann', settings).text).toContain('Ann was your Secret Santa');
  });

  it('give dates in UTC and say so', () => {
    expect(say.showDate(settings.giftDay)).toBe('Friday, 19 December 2025 at 18:00 UTC');
  });
});
