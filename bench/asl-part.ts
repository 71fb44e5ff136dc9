/** One part of the asl bench suite (bench/asl.ts lists them): what it measures, and its section of the report. */
import type { ObjectStore } from '../storage/object-store';
import { formatStamp, parseStamp, type Progress, type Stamp } from './report';
import type { BenchStack } from './stack';
import type { WorkerProcess } from './asl-worker-process';

export interface AslPartContext {
  stack: BenchStack;
  store: ObjectStore;
  progress: Progress;
  /** The States Language worker in a process of its own, started by the first part that asks for it. */
  aslWorker(): Promise<WorkerProcess>;
}

export interface AslPart<R> {
  /** Its name in ASL_PARTS and in bench/results/asl.json. */
  name: string;
  /** Its heading in bench/RESULTS.md. */
  title: string;
  /** Runs inside the bench stack's worker (`worker.runUntil`). */
  run(context: AslPartContext): Promise<R>;
  /** Its section under the heading, from this run's result or from an earlier run's, as kept in asl.json. */
  markdown(result: R): string;
}

/** A part whose result type is its own business: the suite only stores its result and hands it back. */
export type AnyAslPart = AslPart<any>;

/** A part's figures in bench/results/asl.json: when and where they were measured, and what. */
export interface PartRecord {
  ran: Stamp;
  result: unknown;
}

/**
 * The parts' figures as the last asl.json keeps them (lastSuiteResult('asl')). Results written before parts were
 * stamped (one machine line for all, each part's result bare) take the file's machine line as their stamp.
 */
export function keptRecords(last: { machine?: string; data?: unknown } | undefined): Record<string, PartRecord> {
  const data = (last?.data ?? {}) as Record<string, unknown>;
  const fileStamp = last?.machine ? parseStamp(last.machine) : undefined;
  const records: Record<string, PartRecord> = {};
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Partial<PartRecord>;
    if (record.ran && 'result' in record) records[name] = record as PartRecord;
    else if (fileStamp) records[name] = { ran: fileStamp, result: value };
  }
  return records;
}

/** The asl section: each of `parts` that has figures, in their order, under its heading and its stamp. */
export function partsReport(parts: readonly AnyAslPart[], records: Record<string, PartRecord>): string {
  return parts
    .filter((part) => records[part.name])
    .map((part) => {
      const { ran, result } = records[part.name];
      let body: string;
      try {
        body = part.markdown(result);
      } catch (error) {
        // Figures kept from an older version of the part, in a shape its report no longer reads.
        body =
          `(figures from ${ran.date.slice(0, 10)} not readable by this version: ${(error as Error).message}; ` +
          `run ASL_PARTS=${part.name})`;
      }
      return `## ${part.title}\n\n_Part \`${part.name}\`: ${formatStamp(ran)}_\n\n${body}`;
    })
    .join('\n\n');
}
