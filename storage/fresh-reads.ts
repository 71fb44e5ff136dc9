/**
 * Reads of stored objects kept for a short while, so that a busy caller (StartExecution at hundreds a second) does not
 * fetch and parse the same machine on every call. Callers meanwhile share one read. This process's own writes are
 * seen at once (it forgets the key after writing); another process's within `freshForMs`, as AWS's own
 * UpdateStateMachine documents: "Executions started immediately after calling UpdateStateMachine may use the
 * previous state machine definition".
 */
export class FreshReads<T> {
  private readonly entries = new Map<string, { readAt: number; value: Promise<T> }>();

  constructor(
    private readonly read: (key: string) => Promise<T>,
    private readonly options: {
      freshForMs: number;
      /** Kept at most, the oldest read forgotten first: definitions may be up to 1 MiB each. */
      maxEntries: number;
      now?: () => number;
    },
  ) {}

  get(key: string): Promise<T> {
    const { freshForMs, maxEntries, now = Date.now } = this.options;
    if (freshForMs <= 0) return this.read(key);
    const at = now();
    const kept = this.entries.get(key);
    if (kept && at - kept.readAt < freshForMs) return kept.value;
    const value = this.read(key);
    // Deleted first so the map's order stays oldest read first.
    this.entries.delete(key);
    this.entries.set(key, { readAt: at, value });
    // A failed read is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= maxEntries && at - entry.readAt < freshForMs) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** After this process wrote or deleted the key: the next get reads it again. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
