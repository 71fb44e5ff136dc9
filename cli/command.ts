import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `santa` subcommand. Each lives in its own file and is listed in cli/main.ts. */
export interface Command {
  name: string;
  /** One line for the overall usage. */
  usage: string;
  summary: string;
  /** Resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Bad command line: main prints it with the usage and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs, strict, with its errors turned into UsageError. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
