/**
 * The fake Mailgun and Twilio in a process of their own, as real providers are elsewhere: their work does not
 * land on the worker's event loop. Prints the contract's environment (JSON, one line) once listening; stops
 * when its standard input closes (its parent went away) or on SIGTERM.
 */
import { startFakeProviders } from '../testkit/providers';

async function main(): Promise<void> {
  const providers = await startFakeProviders();
  process.stdout.write(`${JSON.stringify(providers.env)}\n`);
  const stop = () => void providers.close().finally(() => process.exit(0));
  process.stdin.on('close', stop).resume();
  process.once('SIGTERM', stop);
}

void main();
