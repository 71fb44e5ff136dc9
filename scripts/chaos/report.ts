/** What a chaos run counts and checks, apart from running it: pure, so the arithmetic is easy to trust. */

/** One message as a provider fake recorded it. */
export interface Delivered {
  to: string;
  text: string;
}

export interface ChannelTally {
  /** Messages the provider accepted, duplicates included. */
  messages: number;
  /** Distinct recipients reached. */
  reached: number;
  /** Messages beyond the first to a recipient. */
  duplicates: number;
  /** Messages whose text is not the one the stored draw gives for that address (or to an unknown address). */
  wrong: number;
}

/** Counts one channel's messages against what each address should get (address → text, from the stored draw). */
export function tallyChannel(messages: readonly Delivered[], expected: ReadonlyMap<string, string>): ChannelTally {
  const seen = new Map<string, number>();
  let wrong = 0;
  for (const { to, text } of messages) {
    seen.set(to, (seen.get(to) ?? 0) + 1);
    if (expected.get(to) !== text) wrong++;
  }
  const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  return { messages: messages.length, reached: seen.size, duplicates, wrong };
}

export interface Check {
  name: string;
  ok: boolean;
  /** The figures behind it. */
  detail: string;
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });

/** A plain two- or three-column table for a terminal. */
export function table(rows: Array<[string, string] | [string, string, string]>): string {
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i < 2 && i < row.length - 1 ? cell.padEnd(widths[i]) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A crash (a kill, a server restart) and how many messages each provider had accepted when it came. */
export interface CrashMark {
  label: string;
  accepted: { email: number; sms: number };
}

/**
 * Duplicates by the crash that caused them: a message sent again is blamed on the first crash after its
 * first copy was accepted (its completion was lost with the worker or server). Duplicates whose first copy
 * came after the last crash are counted under 'none'.
 */
export function duplicatesByCrash(
  email: readonly Delivered[],
  sms: readonly Delivered[],
  crashes: readonly CrashMark[],
): Map<string, number> {
  const blamed = new Map<string, number>(crashes.map((c) => [c.label, 0]));
  const blame = (messages: readonly Delivered[], channel: 'email' | 'sms') => {
    const first = new Map<string, number>();
    messages.forEach(({ to }, index) => {
      if (!first.has(to)) return void first.set(to, index);
      const culprit = crashes.find((c) => c.accepted[channel] > first.get(to)!)?.label ?? 'none';
      blamed.set(culprit, (blamed.get(culprit) ?? 0) + 1);
    });
  };
  blame(email, 'email');
  blame(sms, 'sms');
  return blamed;
}
