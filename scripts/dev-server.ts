/**
 * The one starter of the project's Temporal dev servers (`temporal server start-dev`): npm start, the test suite,
 * the bench, chaos and the history recorders all start theirs here, with the project's settings, and it is kept
 * running by the one supervisor.
 */
import { resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { until } from '../testkit/until';
import { freeTemporalPort } from './selfhost/ports';
import { type KeptProcess, quiet, Supervisor } from './supervisor';

/** Dynamic config of every dev server of the project, as `--dynamic-config-value KEY=JSON`. */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  // Activities scheduled by a workflow task go straight back to the worker that completed it, skipping a round
  // trip through the task queue (off by default in the server).
  'system.enableActivityEagerExecution': true,
};

export interface DevServerOptions {
  /** The Temporal CLI; TEMPORAL_CLI, else `temporal` on the PATH. */
  cli?: string;
  /** host:port of its frontend (gRPC); a free port on 127.0.0.1 when not given. */
  address?: string;
  /** Its Web UI's port, and the codec endpoint the UI's browser calls; no UI (headless) when not given. */
  ui?: { port: number; codecEndpoint?: string };
  /** A SQLite file for its state, which then outlives the process (a restart goes on where it left off); in memory otherwise. */
  dbFile?: string;
  /** Namespaces made at start, besides `default`. */
  namespaces?: string[];
  /** The supervisor that keeps it running (npm start's, to stop it last); a quiet one of its own otherwise. */
  supervisor?: Supervisor;
  /** How long it may take to answer once started. */
  readyTimeoutMs?: number;
}

const root = resolve(__dirname, '..');

/** A dev server started here: its address, its UI's, and a way to restart and stop it. */
export class DevServer {
  private constructor(
    /** host:port of its frontend, as clients and workers are given it. */
    readonly address: string,
    /** Its Web UI, when it has one. */
    readonly uiUrl: string | undefined,
    private readonly process: KeptProcess,
    private readonly readyTimeoutMs: number,
  ) {}

  /** Starts one and waits until it answers. */
  static async start(options: DevServerOptions = {}): Promise<DevServer> {
    const [host, port] = options.address ? splitAddress(options.address) : ['127.0.0.1', await freeTemporalPort()];
    // `localhost` may resolve to ::1 first, where the server would not listen.
    const ip = host === 'localhost' ? '127.0.0.1' : host;
    const args = [
      'server',
      'start-dev',
      '--ip',
      ip,
      '--port',
      String(port),
      ...(options.ui
        ? ['--ui-port', String(options.ui.port), ...(options.ui.codecEndpoint ? ['--ui-codec-endpoint', options.ui.codecEndpoint] : [])]
        : ['--headless']),
      ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
      ...(options.namespaces ?? []).filter((namespace) => namespace !== 'default').flatMap((namespace) => ['--namespace', namespace]),
      '--log-level',
      'error',
      ...Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
    ];
    const supervisor = options.supervisor ?? new Supervisor(root, quiet);
    const kept = supervisor.start('temporal', { command: options.cli ?? process.env.TEMPORAL_CLI ?? 'temporal', args });
    const server = new DevServer(
      `${host}:${port}`,
      options.ui ? `http://${ip}:${options.ui.port}` : undefined,
      kept,
      options.readyTimeoutMs ?? 60_000,
    );
    try {
      await server.waitUntilServing();
    } catch (error) {
      await kept.stop();
      throw error;
    }
    return server;
  }

  /** SIGTERM, wait until it has exited (then `onStopped`), start it again and wait until it answers. */
  async restart(onStopped?: () => void): Promise<void> {
    await this.process.restart('SIGTERM', onStopped);
    await this.waitUntilServing();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private async waitUntilServing(): Promise<void> {
    try {
      await until(`the Temporal dev server at ${this.address}`, () => this.answers(), this.readyTimeoutMs, 250);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : error}; its last lines:\n${this.process.tail.join('\n')}`);
    }
  }

  private async answers(): Promise<true> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return at < 0 ? [address, 7233] : [address.slice(0, at), Number(address.slice(at + 1))];
}
