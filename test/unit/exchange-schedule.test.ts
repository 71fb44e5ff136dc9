import { checkDates, DAY_MS, type Milestones, NO_MILESTONES, nextStep, reminderAt, stageOf, whyNot } from '../../lib/exchange/schedule';

const at = Date.UTC(2025, 11, 1, 12);
const done = (...names: (keyof Milestones)[]): Milestones => ({ ...NO_MILESTONES, ...Object.fromEntries(names.map((n) => [n, true])) });

describe('the reminder', () => {
  it('comes the day before gift day when the draw is well before it', () => {
    expect(reminderAt({ drawAt: at, giftDay: at + 20 * DAY_MS })).toBe(at + 19 * DAY_MS);
    expect(reminderAt({ drawAt: at, giftDay: at + 2 * DAY_MS })).toBe(at + DAY_MS);
  });

  it('comes halfway between the draw and gift day when they are less than two days apart (a test: seconds)', () => {
    expect(reminderAt({ drawAt: at, giftDay: at + 10_000 })).toBe(at + 5_000);
    expect(reminderAt({ drawAt: at, giftDay: at + DAY_MS })).toBe(at + DAY_MS / 2);
  });
});

describe('the steps, in order', () => {
  const dates = { drawAt: at + 1000, giftDay: at + 9000, retentionMs: 4000 };
  it('invites at once, then draws, reminds, comes to gift day and deletes after the retention', () => {
    expect(nextStep(NO_MILESTONES, dates)).toEqual({ step: 'invite', at: 0 });
    expect(nextStep(done('invited'), dates)).toEqual({ step: 'draw', at: at + 1000 });
    expect(nextStep(done('invited', 'drawn'), dates)).toEqual({ step: 'remind', at: at + 5000 });
    expect(nextStep(done('invited', 'drawn', 'reminded'), dates)).toEqual({ step: 'giftDay', at: at + 9000 });
    expect(nextStep(done('invited', 'drawn', 'reminded', 'giftDay'), dates)).toEqual({ step: 'delete', at: at + 13_000 });
    expect(nextStep(done('invited', 'drawn', 'reminded', 'giftDay', 'deleted'), dates)).toBeUndefined();
  });

  it('names the stage an organiser sees', () => {
    expect(stageOf(NO_MILESTONES)).toBe('inviting');
    expect(stageOf(done('invited'))).toBe('waiting-for-draw');
    expect(stageOf(done('invited'), 'draw')).toBe('drawing');
    expect(stageOf(done('invited', 'drawn', 'reminded', 'giftDay'))).toBe('after-gift-day');
    expect(stageOf(done('invited', 'drawn', 'reminded', 'giftDay', 'deleted'))).toBe('ended');
  });
});

describe('what a participant may do when', () => {
  it('writes a wishlist from the invitation to gift day; asks and answers only between the draw and gift day', () => {
    expect(whyNot('wishlist', done('invited'))).toBeUndefined();
    expect(whyNot('ask', done('invited'))).toMatch(/once the names are drawn/);
    expect(whyNot('answer', done('invited'))).toMatch(/once the names are drawn/);
    expect(whyNot('ask', done('invited', 'drawn'))).toBeUndefined();
    for (const action of ['wishlist', 'ask', 'answer'] as const) {
      expect(whyNot(action, done('invited', 'drawn', 'reminded', 'giftDay'))).toMatch(/gift day has passed/);
    }
    expect(whyNot('wishlist', NO_MILESTONES)).toMatch(/invitations/);
  });
});

describe("the organiser's dates", () => {
  it('takes a draw now or later, and gift day after it', () => {
    expect(checkDates(at, at + DAY_MS, at)).toEqual([]);
    expect(checkDates(at - 30_000, at + 5000, at)).toEqual([]); // typed as "in a moment", arrived just after
  });

  it('names the field of each problem', () => {
    expect(checkDates(at - DAY_MS, at - 2 * DAY_MS, at)).toEqual([
      { field: 'drawAt', message: expect.stringMatching(/in the past/) },
      { field: 'giftDay', message: expect.stringMatching(/after the draw/) },
    ]);
    expect(checkDates(at, at + 800 * DAY_MS, at)).toEqual([{ field: 'giftDay', message: expect.stringMatching(/two years/) }]);
  });
});
