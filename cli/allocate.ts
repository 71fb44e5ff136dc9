import { readFileSync } from 'node:fs';
import { allocate } from '../lib/allocation/allocate';
import { InvalidPreviousDrawError, previousPairs } from '../lib/allocation/previous';
import { NoValidAllocationError } from '../lib/errors';
import { checkParticipants } from '../lib/participants/validate';
import { isSeed, randomSeed } from '../lib/random';
import type { AllocationOptions } from '../lib/types';
import { type Command, parseCommandArgs, print, printError, UsageError } from './command';

const USAGE = 'santa allocate FILE.csv [--seed N] [--json] [--single-cycle] [--avoid PREVIOUS.json]';

/**
 * `santa allocate FILE.csv [--seed N] [--json] [--single-cycle] [--avoid PREVIOUS.json]`: the draw
 * alone, no server. --single-cycle makes one loop through everyone; --avoid takes an earlier draw
 * (a stored one, or this command's --json output) whose pairs must not come again.
 */
export const allocateCommand: Command = {
  name: 'allocate',
  usage: USAGE,
  summary: 'draw who gives to whom, without any server (FILE - reads stdin)',
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      seed: { type: 'string' },
      json: { type: 'boolean' },
      'single-cycle': { type: 'boolean' },
      avoid: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      print(`usage: ${USAGE}`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'FILE.csv is missing' : 'only one FILE.csv, please');
    const seed = values.seed === undefined ? randomSeed() : parseSeed(values.seed);
    const [file] = positionals;

    const bytes = readBytes(file); // as bytes: decoding is checked with the file, by line
    if (bytes === undefined) return 2;
    const options: AllocationOptions = { singleCycle: values['single-cycle'] ?? false };
    if (values.avoid !== undefined) {
      const previous = readBytes(values.avoid);
      if (previous === undefined) return 2;
      try {
        options.avoid = previousPairs(previous.toString('utf8'));
      } catch (error) {
        if (!(error instanceof InvalidPreviousDrawError)) throw error;
        printError(`santa allocate: cannot use ${values.avoid} as the draw to avoid: ${error.message}`);
        return 2;
      }
    }
    const { participants, problems } = checkParticipants(bytes);
    if (problems.length > 0) {
      const heading = `santa allocate: ${file === '-' ? 'stdin' : file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`;
      printError([heading, ...problems.map((p) => `  line ${p.line}, ${p.field}: ${p.message}`)].join('\n'));
      return 2;
    }
    try {
      const { pairs } = allocate(participants, seed, options);
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

/** The file's bytes, or undefined after saying why it cannot be read. `-` is stdin. */
function readBytes(file: string): Buffer | undefined {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    printError(`santa allocate: cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

function parseSeed(text: string): number {
  const seed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!isSeed(seed)) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${text}"`);
  return seed;
}
