/**
 * What a redrive of a top-level Parallel or Map keeps: the branches or iterations of the state's latest attempt that
 * succeeded, held in memory only (a query of the closed run reads them, the worker replaying its history), so
 * recording them adds no command.
 */
import type { BranchOutcomes, KeptBranches } from './interpreter';
import { jsonBytes, MAX_PAYLOAD_BYTES } from './quotas';

export class SucceededBranches implements BranchOutcomes {
  private latest?: { state: string; count: number; outputs: Map<number, unknown> };

  started(state: string, count: number): void {
    this.latest = { state, count, outputs: new Map() };
  }

  succeeded(state: string, index: number, output: unknown): void {
    if (this.latest?.state === state) this.latest.outputs.set(index, output);
  }

  /**
   * The outputs a redrive from `state` keeps, in order of index, together at most MAX_PAYLOAD_BYTES (the bound of a
   * Parallel's or Map's whole result): those past it run again. Undefined when none.
   */
  keptAt(state: string): KeptBranches | undefined {
    const latest = this.latest;
    if (latest?.state !== state || latest.outputs.size === 0) return undefined;
    const outputs: Record<string, unknown> = {};
    let room = MAX_PAYLOAD_BYTES;
    for (const index of [...latest.outputs.keys()].sort((a, b) => a - b)) {
      const bytes = jsonBytes(latest.outputs.get(index), room);
      if (bytes < 0 || bytes > room) break;
      room -= bytes;
      outputs[index] = latest.outputs.get(index);
    }
    return Object.keys(outputs).length > 0 ? { count: latest.count, outputs } : undefined;
  }
}
