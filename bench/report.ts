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

/** Where the numbers came from, and how busy the machine was: they only compare within one run. */
export function machine(): string {
  const cpu = cpus();
  const load = loadavg()[0].toFixed(1);
  return (
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, load ` +
    `${load} at the end, ${new Date().toISOString().slice(0, 10)}`
  );
}

/** Writes bench/results/<suite>.json and replaces the suite's section of bench/RESULTS.md. */
export function writeSuiteResult(suite: string, result: SuiteResult): void {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify({ suite, machine: machine(), data: result.data }, null, 2) + '\n');
  const section = `_${machine()}_\n\n${result.markdown.trim()}`;
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
