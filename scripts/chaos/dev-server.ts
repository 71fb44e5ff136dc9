import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { DEV_SERVER_ARGS } from '../../lib/dev-server';
import { freeTemporalPort } from '../selfhost/ports';
import { waitUntil } from '../supervisor';
import { KeptProcess } from './processes';

/**
 * A Temporal dev server of the chaos run's own, its state in a SQLite file: stopped and started again on
 * the same port and file, it goes on with every run where it left off.
 */
export class DevServer {
  private constructor(
    readonly address: string,
    private readonly process: KeptProcess,
  ) {}

  static async start(cli: string, dir: string, cwd: string): Promise<DevServer> {
    const port = await freeTemporalPort();
    const args = [
      'server',
      'start-dev',
      '--headless',
      '--db-filename',
      join(dir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'error',
      ...DEV_SERVER_ARGS,
    ];
    const server = new DevServer(`127.0.0.1:${port}`, new KeptProcess('temporal', { command: cli, args, env: process.env, cwd }));
    server.process.start();
    await server.waitUntilServing();
    return server;
  }

  /** SIGTERM, wait for it to exit (then `onStopped`), start it again and wait until it answers. */
  async restart(onStopped?: () => void): Promise<void> {
    await this.process.kill('SIGTERM');
    onStopped?.();
    this.process.start();
    await this.waitUntilServing();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private async waitUntilServing(): Promise<void> {
    try {
      await waitUntil(`the Temporal dev server at ${this.address}`, () => this.answers(), 60_000);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : error}; its last lines:\n${this.process.tail.join('\n')}`);
    }
  }

  private async answers(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }
}
