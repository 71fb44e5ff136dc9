/**
 * Every failure of an execution is a States error. Anything the interpreter's own code throws (a bug, or
 * JavaScript giving up: a RangeError, a stack overflow) becomes States.Runtime with its message: thrown out
 * of a workflow, it would fail the workflow task instead, again at each retry, and the execution would stay
 * RUNNING for ever. What the host throws is the host's business (Temporal's cancellation, continue-as-new,
 * its own failures) and passes through untouched, as does the interpreter's ExecutionCancelled.
 */
import { ExecutionCancelled } from './cancellation';
import { runtimeError, StatesError } from './errors';

/** Errors thrown by the host, as they were thrown. */
const hostErrors = new WeakSet<object>();

function fromHost(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) hostErrors.add(error);
  return error;
}

/**
 * The host, every error it throws or rejects with marked as its own. A proxy rather than a copy, so that a
 * method added to the host's interface is covered without being listed here; `cancellable` runs the
 * interpreter's own code, so its errors are not the host's.
 */
export function markingHostErrors<H extends object>(host: H): H {
  return new Proxy(host, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'cancellable') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw fromHost(error);
        }
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
          return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
            throw fromHost(error);
          });
        }
        return result;
      };
    },
  });
}

/** What an execution fails with: States errors, ExecutionCancelled and the host's errors as they are; anything else States.Runtime. */
export function asExecutionFailure(error: unknown): unknown {
  if (error instanceof StatesError || error instanceof ExecutionCancelled) return error;
  if (typeof error === 'object' && error !== null && hostErrors.has(error)) return error;
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return runtimeError(`The interpreter failed: ${what}`);
}
