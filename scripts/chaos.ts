/**
 * `npm run chaos`: a 2,000-person run while its workers are SIGKILLed at random moments and the Temporal
 * dev server is restarted once; prints the counts and exits 1 if a check fails.
 * Options: --people N, --kills N, --seed N, --no-restart, --verbose (the workers' own output).
 */
import { parseArgs } from 'node:util';
import { randomSeed } from '../lib/random';
import { formatChaosReport, runChaos } from './chaos/run-chaos';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '2000' },
      kills: { type: 'string', default: '10' },
      seed: { type: 'string' },
      'no-restart': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
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
