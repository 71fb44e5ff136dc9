/**
 * `npm run chaos`: a 2,000-person run while its workers are SIGKILLed at random moments and the Temporal
 * dev server is restarted once; prints the counts and exits 1 if a check fails. Options: see USAGE (`--help`).
 */
import { parseArgs } from 'node:util';
import { randomSeed } from '../lib/random';
import { formatChaosReport, runChaos } from './chaos/run-chaos';

const USAGE = `Usage: npm run chaos -- [options]

A whole Secret Santa run while its worker processes are SIGKILLed at random (seeded) moments and the Temporal
dev server is restarted once; prints the counts and checks, and exits 1 if a check fails.

Options:
  --people N     people in the run (default 2000)
  --kills N      worker SIGKILLs over the run (default 10)
  --seed N       the seed of the draw and of the kill moments (default: a random one, printed)
  --no-restart   leave the Temporal dev server running (no restart mid-run)
  --verbose      print every line the workers and the server print
  -h, --help     print this and exit

Smallest run: npm run chaos -- --people 10 --kills 1 --no-restart`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      people: { type: 'string', default: '2000' },
      kills: { type: 'string', default: '10' },
      seed: { type: 'string' },
      'no-restart': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = values.seed === undefined ? randomSeed() : Number(values.seed);
  const people = Number(values.people);
  const kills = Number(values.kills);
  console.log(`chaos: ${people} people, ${kills} worker kills, ${values['no-restart'] ? 'no' : 'one'} server restart, seed ${seed}`);
  const started = Date.now();
  const report = await runChaos({
    people,
    kills,
    restartServerOnce: !values['no-restart'],
    seed,
    verbose: values.verbose,
    log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}`),
  });
  console.log(`\n${formatChaosReport(report)}\n`);
  console.log(
    report.ok ? 'chaos: every check passed' : `chaos: ${report.checks.filter((c) => !c.ok).length} check(s) failed (seed ${seed})`,
  );
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error) => {
  console.error('chaos:', error instanceof Error ? error.message : error);
  process.exit(1);
});
