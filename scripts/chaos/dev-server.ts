import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freeTemporalPort } from '../selfhost/ports';
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
    const args = ['server', 'start-dev', '--headless', '--db-filename', join(dir, 'temporal.db'), '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
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

  private async waitUntilServing(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        if (!this.process.running) throw new Error(`the Temporal dev server exited:\n${this.process.tail.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer at ${this.address} within ${timeoutMs / 1000}s: ${error}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
