/** Every conformance case, run by the interpreter alone on a virtual clock (no Temporal): fast, and exact about time. */
import { comparable, expectedOutcome, loadCases } from './support/conformance';
import { runPure } from './support/run-pure';

const cases = loadCases();
const runnable = cases.filter((c) => !c.problems);

it('has a conformance suite of at least 150 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(150);
});

describe.each([...new Set(runnable.map((c) => c.file))])('%s', (file) => {
  it.each(runnable.filter((c) => c.file === file).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { elapsedMs: _elapsed, host: _host, ...outcome } = await runPure(c.definition, c.input ?? {}, { machines: c.machines });
    expect(comparable(outcome, c)).toEqual(expectedOutcome(c));
  });
});
