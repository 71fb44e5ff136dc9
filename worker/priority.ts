import { setPriority } from 'node:os';

/**
 * The States Language worker runs definitions anyone holding the API token can write: its process yields the CPU to
 * the pipeline's (nice 10, as compose's cpu_shares does for its container), so a runaway definition slows state
 * machines, not the draws, on a machine they share. SANTA_ASL_NICE sets another niceness (0 to keep the default).
 */
export function yieldCpuToThePipeline(env: NodeJS.ProcessEnv = process.env): number {
  const niceness = Number(env.SANTA_ASL_NICE ?? 10);
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19) {
    throw new Error(`SANTA_ASL_NICE must be a whole number from 0 to 19, not ${JSON.stringify(env.SANTA_ASL_NICE)}`);
  }
  // Raising one's own niceness needs no privilege.
  if (niceness > 0) setPriority(0, niceness);
  return niceness;
}
