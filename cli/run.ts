import { readFileSync } from 'node:fs';
import { isSeed } from '../lib/random';
import { ApiClient, apiFromEnv, DEFAULT_API_URL, unusable } from './api-client';
import { type Command, parseCommandArgs, print, printError, UsageError } from './command';

const USAGE = 'santa run FILE.csv [--seed N] [--dry-run]';
const POLL_MS = 500;
const OUTAGE_MS = 60_000;

interface ChannelCounts {
  sent: number;
  skipped: number;
  failed: number;
}

/** GET /allocations/:id, as the contract has it. */
export interface RunView {
  id: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  stage: string;
  participants: number;
  email: ChannelCounts;
  sms: ChannelCounts;
  failures?: { name: string; channel: string; error: string }[];
  error?: string;
}

const BAR_WIDTH = 24;
const handled = (c: ChannelCounts) => c.sent + c.skipped + c.failed;

/** One line: a bar over every message of both channels, the stage, and sent/failed per channel. */
export function progressLine(view: RunView): string {
  const total = view.participants * 2;
  const done = handled(view.email) + handled(view.sms);
  const filled = total === 0 ? 0 : Math.round((BAR_WIDTH * done) / total);
  const counts = (name: string, c: ChannelCounts) => `${name} ${c.sent} sent, ${c.failed} failed`;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  return `${bar} ${done}/${total} · ${view.stage} · ${counts('email', view.email)} · ${counts('sms', view.sms)}`;
}

/** On a terminal the line is redrawn in place; anywhere else a line is printed each time it changes. */
export class ProgressDisplay {
  private last = '';

  constructor(private readonly out: { isTTY?: boolean; write(text: string): unknown }) {}

  show(view: RunView): void {
    const line = progressLine(view);
    if (line === this.last) return;
    this.last = line;
    this.out.write(this.out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  end(): void {
    if (this.out.isTTY && this.last) this.out.write('\n');
  }
}

/** `santa run FILE.csv`: posts the file to the running API and follows the run to its end. */
export const runCommand: Command = {
  name: 'run',
  usage: USAGE,
  summary: `post the file to the API (SANTA_API_URL, default ${DEFAULT_API_URL}) and follow the run; exit 1 if it fails`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      seed: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      print(`usage: ${USAGE}\nenvironment: SANTA_API_URL (default ${DEFAULT_API_URL}), API_TOKEN`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'FILE.csv is missing' : 'only one FILE.csv, please');
    if (values.seed !== undefined && !(/^\d+$/.test(values.seed) && isSeed(Number(values.seed)))) {
      throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${values.seed}"`);
    }
    const [file] = positionals;
    let csv: string;
    try {
      csv = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (error) {
      printError(`santa run: cannot read ${file}: ${(error as Error).message}`);
      return 2;
    }

    const api = apiFromEnv();
    const query = new URLSearchParams();
    if (values.seed !== undefined) query.set('seed', values.seed);
    if (values['dry-run']) query.set('dryRun', 'true');
    const started = await api.request('POST', `/allocations${query.size ? `?${query}` : ''}`, { type: 'text/csv', text: csv });
    const problem = unusable(api, started);
    if (problem) {
      printError(`santa run: ${problem}`);
      return 1;
    }
    if (started.status === 400 || started.status === 422) {
      const { message, details = [] } = started.body as { message: string; details?: { line: number; field: string; message: string }[] };
      printError([`santa run: ${file}: ${message}`, ...details.map((p) => `  line ${p.line}, ${p.field}: ${p.message}`)].join('\n'));
      return 2;
    }
    if (started.status !== 202) throw new Error(`the API answered ${started.status}: ${JSON.stringify(started.body)}`);
    const { id, links } = started.body as { id: string; links: { self: string; ui: string } };
    print(`run ${id} started; watch it at ${links.ui}`);

    try {
      const view = await follow(api, links.self, new ProgressDisplay(process.stderr));
      print(summary(view));
      return view.status === 'COMPLETED' ? 0 : 1;
    } catch (error) {
      if (!(error instanceof RunFollowError)) throw error;
      printError(`santa run: stopped following ${id}: ${error.message}`);
      return 1;
    }
  },
};

/** Polls until the run ends. Brief outages (an API or Temporal restarting) are waited out, up to OUTAGE_MS in a row. */
async function follow(api: ApiClient, self: string, display: ProgressDisplay): Promise<RunView> {
  let failingSince: number | undefined;
  try {
    for (;;) {
      const answer = await api.request('GET', self);
      if (answer.status === 200) {
        failingSince = undefined;
        const view = answer.body as RunView;
        display.show(view);
        if (view.status !== 'RUNNING') return view;
      } else {
        failingSince ??= Date.now();
        const problem = unusable(api, answer) ?? `the API answered ${answer.status}: ${JSON.stringify(answer.body)}`;
        if (answer.status === 401 || Date.now() - failingSince > OUTAGE_MS) throw new RunFollowError(problem);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    display.end();
  }
}

/** Following the run had to stop; the run itself may well go on. */
class RunFollowError extends Error {}

function summary(view: RunView): string {
  const counts = (c: ChannelCounts) => `${c.sent} sent, ${c.skipped} skipped, ${c.failed} failed`;
  return [
    `${view.status}: ${view.participants} participants; email ${counts(view.email)}; sms ${counts(view.sms)}`,
    ...(view.failures ?? []).map((f) => `  ${f.name} (${f.channel}): ${f.error}`),
    ...(view.error ? [`  ${view.error}`] : []),
  ].join('\n');
}
