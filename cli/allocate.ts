import { readFileSync } from 'node:fs';
import { allocate } from '../lib/allocation/allocate';
import { NoValidAllocationError } from '../lib/errors';
import { checkParticipants } from '../lib/participants/validate';
import { isSeed, randomSeed } from '../lib/random';
import { type Command, parseCommandArgs, print, printError, UsageError } from './command';

const USAGE = 'santa allocate FILE.csv [--seed N] [--json]';

/** `santa allocate FILE.csv [--seed N] [--json]`: the draw alone, no server. */
export const allocateCommand: Command = {
  name: 'allocate',
  usage: USAGE,
  summary: 'draw who gives to whom, without any server (FILE - reads stdin)',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      seed: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      print(`usage: ${USAGE}`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'FILE.csv is missing' : 'only one FILE.csv, please');
    const seed = values.seed === undefined ? randomSeed() : parseSeed(values.seed);
    const [file] = positionals;

    let bytes: Buffer; // as bytes: decoding is checked with the file, by line
    try {
      bytes = readFileSync(file === '-' ? 0 : file);
    } catch (error) {
      printError(`santa allocate: cannot read ${file}: ${(error as Error).message}`);
      return 2;
    }
    const { participants, problems } = checkParticipants(bytes);
    if (problems.length > 0) {
      const heading = `santa allocate: ${file === '-' ? 'stdin' : file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`;
      printError([heading, ...problems.map((p) => `  line ${p.line}, ${p.field}: ${p.message}`)].join('\n'));
      return 2;
    }
    try {
      const { pairs } = allocate(participants, seed);
      if (values.json) print(JSON.stringify({ seed, pairs }));
      else print([...pairs.map((p) => `${p.giver} → ${p.recipient}`), `seed: ${seed}`].join('\n'));
      return 0;
    } catch (error) {
      if (!(error instanceof NoValidAllocationError)) throw error;
      printError(`santa allocate: ${error.message}`);
      return 2;
    }
  },
};

function parseSeed(text: string): number {
  const seed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!isSeed(seed)) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${text}"`);
  return seed;
}
