import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { executionOutcome } from '../api/state-machine-runs';
import { checkDefinition } from '../lib/asl/checker';
import type { Definition } from '../lib/asl/interpreter';
import { loadConfig } from '../lib/config';
import { connectClient } from '../lib/temporal-client';
import { stateMachine } from '../workflows';
import { type Command, parseCommandArgs, print, printError, UsageError } from './command';

const USAGE = 'santa asl run DEF.json [--input JSON | --input @FILE]';

/**
 * `santa asl run DEF.json`: runs a States Language definition on the running stack (TEMPORAL_ADDRESS...) and
 * prints one line, {"status":"SUCCEEDED","output":...} or {"status":"FAILED","error":...,"cause":...}.
 * Exit 0 when it succeeded, 1 when it failed, 2 for an invalid definition or input.
 */
export const aslCommand: Command = {
  name: 'asl',
  usage: USAGE,
  summary: 'run a States Language (Step Functions) definition on the running stack',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === '--help' || sub === '-h') {
      print(`usage: ${USAGE}`);
      return 0;
    }
    if (sub !== 'run') throw new UsageError(sub === undefined ? 'a subcommand is needed: run' : `unknown subcommand "${sub}"`);
    const { values, positionals } = parseCommandArgs(rest, { input: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      print(`usage: ${USAGE}`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'DEF.json is missing' : 'only one DEF.json, please');
    const [file] = positionals;

    const definition = readJson(file, 'the definition');
    if (!definition.ok) return fail(definition.message);
    const problems = checkDefinition(definition.value);
    if (problems.length > 0) {
      printError([`santa asl: ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'));
      return 2;
    }
    const input = values.input === undefined ? { ok: true as const, value: {} } : values.input.startsWith('@') ? readJson(values.input.slice(1), 'the input') : parseJson(values.input, '--input');
    if (!input.ok) return fail(input.message);

    const config = loadConfig();
    const client = await connectClient(config);
    try {
      const name = machineName(file);
      const handle = await client.workflow.start(stateMachine, {
        workflowId: `${name}-${randomUUID()}`,
        taskQueue: config.temporal.taskQueue,
        args: [{ definition: definition.value as Definition, input: input.value, name }],
      });
      const outcome = await executionOutcome(handle.result());
      print(JSON.stringify(outcome));
      return outcome.status === 'SUCCEEDED' ? 0 : 1;
    } finally {
      await client.connection.close();
    }
  },
};

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parseJson(text: string, what: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `${what} is not JSON: ${(error as Error).message}` };
  }
}

function readJson(file: string, what: string): Parsed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, message: `cannot read ${what} ${file}: ${(error as Error).message}` };
  }
  return parseJson(text, `${what} ${file}`);
}

function fail(message: string): number {
  printError(`santa asl: ${message}`);
  return 2;
}

/** The file's name, as a state machine name: `examples/dice.asl.json` → `dice`. */
function machineName(file: string): string {
  let name = basename(file);
  while (extname(name)) name = name.slice(0, -extname(name).length);
  return name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80) || 'inline';
}
