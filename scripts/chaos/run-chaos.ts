/**
 * A whole run under fire: its own Temporal dev server (state in a SQLite file), fake Mailgun and Twilio,
 * worker processes that are SIGKILLed at random (seeded) moments and started again 1 s later as
 * `npm start` and an orchestrator do, and the dev server stopped and started again once mid-run.
 * Then it checks what a Secret Santa must never get wrong, and counts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { allocationKey, runKeys } from '../../storage/run-data';
import { loadAllocation, type StoredAllocation } from '../../activities/store-allocations';
import { type Config, loadConfig } from '../../lib/config';
import { personalLink, secretSantaMessage } from '../../lib/message';
import { createRng, type Rng } from '../../lib/random';
import { connectClient } from '../../lib/temporal-client';
import { peopleCsv } from '../../testkit/people';
import { type FakeProviders, startFakeProviders } from '../../testkit/providers';
import { startRun } from '../../testkit/runs';
import { until } from '../../testkit/until';
import { statusQuery } from '../../workflows';
import type { secretSanta } from '../../workflows/secret-santa';
import type { RunStatus } from '../../workflows/status';
import { DevServer } from '../dev-server';
import { type KeptProcess, killAllNow, quiet, Supervisor } from '../supervisor';
import { type ChannelTally, type Check, check, type CrashMark, type Delivered, duplicatesByCrash, table, tallyChannel } from './report';
import { storedNames } from './stored-keys';

export interface ChaosOptions {
  people: number;
  /** Worker SIGKILLs over the run. */
  kills: number;
  restartServerOnce: boolean;
  seed: number;
  log: (line: string) => void;
  /** Worker processes running at once, each killed in turn (default 2: one can work while the other starts). */
  workers?: number;
  /** The run's MaxConcurrency and batch size (the workflow's defaults otherwise). */
  maxConcurrency?: number;
  batchSize?: number;
  /** Progress lines this often (default 5 s). */
  progressEveryMs?: number;
  /** Gives up on the run after this long (default 20 minutes). */
  timeoutMs?: number;
  /** Every line the workers and server print, prefixed, to `log`. */
  verbose?: boolean;
}

export interface ChaosReport {
  runId: string;
  status: string;
  people: number;
  workerKills: number;
  /** Of which before the first message was sent (in the run's first stages). */
  earlyKills: number;
  serverRestarts: number;
  workerStarts: number;
  email: ChannelTally;
  sms: ChannelTally;
  duplicates: number;
  /** Duplicates blamed on each crash (see duplicatesByCrash). */
  duplicatesByCrash: Record<string, number>;
  /** Lookups the providers answered: each a retried message asking whether it was already accepted. */
  lookups: number;
  /** Draw objects the run wrote (one per draw attempt). */
  drawsStored: number;
  drawUnchanged: boolean;
  seconds: number;
  checks: Check[];
  ok: boolean;
}

const root = join(__dirname, '../..');
const WORKER_RESTART_DELAY_MS = 1000;

/** Each person's email and phone, by name, from a file of made-up people (all distinct, so a message tells whose it is). */
function contactsIn(csv: string): Map<string, { email: string; phone: string }> {
  return new Map(
    csv
      .split('\n')
      .map((line) => line.split(','))
      .map(([name, email, phone]) => [name, { email, phone }]),
  );
}

/** Pacing only (a random moment before each kill), never to wait on a condition: until() does that. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For the waits that run beside the run's own (kill points, the restart point, the status): they end when the
 * run ends (`finished`), and waitForEnd holds the deadline. Theirs would race it and fail with nobody to catch it.
 */
const UNTIL_THE_RUN_ENDS = Number.POSITIVE_INFINITY;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { people, kills, seed, log } = options;
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 20 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'santa-chaos-'));
  const cleanup: Array<() => Promise<unknown> | void> = [];
  const onInterrupt = () => {
    killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const providers = await startFakeProviders();
    cleanup.push(() => providers.close());
    // Every line the workers and the server print goes to the log when verbose, prefixed by who printed it.
    const supervisor = new Supervisor(root, options.verbose ? (name, line) => log(`${name} | ${line}`) : quiet);
    cleanup.push(() => supervisor.stop());
    const server = await DevServer.start({ supervisor, dbFile: join(dir, 'temporal.db') });
    log(`Temporal dev server at ${server.address} (state in ${join(dir, 'temporal.db')})`);

    const env: Record<string, string> = {
      ...providers.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `chaos-${seed}`,
      SANTA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SANTA_DRAW_KEY: randomBytes(32).toString('base64'),
      SANTA_DATA_DIR: join(dir, 'data'),
      SANTA_OUTBOX_DIR: join(dir, 'outbox'),
      API_TOKEN: '',
      LOG_LEVEL: 'WARN',
    };
    // MinIO when the environment names a bucket (as `npm test` does), else the local folder.
    const config = loadConfig({ ...process.env, ...env });
    const { bucket, endpoint, localDir } = config.storage;
    log(`draws stored in ${bucket ? `bucket ${bucket} at ${endpoint}` : localDir}`);

    const workers = startWorkers(supervisor, options.workers ?? 2, env);
    await Promise.all(workers.map((worker) => worker.whenReady(deadline - Date.now())));
    log(`${workers.length} workers polling; starting a run of ${people} people`);

    const client = await connectClient(config);
    cleanup.push(() => client.connection.close());
    const csv = peopleCsv(people);
    const handle = await startRun(client, config, { csv, seed, maxConcurrency: options.maxConcurrency, batchSize: options.batchSize });
    log(`run ${handle.workflowId} started`);

    const chaos = new Chaos(options, config, providers, workers, server, handle, client, deadline);
    const outcome = await chaos.run();
    const report = await checkRun(options, config, providers, contactsIn(csv), handle.workflowId, outcome, chaos, workers);
    report.seconds = Math.round((Date.now() - started) / 1000);
    return report;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Worker processes, each started again WORKER_RESTART_DELAY_MS after it dies, as `npm start` and an orchestrator do. */
function startWorkers(supervisor: Supervisor, count: number, env: NodeJS.ProcessEnv): KeptProcess[] {
  return Array.from({ length: count }, (_, i) =>
    supervisor.start(
      `worker-${i + 1}`,
      { command: join(root, 'node_modules/.bin/tsx'), args: ['worker/main.ts'], env },
      { readyWhen: /polling task queue/, restartDelayMs: WORKER_RESTART_DELAY_MS },
    ),
  );
}

interface Outcome {
  status: string;
  result?: RunStatus;
  /** The stored draw as read right after the store step. */
  firstRead?: StoredAllocation;
  storedKey?: string;
}

/** The run, the kills and the restart, side by side, with progress lines. */
class Chaos {
  workerKills = 0;
  earlyKills = 0;
  serverRestarts = 0;
  readonly crashes: CrashMark[] = [];
  private finished = false;
  private status?: RunStatus;
  private readonly rng: Rng;

  constructor(
    private readonly options: ChaosOptions,
    private readonly config: Config,
    private readonly providers: FakeProviders,
    private readonly workers: KeptProcess[],
    private readonly server: DevServer,
    private readonly handle: WorkflowHandle<typeof secretSanta>,
    private readonly client: Client,
    private readonly deadline: number,
  ) {
    this.rng = createRng(options.seed);
  }

  /** Messages the providers accepted so far, as a share of all the run sends. */
  private progress(): number {
    return (this.providers.mailgun.messages.length + this.providers.twilio.messages.length) / (2 * this.options.people);
  }

  async run(): Promise<Outcome> {
    const plan = this.plan();
    const progress = setInterval(() => this.logProgress(), this.options.progressEveryMs ?? 5000);
    try {
      const watching = this.watchStatus();
      const storedDraw = this.readStoredDraw();
      const killing = this.kill(plan.killAt);
      const restarting = plan.restartAt === undefined ? Promise.resolve() : this.restartServer(plan.restartAt);
      const outcome = await this.waitForEnd();
      this.finished = true;
      await Promise.all([watching, killing, restarting]);
      const { key, allocation } = await storedDraw;
      this.logProgress();
      return { ...outcome, firstRead: allocation, storedKey: key };
    } finally {
      this.finished = true;
      clearInterval(progress);
    }
  }

  /**
   * Kill points as shares of the messages sent (0 = the first kill, in the run's first stages), each
   * drawn from the seed; the restart somewhere in the middle third.
   */
  private plan(): { killAt: number[]; restartAt?: number } {
    const killAt = Array.from({ length: Math.max(0, this.options.kills - 1) }, () => 0.02 + this.rng.next() * 0.88).sort((a, b) => a - b);
    if (this.options.kills > 0) killAt.unshift(0);
    return { killAt, restartAt: this.options.restartServerOnce ? 0.33 + this.rng.next() * 0.34 : undefined };
  }

  private async kill(killAt: number[]): Promise<void> {
    for (const share of killAt) {
      // Each kill hits a worker that is up and polling, a random moment after the point: up to a second, so
      // the kill is not tied to the message whose acceptance crossed the point (that would make it a duplicate).
      await this.reachedOrFinished(
        `kill point ${share.toFixed(2)}`,
        () => this.progress() >= share && this.workers.some((worker) => worker.ready),
      );
      await sleep(this.rng.int(share === 0 ? 500 : 1000)); // pacing: the random moment after the point
      const ready = this.workers.filter((worker) => worker.ready);
      if (this.finished || ready.length === 0) return;
      const victim = ready[this.rng.int(ready.length)];
      // Early: before the providers accepted any message (the status query may lag behind).
      const early = this.progress() === 0;
      await victim.kill('SIGKILL');
      // Marked once it is gone: requests it had already written reach the providers and count as before it.
      this.markCrash(`kill ${this.workerKills + 1}`);
      this.workerKills++;
      if (early) this.earlyKills++;
      const when = early ? 'before any message' : `last seen stage ${this.status?.stage ?? '?'}`;
      this.options.log(
        `kill ${this.workerKills}/${this.options.kills}: SIGKILL ${victim.name} (${when}, ` +
          `${this.sentLine()}); it starts again in ${WORKER_RESTART_DELAY_MS / 1000}s`,
      );
    }
  }

  private async restartServer(share: number): Promise<void> {
    await this.reachedOrFinished(`restart point ${share.toFixed(2)}`, () => this.progress() >= share);
    if (this.finished) return;
    this.options.log(`stopping the Temporal dev server (SIGTERM) at ${this.sentLine()}…`);
    const stopped = Date.now();
    // Completions lost in its graceful stop are blamed on it: marked once it has exited.
    let exited = 0;
    await this.server.restart(() => {
      exited = Date.now();
      this.markCrash('server restart');
    });
    this.serverRestarts++;
    const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);
    this.options.log(
      `Temporal dev server serving again: it took ${((exited - stopped) / 1000).toFixed(1)}s to stop, ${seconds(exited)}s to start`,
    );
  }

  /** Until the run is finished or `reached` holds, checked every 20 ms (in memory: the providers' counts, the workers). */
  private async reachedOrFinished(what: string, reached: () => boolean): Promise<void> {
    await until(what, async () => (this.finished || reached() ? true : undefined), { timeoutMs: UNTIL_THE_RUN_ENDS, everyMs: 20 });
  }

  /** The run's status query, every 250 ms until the run is finished: a query needs a worker, so it fails while none is up. */
  private async watchStatus(): Promise<void> {
    await until(
      'the run to finish (watching its status)',
      async () => {
        if (this.finished) return true;
        this.status = await this.client.connection.withDeadline(Date.now() + 3000, () => this.handle.query(statusQuery));
        return undefined;
      },
      { timeoutMs: UNTIL_THE_RUN_ENDS, everyMs: 250 },
    );
  }

  /** The stored draw, read as soon as the status says it is stored (nothing if the run finishes first). */
  private async readStoredDraw(): Promise<{ key?: string; allocation?: StoredAllocation }> {
    const key = await until('the draw to be stored', async () => this.status?.stored ?? (this.finished ? null : undefined), {
      timeoutMs: UNTIL_THE_RUN_ENDS,
      everyMs: 50,
    });
    if (!key) return {};
    const allocation = await loadAllocation(this.config, key);
    this.options.log(`draw stored (${key}), read back for the end check`);
    return { key, allocation };
  }

  /** The run's end and its result; calls fail while the server is down, and are tried again until the deadline. */
  private async waitForEnd(): Promise<{ status: string; result?: RunStatus }> {
    const { deadline } = this;
    const status = await until(
      'the run to end',
      async () => {
        const { name } = (await this.handle.describe()).status;
        return name === 'RUNNING' ? undefined : name;
      },
      { deadline, everyMs: 500 },
    );
    const result = status === 'COMPLETED' ? await until('the result', () => this.handle.result(), { deadline, everyMs: 500 }) : undefined;
    return { status, result };
  }

  private markCrash(label: string): void {
    this.crashes.push({ label, accepted: { email: this.providers.mailgun.messages.length, sms: this.providers.twilio.messages.length } });
  }

  private sentLine(): string {
    const { mailgun, twilio } = this.providers;
    return `email ${mailgun.messages.length}/${this.options.people}, sms ${twilio.messages.length}/${this.options.people}`;
  }

  private logProgress(): void {
    const up = this.workers.filter((worker) => worker.ready).length;
    const restarts = this.options.restartServerOnce ? `, server restarts ${this.serverRestarts}/1` : '';
    this.options.log(
      `stage ${this.status?.stage ?? '?'}: sent ${this.sentLine()}; kills ` +
        `${this.workerKills}/${this.options.kills}${restarts}; workers up ${up}/${this.workers.length}`,
    );
  }
}

async function checkRun(
  options: ChaosOptions,
  config: Config,
  providers: FakeProviders,
  contacts: Map<string, { email: string; phone: string }>,
  runId: string,
  outcome: Outcome,
  chaos: Chaos,
  workers: KeptProcess[],
): Promise<ChaosReport> {
  const { people } = options;
  const final = await loadAllocation(config, allocationKey(runId)).catch(() => undefined);
  // What each address must get: its giver's message naming the recipient of the stored draw, with their own link.
  const expectedEmail = new Map<string, string>();
  const expectedSms = new Map<string, string>();
  for (const { giver, recipient } of final?.pairs ?? []) {
    const contact = contacts.get(giver);
    if (!contact) continue;
    const link = personalLink(config.publicUrl, runId, final!.links[giver]);
    expectedEmail.set(contact.email, secretSantaMessage(giver, recipient, link));
    expectedSms.set(contact.phone, secretSantaMessage(giver, recipient, link));
  }
  const email = tallyChannel(providers.mailgun.messages, expectedEmail);
  const smsMessages = providers.twilio.messages.map((m): Delivered => ({ to: m.to, text: m.body }));
  const sms = tallyChannel(smsMessages, expectedSms);
  const draws = (await storedNames(config.storage, drawsFolder(runId))).filter((name) => /^\d+\.json$/.test(name));
  const duplicates = email.duplicates + sms.duplicates;
  const drawUnchanged = outcome.firstRead !== undefined && isDeepStrictEqual(outcome.firstRead, final);
  const blamed = duplicatesByCrash(providers.mailgun.messages, smsMessages, chaos.crashes);
  const result = outcome.result;
  const checks = [
    check('the run completed', outcome.status === 'COMPLETED', outcome.status),
    check(
      'the run counts everyone sent, none failed',
      result !== undefined && [result.email, result.sms].every((c) => c.sent === people && c.failed === 0),
      result
        ? `email ${result.email.sent} sent ${result.email.failed} failed, sms ${result.sms.sent} sent ${result.sms.failed} failed`
        : 'no result',
    ),
    check('everyone emailed at least once', email.reached === people, `${email.reached} of ${people}`),
    check('everyone texted at least once', sms.reached === people, `${sms.reached} of ${people}`),
    check(
      "every message names the stored draw's recipient",
      final !== undefined && email.wrong + sms.wrong === 0,
      `${email.wrong + sms.wrong} wrong`,
    ),
    check(
      'one draw stored',
      final !== undefined && draws.length === 1,
      `${draws.length} draw object(s), allocation ${final ? 'stored' : 'missing'}`,
    ),
    check(
      'the stored draw never changed',
      drawUnchanged,
      outcome.firstRead ? (drawUnchanged ? 'same after the store step and at the end' : 'changed') : 'not seen before the end',
    ),
    // The issue's bound. A message whose completion was lost (with a killed worker or the restarted server) is
    // retried, and a retry asks the provider first: it is not sent again if the provider took it.
    check(
      'duplicates at most the number of worker kills',
      duplicates <= chaos.workerKills,
      `${duplicates} duplicates, ${chaos.workerKills} worker kills${duplicates > 0 ? ` (${describeBlame(blamed)})` : ''}`,
    ),
    check(
      'the faults happened as planned',
      chaos.workerKills === options.kills && chaos.serverRestarts === (options.restartServerOnce ? 1 : 0),
      `${chaos.workerKills}/${options.kills} kills, ${chaos.serverRestarts} server restart(s)`,
    ),
  ];
  return {
    runId,
    status: outcome.status,
    people,
    workerKills: chaos.workerKills,
    earlyKills: chaos.earlyKills,
    serverRestarts: chaos.serverRestarts,
    workerStarts: workers.reduce((sum, worker) => sum + worker.starts, 0),
    email,
    sms,
    duplicates,
    duplicatesByCrash: Object.fromEntries(blamed),
    lookups: providers.mailgun.lookups + providers.twilio.lookups,
    drawsStored: draws.length,
    drawUnchanged,
    seconds: 0,
    checks,
    ok: checks.every((c) => c.ok),
  };
}

/** `runs/<id>/draws/`: where the run keeps each draw it makes, one object per attempt. */
const drawsFolder = (runId: string) => runKeys.draw(runId, 0).replace(/0\.json$/, '');

/** `kill 3: 1, server restart: 1`: the crashes that made duplicates. */
function describeBlame(blamed: ReadonlyMap<string, number>): string {
  return [...blamed]
    .filter(([, n]) => n > 0)
    .map(([crash, n]) => `${crash}: ${n}`)
    .join(', ');
}

/** The counts and checks as a small table. */
export function formatChaosReport(report: ChaosReport): string {
  const channel = (t: ChannelTally) => `${t.messages} messages, ${t.reached} people reached, ${t.duplicates} duplicates`;
  const counts = table([
    ['run', `${report.runId}: ${report.status} in ${report.seconds}s`],
    ['people', String(report.people)],
    ['worker kills (SIGKILL)', `${report.workerKills} (${report.earlyKills} before the first message)`],
    ['worker starts', String(report.workerStarts)],
    ['server restarts', String(report.serverRestarts)],
    ['email', channel(report.email)],
    ['sms', channel(report.sms)],
    ['duplicates', `${report.duplicates} (at most ${report.workerKills}: one a worker kill)`],
    ['  by crash', describeBlame(new Map(Object.entries(report.duplicatesByCrash))) || '-'],
    ['retries asking first', `${report.lookups} provider lookups`],
    ['draws stored', String(report.drawsStored)],
    ['draw unchanged', report.drawUnchanged ? 'yes' : 'no'],
  ]);
  const checks = table(report.checks.map((c): [string, string, string] => [c.ok ? 'ok' : 'FAIL', c.name, c.detail]));
  return `${counts}\n\n${checks}`;
}
