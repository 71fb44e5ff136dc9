/**
 * The conformance cases through the real `stateMachine` workflow on the Temporal dev server: every case that
 * does not depend on the virtual clock, seeded randomness or the execution's name, and that takes at most
 * 3 s of (virtual) time, so that the suite stays quick.
 */
import { comparable, expectedOutcome, loadCases } from '../../packages/states-language/test/support/conformance';
import { runPure } from '../../packages/states-language/test/support/run-pure';
import { TemporalRunner } from './support/temporal-runner';

const MAX_VIRTUAL_MS = 3000;
let runner: TemporalRunner;

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

const candidates = loadCases().filter((c) => !c.problems && !c.pureOnly);

it('runs most of the conformance suite on the real server', async () => {
  let ran = 0;
  const failures: unknown[] = [];
  for (const c of candidates) {
    const pure = await runPure(c.definition, c.input ?? {}, { machines: c.machines });
    if (pure.elapsedMs > MAX_VIRTUAL_MS) continue;
    for (const [name, definition] of Object.entries(c.machines ?? {})) await runner.machines.put(name, definition);
    const outcome = await runner.run(c.definition, c.input ?? {});
    ran++;
    try {
      expect(comparable(outcome, c)).toEqual(expectedOutcome(c));
    } catch (error) {
      failures.push({ case: `${c.file}: ${c.name}`, outcome });
    }
  }
  expect(failures).toEqual([]);
  expect(ran).toBeGreaterThanOrEqual(200);
  console.log(`conformance on the Temporal dev server: ${ran} cases`);
}, 600_000);
