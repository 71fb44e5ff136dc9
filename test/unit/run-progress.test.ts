import { ProgressDisplay, progressLine, type RunView } from '../../cli/run';

const view = (stage: string, emailSent: number, smsSent: number, participants = 4): RunView => ({
  id: 'santa-1',
  status: 'RUNNING',
  stage,
  participants,
  email: { sent: emailSent, skipped: 0, failed: 0 },
  sms: { sent: smsSent, skipped: 0, failed: 1 },
});

describe('santa run progress', () => {
  it('draws a bar over every message of both channels, with the stage and the counts per channel', () => {
    expect(progressLine(view('notifying', 2, 1))).toBe(
      '[############............] 4/8 · notifying · email 2 sent, 0 failed · sms 1 sent, 1 failed',
    );
    expect(progressLine({ ...view('parsing', 0, 0, 0), sms: { sent: 0, skipped: 0, failed: 0 } })).toBe(
      '[........................] 0/0 · parsing · email 0 sent, 0 failed · sms 0 sent, 0 failed',
    );
  });

  it('redraws one line on a terminal and ends it with a newline', () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ isTTY: true, write: (text: string) => written.push(text) });
    display.show(view('notifying', 1, 0));
    display.show(view('notifying', 1, 0)); // unchanged: nothing drawn
    display.show(view('notifying', 2, 0));
    display.end();
    expect(written).toHaveLength(3);
    expect(written.slice(0, 2).every((text) => text.startsWith('\r\x1b[2K') && !text.includes('\n'))).toBe(true);
    expect(written[2]).toBe('\n');
  });

  it('prints a plain line per change anywhere else', () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ isTTY: false, write: (text: string) => written.push(text) });
    display.show(view('storing', 0, 0));
    display.show(view('storing', 0, 0));
    display.show(view('notifying', 1, 0));
    display.end();
    expect(written).toEqual([`${progressLine(view('storing', 0, 0))}\n`, `${progressLine(view('notifying', 1, 0))}\n`]);
  });
});
