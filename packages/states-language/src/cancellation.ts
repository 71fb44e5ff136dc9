/** Stopping branches: a tree of flags, so cancelling a Parallel or Map stops everything under it. */

export class ExecutionCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ExecutionCancelled';
  }
}

export class Cancellation {
  private flag = false;
  private readonly listeners = new Set<() => void>();

  get cancelled(): boolean {
    return this.flag;
  }

  /** A cancellation that follows this one and can also be cancelled alone. */
  child(): Cancellation {
    const child = new Cancellation();
    if (this.flag) child.cancel();
    else {
      const off = this.onCancel(() => child.cancel());
      child.onCancel(off);
    }
    return child;
  }

  cancel(): void {
    if (this.flag) return;
    this.flag = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** Calls `listener` once when cancelled; returns a function that stops listening. */
  onCancel(listener: () => void): () => void {
    if (this.flag) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  throwIfCancelled(): void {
    if (this.flag) throw new ExecutionCancelled();
  }
}
