/** The conformance cases through the real `stateMachine` workflow on the Temporal dev server (serverCases picks them). */
import { comparable, expectedOutcome } from '../../packages/states-language/test/support/conformance';
import { serverCases } from './support/server-cases';
import { TemporalRunner } from './support/temporal-runner';

let runner: TemporalRunner;

beforeAll(async () => {
  runner = await TemporalRunner.start();
});

afterAll(async () => {
  await runner?.close();
});

it('runs most of the conformance suite on the real server', async () => {
  let ran = 0;
  const failures: unknown[] = [];
  for (const c of await serverCases()) {
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
