/** Every conformance case, run by the interpreter alone on a virtual clock (no Temporal): fast, and exact about time. */
import { checkDefinition } from '../src/checker';
import { comparable, expectedOutcome, loadCases } from './support/conformance';
import { runPure } from './support/run-pure';

const cases = loadCases();
const runnable = cases.filter((c) => !c.problems);

it('has a conformance suite of at least 150 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(150);
});

describe('the checker', () => {
  it.each(cases.filter((c) => c.problems).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const found = checkDefinition(c.definition);
    expect(found.map((p) => p.path).sort()).toEqual(c.problems!.map((p) => p.path).sort());
    for (const want of c.problems!) if (want.message) expect(found).toContainEqual({ path: want.path, message: want.message });
  });

  it('finds nothing wrong with any case that runs', () => {
    expect(runnable.map((c) => ({ name: c.name, problems: checkDefinition(c.definition) })).filter((c) => c.problems.length > 0)).toEqual(
      [],
    );
  });
});

describe.each([...new Set(runnable.map((c) => c.file))])('%s', (file) => {
  it.each(runnable.filter((c) => c.file === file).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { elapsedMs: _elapsed, host: _host, ...outcome } = await runPure(c.definition, c.input ?? {}, { machines: c.machines });
    expect(comparable(outcome, c)).toEqual(expectedOutcome(c));
  });
});
