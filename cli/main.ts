import { allocateCommand } from './allocate';
import { aslCommand } from './asl';
import { type Command, printError, print, UsageError } from './command';
import { runCommand } from './run';

/** Add a subcommand by writing cli/<name>.ts exporting a Command and listing it here. */
const COMMANDS: Command[] = [allocateCommand, runCommand, aslCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return ['usage:', ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)].join('\n');
}

/** Runs `santa ARGS…` and resolves to the exit code: 0 done, 2 bad input or usage, 1 unexpected failure. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    print(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    printError(`${name === undefined ? 'santa: a command is needed' : `santa: unknown command "${name}"`}\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`santa ${command.name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    // One plain line: the person running the command needs what went wrong, not where in our code.
    printError(`santa ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
