/**
 * CPU time of other processes and of the whole machine, from Linux's /proc: where a bench's work is spent when the
 * machine, not one process, is the bound. Undefined where /proc cannot tell (another OS, a process gone).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks a second for /proc times (USER_HZ, 100 on every common build). */
const TICKS = 100;

/** CPU seconds (user + system) the process has used so far. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** The Temporal dev server listening on `address` (host:port): its process id, found by its command line. */
export function devServerPid(address: string): number | undefined {
  const port = address.split(':').pop();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('--port');
    if (args.includes('start-dev') && at >= 0 && args[at + 1] === port) return Number(entry);
  }
  return undefined;
}

/** The machine's busy and total CPU seconds so far, every core (the first line of /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / TICKS, total: (busy + idle + iowait) / TICKS };
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
