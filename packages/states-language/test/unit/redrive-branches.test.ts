/**
 * What a redrive keeps of a top-level Parallel or Map (the interpreter alone): the branches and iterations that
 * succeeded are told to the run's BranchOutcomes; a run resumed with them `kept` does not run them again, only the
 * others; SucceededBranches answers them within 256 KiB.
 */
import { SucceededBranches } from '../../src/branch-outcomes';
import { StatesError } from '../../src/errors';
import { executionContext } from '../../src/executions';
import { type Definition, type ExecutionHost, type ResumePoint, runExecution } from '../../src/interpreter';
import { MAX_PAYLOAD_BYTES } from '../../src/quotas';

/** Activities that answer `{ran: name, n}`, fail when `n` is in `failing`, and count their calls. */
function hostFailing(failing: Set<unknown>) {
  const calls: unknown[] = [];
  const host: ExecutionHost = {
    now: () => Date.now(),
    random: () => 0.5,
    uuid: () => 'uuid',
    sleep: async () => {},
    cancellable: (fn) => ({ promise: fn(), cancel() {} }),
    startExecution: async () => {
      throw new Error('no child executions here');
    },
    runActivity: async (name, input) => {
      const n = (input as { n?: unknown }).n;
      calls.push(n ?? name);
      if (failing.has(n ?? name)) throw new StatesError('Elf.Failed', `${String(n ?? name)} failed`);
      return { ran: name, n };
    },
  };
  return { host, calls };
}

async function run(definition: Definition, input: unknown, host: ExecutionHost, resume?: ResumePoint) {
  const outcomes = new SucceededBranches();
  const context = executionContext('redrive', 'redrive', input, Date.now());
  try {
    return { output: await runExecution(definition, input, { host, context, resume, branchOutcomes: outcomes }), outcomes };
  } catch (error) {
    return { error: (error as StatesError).error, outcomes };
  }
}

const map: Definition = {
  StartAt: 'Before',
  States: {
    Before: { Type: 'Pass', Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemSelector: { 'n.$': '$$.Map.Item.Value' },
      ItemProcessor: { StartAt: 'Make', States: { Make: { Type: 'Task', Resource: 'make', End: true } } },
      End: true,
    },
  },
};

it('a Map redriven from its point runs only the iterations that failed, keeping the outputs of the others', async () => {
  const first = hostFailing(new Set([2]));
  const failed = await run(map, [1, 2, 3], first.host);
  expect(failed.error).toBe('Elf.Failed');
  const kept = failed.outcomes.keptAt('Each');
  expect(kept?.count).toBe(3);
  expect(Object.keys(kept!.outputs).sort()).toEqual(expect.arrayContaining(['0']));
  expect(Object.keys(kept!.outputs)).not.toContain('1');

  const again = hostFailing(new Set());
  const point = { state: 'Each', input: [1, 2, 3], variables: {}, kept };
  const redriven = await run(map, [1, 2, 3], again.host, point);
  expect(redriven.output).toEqual([1, 2, 3].map((n) => ({ ran: 'make', n })));
  // Only the iterations the first run did not finish: item 2, and item 3 if the failure stopped it first.
  expect(again.calls).toContain(2);
  expect(again.calls).not.toContain(1);
  expect(again.calls.length).toBe(3 - Object.keys(kept!.outputs).length);
});

it('a Parallel keeps its succeeded branches; a kept count that does not match the state runs every branch', async () => {
  const parallel: Definition = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: ['count', 'wrap'].map((r) => ({ StartAt: r, States: { [r]: { Type: 'Task', Resource: r, End: true } } })),
        End: true,
      },
    },
  };
  const kept = { count: 2, outputs: { 0: { ran: 'count', kept: true } } };
  const again = hostFailing(new Set());
  const redriven = await run(parallel, {}, again.host, { state: 'Both', input: {}, variables: {}, kept });
  expect(redriven.output).toEqual([{ ran: 'count', kept: true }, { ran: 'wrap' }]);
  expect(again.calls).toEqual(['wrap']);
  // The kept branch is told again, so a second failure keeps it too.
  expect(redriven.outcomes.keptAt('Both')?.outputs).toEqual({ 0: { ran: 'count', kept: true }, 1: { ran: 'wrap' } });

  const mismatched = hostFailing(new Set());
  await run(parallel, {}, mismatched.host, { state: 'Both', input: {}, variables: {}, kept: { count: 3, outputs: kept.outputs } });
  expect(mismatched.calls.sort()).toEqual(['count', 'wrap']);
});

it('nested states are not recorded; kept outputs are bounded to 256 KiB together, the rest running again', () => {
  const outcomes = new SucceededBranches();
  outcomes.started('Each', 3);
  const big = 'x'.repeat(MAX_PAYLOAD_BYTES / 2);
  for (const i of [0, 1, 2]) outcomes.succeeded('Each', i, big);
  expect(Object.keys(outcomes.keptAt('Each')!.outputs)).toEqual(['0']);
  outcomes.succeeded('Other', 0, 'x');
  expect(outcomes.keptAt('Other')).toBeUndefined();
  outcomes.started('Each', 3);
  expect(outcomes.keptAt('Each')).toBeUndefined();
});
