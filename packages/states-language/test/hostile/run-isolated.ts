/**
 * Runs every hostile case in a child process of its own, with a time limit and a heap cap, and prints what
 * happened to each: how the defences were shown to be needed (a case that hangs or exhausts memory would take
 * a test runner down with it). `tsx test/asl/hostile/run-isolated.ts [--timeout 20] [--heap 1024] [name filter]`
 */
import { spawnSync } from 'node:child_process';
import { HOSTILE_CASES } from './corpus';
import { runCase } from './run-case';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};

async function child(index: number): Promise<void> {
  const c = HOSTILE_CASES[index];
  const started = process.hrtime.bigint();
  let result: unknown;
  try {
    result = await runCase(c);
  } catch (error) {
    result = { threw: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 200) };
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const shown = JSON.stringify(result, (_k, v) => (typeof v === 'string' && v.length > 160 ? `${v.slice(0, 160)}…(${v.length} chars)` : v));
  process.stdout.write(`${ms.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB: ${shown.slice(0, 400)}\n`);
}

if (process.env.HOSTILE_CASE !== undefined) {
  void child(Number(process.env.HOSTILE_CASE)).then(() => process.exit(0));
} else {
  const timeout = option('timeout', 20);
  const heap = option('heap', 1024);
  const filter = args[0] ?? '';
  HOSTILE_CASES.forEach((c, i) => {
    if (!c.name.includes(filter)) return;
    const started = Date.now();
    const run = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${heap}`, __filename], {
      env: { ...process.env, HOSTILE_CASE: String(i) },
      timeout: timeout * 1000,
      encoding: 'utf8',
    });
    const what = run.error?.message.includes('ETIMEDOUT')
      ? `TIMED OUT after ${timeout} s`
      : run.status === 0
        ? run.stdout.trim()
        : `CRASHED (status ${run.status}, signal ${run.signal}) after ${Date.now() - started} ms: ${run.stderr
            .split('\n')
            .filter((l) => /Error|heap|memory/i.test(l))
            .slice(0, 2)
            .join(' | ')
            .slice(0, 300)}`;
    console.log(`${c.name}\n  expected ${JSON.stringify(c.expect).slice(0, 120)}\n  got      ${what}`);
  });
}
