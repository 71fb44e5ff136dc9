/**
 * Runs a set of long-lived processes in the foreground, as an orchestrator would: output prefixed by name,
 * a process that dies is started again (like compose's `restart: unless-stopped`), and stop() ends them
 * in the reverse order of their start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const RESTART_DELAY_MS = 1000;
const STOP_GRACE_MS = 10_000;

function prefixed(name: string, write: (text: string) => void) {
  return (chunk: Buffer) =>
    write(
      chunk
        .toString()
        .split('\n')
        .map((line) => (line ? `${name.padEnd(9)}| ${line}\n` : ''))
        .join(''),
    );
}

export class Supervisor {
  private readonly running = new Map<string, ChildProcess>();
  private readonly order: string[] = [];
  private stopping = false;

  constructor(private readonly cwd: string) {}

  /** Starts `name` and keeps it running until stop(). */
  start(name: string, spec: ProcessSpec): void {
    if (this.stopping) return;
    const child = spawn(spec.command, spec.args, {
      cwd: this.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on(
      'data',
      prefixed(name, (text) => process.stdout.write(text)),
    );
    child.stderr?.on(
      'data',
      prefixed(name, (text) => process.stderr.write(text)),
    );
    child.on('error', (error) => console.error(`${name.padEnd(9)}| cannot start ${spec.command}: ${error.message}`));
    this.running.set(name, child);
    if (!this.order.includes(name)) this.order.push(name);
    console.log(`${name.padEnd(9)}| started (pid ${child.pid})`);
    child.on('exit', (code, signal) => {
      if (this.running.get(name) === child) this.running.delete(name);
      if (this.stopping) return;
      console.error(`${name.padEnd(9)}| exited (${signal ?? `code ${code}`}); starting it again in ${RESTART_DELAY_MS / 1000}s`);
      setTimeout(() => this.start(name, spec), RESTART_DELAY_MS);
    });
  }

  /** A one-off step (a schema migration): its output is shown only if it fails. */
  async once(name: string, spec: ProcessSpec): Promise<void> {
    const child = spawn(spec.command, spec.args, {
      cwd: this.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) {
      prefixed(name, (text) => process.stderr.write(text))(Buffer.from(output));
      throw new Error(`${name} failed (exit code ${code})`);
    }
  }

  /** Stops everything, then exits with `code`; once only, however often it is asked. */
  exit(code: number): void {
    if (this.exiting) return;
    this.exiting = true;
    void this.stop().then(() => process.exit(code));
  }

  /** Ctrl-C (SIGINT) and SIGTERM stop everything started here. */
  exitOnSignals(): void {
    process.on('SIGINT', () => this.exit(0));
    process.on('SIGTERM', () => this.exit(0));
  }

  private exiting = false;

  /** Stops everything, newest first, each given STOP_GRACE_MS to finish before it is killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const name of [...this.order].reverse()) {
      const child = this.running.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Polls until `check` holds (errors count as not yet), or fails after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `process.env[name]`, or else a secret made once by `make` and kept in `dataDir/file`, readable by its owner only. */
function keptSecret(name: string, dataDir: string, file: string, make: () => string, what: string): string {
  const given = process.env[name];
  if (given) return given;
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, make(), { mode: 0o600 });
    console.log(`made ${what}: ${path} (set ${name} to use your own)`);
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * SANTA_ENCRYPTION_KEY, or else a key made once and kept in `dataDir`: payloads are sealed from the first run,
 * and `npm start` and `npm run selfhost` share the file, so either can read the other's runs.
 */
export function encryptionKey(dataDir: string): string {
  return keptSecret(
    'SANTA_ENCRYPTION_KEY',
    dataDir,
    'encryption-key',
    () => randomBytes(32).toString('base64'),
    'an encryption key for payloads',
  );
}

/**
 * CODEC_TOKEN, or else one made once and kept in `dataDir`: the operator's token for the API's /codec, which the
 * Web UI is given in its codec endpoint (`…/codec/t/<token>`). URL-safe, as it goes in that path.
 */
export function codecToken(dataDir: string): string {
  return keptSecret('CODEC_TOKEN', dataDir, 'codec-token', () => randomBytes(32).toString('base64url'), "the operator's token for /codec");
}

/**
 * SANTA_DRAW_KEY, or else a key made once and kept in `dataDir`: the worker seals draws under it. Only the worker's
 * environment gets it; the API never holds it.
 */
export function drawKey(dataDir: string): string {
  return keptSecret('SANTA_DRAW_KEY', dataDir, 'draw-key', () => randomBytes(32).toString('base64'), 'a draw key for the worker');
}
