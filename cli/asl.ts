import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { checkDefinition } from 'states-language-temporal';
import { type Answer, type ApiClient, apiFromEnv, unusable } from './api-client';
import { type Command, parseCommandArgs, print, printError, UsageError } from './command';

const USAGE = 'santa asl run DEF.json [--input JSON | --input @FILE]';
const POLL_MS = 250;
/** Brief outages (the API or Temporal restarting) are waited out, up to this long in a row. */
const OUTAGE_MS = 60_000;

/**
 * `santa asl run DEF.json`: runs a States Language definition on the running stack through its API (SANTA_API_URL,
 * API_TOKEN) and prints one line, {"status":"SUCCEEDED","output":...} or {"status":"FAILED","error":...,"cause":...}.
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
      printError(
        [
          `santa asl: ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`,
          ...problems.map((p) => `  ${p.path}: ${p.message}`),
        ].join('\n'),
      );
      return 2;
    }
    const input =
      values.input === undefined
        ? { ok: true as const, value: {} }
        : values.input.startsWith('@')
          ? readJson(values.input.slice(1), 'the input')
          : parseJson(values.input, '--input');
    if (!input.ok) return fail(input.message);

    // Through the API, as `santa run` does: it stores the definition under the file's name (checking that its Tasks
    // bind only to activities registered for state machines), starts it, and answers with its outcome decoded.
    const api = apiFromEnv();
    const name = machineName(file);
    const stored = await api.request('PUT', `/state-machines/${name}`, {
      type: 'application/json',
      text: JSON.stringify(definition.value),
    });
    if (stored.status === 400) {
      const { message, details = [] } = stored.body as { message: string; details?: { path: string; message: string }[] };
      printError(
        [
          `santa asl: ${file}: ${details.length > 0 ? `${details.length} problem${details.length === 1 ? '' : 's'}:` : message}`,
          ...details.map((p) => `  ${p.path}: ${p.message}`),
        ].join('\n'),
      );
      return 2;
    }
    if (stored.status !== 200) return apiFailure(api, stored);
    const started = await api.request('POST', `/state-machines/${name}/executions`, {
      type: 'application/json',
      text: JSON.stringify(input.value),
    });
    if (started.status !== 202) return apiFailure(api, started);
    const { links } = started.body as { links: { self: string } };
    const outcome = await follow(api, links.self);
    if (typeof outcome === 'string') {
      printError(`santa asl: ${outcome}`);
      return 1;
    }
    print(JSON.stringify(outcome));
    return outcome.status === 'SUCCEEDED' ? 0 : 1;
  },
};

interface ExecutionView {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** Polls the execution until it ends; its outcome as `santa asl run` prints it, or why following it stopped. */
async function follow(api: ApiClient, self: string): Promise<Record<string, unknown> | string> {
  let failingSince: number | undefined;
  for (;;) {
    const answer = await api.request('GET', self);
    if (answer.status === 200) {
      failingSince = undefined;
      const { status, output, error, cause } = answer.body as ExecutionView;
      if (status === 'SUCCEEDED') return { status, output: output ?? null };
      if (status !== 'RUNNING') {
        // Timed out and aborted executions end as failures, named as Step Functions names them.
        const named = status === 'FAILED' ? error : status === 'TIMED_OUT' ? 'States.Timeout' : 'States.Aborted';
        return { status: 'FAILED', ...(named !== undefined ? { error: named } : {}), ...(cause !== undefined ? { cause } : {}) };
      }
    } else {
      failingSince ??= Date.now();
      const problem = unusable(api, answer) ?? `the API answered ${answer.status}: ${JSON.stringify(answer.body)}`;
      if (answer.status === 401 || Date.now() - failingSince > OUTAGE_MS) return `stopped following ${self}: ${problem}`;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** One plain line for an API that could not be used or answered unexpectedly. */
function apiFailure(api: ApiClient, answer: Answer): number {
  const body = answer.body as { message?: string } | undefined;
  printError(`santa asl: ${unusable(api, answer) ?? `the API answered ${answer.status}${body?.message ? `: ${body.message}` : ''}`}`);
  return 1;
}

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
