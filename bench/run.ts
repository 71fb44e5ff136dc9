/**
 * `npm run bench [-- SUITE…]`: runs every suite listed here, or the ones named, each writing
 * bench/results/<suite>.json and its own section of bench/RESULTS.md.
 * Add a suite by writing bench/<name>.ts exporting a Suite and listing it below.
 */
import { progressFor, type Suite, writeSuiteResult } from './report';

/** Loaded only when run, so one suite's set-up never slows another. */
const SUITES: Record<string, () => Promise<Suite>> = {
  allocation: async () => (await import('./allocation')).suite,
  asl: async () => (await import('./asl')).suite,
  scale: async () => (await import('./scale')).suite,
};

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}\n`);
    return 2;
  }
  const chosen = names.length > 0 ? names : Object.keys(SUITES);
  for (const [i, name] of chosen.entries()) {
    const progress = progressFor(name);
    progress(`suite ${i + 1} of ${chosen.length}`);
    const suite = await SUITES[name]();
    const result = await suite.run(progress);
    if (result.partial) {
      progress('a partial run: nothing written');
      continue;
    }
    writeSuiteResult(name, result);
    progress(`written to bench/results/${name}.json and bench/RESULTS.md`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
