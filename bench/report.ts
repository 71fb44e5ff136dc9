/**
 * What every benchmark suite shares: the suite shape, timing, progress lines, and writing results
 * (bench/results/<suite>.json and the suite's own section of bench/RESULTS.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const BENCH_DIR = __dirname;
const RESULTS_MD = join(BENCH_DIR, 'RESULTS.md');

/** One benchmark suite, listed in bench/run.ts. */
export interface Suite {
  name: string;
  /** Runs the suite; `progress` shows what it is doing. */
  run(progress: Progress): Promise<SuiteResult>;
}

export interface SuiteResult {
  /** The suite's section of bench/RESULTS.md, without its markers or machine line. */
  markdown: string;
  /** Everything measured, for bench/results/<suite>.json. */
  data: unknown;
  /** Only some of the suite ran (a quick try): nothing is written. */
  partial?: boolean;
  /** Each part of the markdown says where and when it ran (parts run separately): no machine line above them all. */
  stampedParts?: boolean;
}

export type Progress = (message: string) => void;

/** Progress lines on stderr, with the time since the suite started. */
export function progressFor(suite: string): Progress {
  const started = performance.now();
  return (message) => process.stderr.write(`[bench ${suite} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Milliseconds taken by `fn`, with what it returned. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** "0.42 ms", "153 ms", "1.52 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "12×", "0.8×"; a bound when the slower side never finished ("> 65×"). */
export function formatRatio(ratio: number, atLeast = false): string {
  if (!Number.isFinite(ratio)) return '–';
  const digits = ratio >= 10 ? 0 : ratio >= 1 ? 1 : 2;
  return `${atLeast ? '> ' : ''}${ratio.toFixed(digits)}×`;
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Where and when figures were measured, and how busy the machine was: they only compare within one run. */
export interface Stamp {
  /** ISO date and time. */
  date: string;
  /** Node's version, the cores and their model. */
  machine: string;
  /** The 1-minute load average when the figures were taken. */
  load: number;
}

export function stamp(): Stamp {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    machine: `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
    load: loadavg()[0],
  };
}

/** "Node v20.20.2, 2 × AMD EPYC, load 3.1 at the end, 2026-12-03". */
export function formatStamp({ machine, load, date }: Stamp): string {
  return `${machine}, load ${load.toFixed(1)} at the end, ${date.slice(0, 10)}`;
}

/** The stamp a machine line written by formatStamp stood for (results written before stamps were kept). */
export function parseStamp(line: string): Stamp | undefined {
  const match = /^(.*), load ([\d.]+) at the end, (\d{4}-\d\d-\d\d)$/.exec(line);
  return match ? { machine: match[1], load: Number(match[2]), date: match[3] } : undefined;
}

export function machine(): string {
  return formatStamp(stamp());
}

/** What bench/results/<suite>.json holds from the suite's last run; undefined when there is none. */
export function lastSuiteResult(suite: string): { machine?: string; data?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(BENCH_DIR, 'results', `${suite}.json`), 'utf8')) as { machine?: string; data?: unknown };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`bench/results/${suite}.json: ${(error as Error).message}`);
  }
}

/** Writes bench/results/<suite>.json and replaces the suite's section of bench/RESULTS.md. */
export function writeSuiteResult(suite: string, result: SuiteResult): void {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify({ suite, machine: machine(), data: result.data }, null, 2) + '\n');
  const section = result.stampedParts ? result.markdown.trim() : `_${machine()}_\n\n${result.markdown.trim()}`;
  writeFileSync(RESULTS_MD, replaceSection(readResults(), suite, section));
}

function readResults(): string {
  try {
    return readFileSync(RESULTS_MD, 'utf8');
  } catch {
    return (
      '# Benchmark results\n\n' +
      'Written by `npm run bench` (`npm run bench -- SUITE` runs one suite and leaves the others as they were).\n'
    );
  }
}

/** The text between `<!-- suite:NAME -->` and `<!-- /suite:NAME -->` becomes `body`; a new suite goes at the end. */
export function replaceSection(document: string, suite: string, body: string): string {
  const open = `<!-- suite:${suite} -->`;
  const close = `<!-- /suite:${suite} -->`;
  const block = `${open}\n${body}\n${close}`;
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start >= 0 && end > start) return document.slice(0, start) + block + document.slice(end + close.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** "10,000". */
export const formatCount = (n: number): string => n.toLocaleString('en');
