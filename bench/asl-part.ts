/** One part of the asl bench suite (bench/asl.ts lists them): what it measures, and its section of the report. */
import type { ObjectStore } from '../storage/object-store';
import type { Progress } from './report';
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
