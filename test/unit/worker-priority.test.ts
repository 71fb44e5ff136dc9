/** The States Language worker's process yields the CPU to the pipeline's (worker/priority.ts), in a child process. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** The niceness a fresh process has after yieldCpuToThePipeline with this environment, or its error. */
function nicenessAfter(env: Record<string, string>): string {
  const script = "const os = require('node:os'); require('./worker/priority').yieldCpuToThePipeline(); console.log(os.getPriority());";
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return child.status === 0 ? child.stdout.trim() : child.stderr;
}

it('runs the States Language worker at nice 10 by default, or as SANTA_ASL_NICE says', () => {
  const base = spawnSync(process.execPath, ['-e', "console.log(require('node:os').getPriority())"], { encoding: 'utf8' }).stdout.trim();
  expect(base).toBe('0');
  expect(nicenessAfter({})).toBe('10');
  expect(nicenessAfter({ SANTA_ASL_NICE: '15' })).toBe('15');
  expect(nicenessAfter({ SANTA_ASL_NICE: '0' })).toBe('0');
  expect(nicenessAfter({ SANTA_ASL_NICE: 'high' })).toContain('SANTA_ASL_NICE must be a whole number from 0 to 19, not "high"');
});
