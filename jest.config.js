/**
 * Two jest projects, run together by `npm test` (one jest, one `N passed, N failed` line):
 * - `unit`: the tests that need no server and no build (`npm run test:unit`, seconds on a fresh clone);
 * - `integration`: everything else, against the real servers its global setup starts once (Temporal, MinIO, the
 *   workflow bundle). Jest runs a project's global setup only when that project has tests to run, so
 *   `npm test -- test/unit/parse.test.ts` starts nothing.
 * A test file belongs to `unit` only when listed below: it must start no Temporal server or worker, no MinIO and
 * no workflow bundle, and read none of the environment the global setup sets (an in-process fake Mailgun or Twilio
 * is fine). Any other file, including a new one, runs as `integration`.
 * Jest runs TypeScript through SWC.
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
// Dependencies that ship ESM only (cookie@2 for fastify.inject, content-disposition@1 for @fastify/static):
// jest's module loader needs CommonJS, so they are compiled like our own code.
const esmOnly = ['cookie', 'content-disposition'];

const UNIT = [
  'packages/states-language/test/',
  'test/unit/',
  'test/codec/',
  'test/activities/notify-email.test.ts',
  'test/activities/notify-sms.test.ts',
  'test/activities/notify-retries.test.ts',
  'test/compose/compose-file.test.ts',
  'test/compose/dockerfile.test.ts',
  'test/faults/chaos-report.test.ts',
  'test/workflows/map-with-concurrency.test.ts',
  'test/unit/exchange-schedule.test.ts',
  'test/unit/exchange-limits.test.ts',
];
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unitPatterns = UNIT.map((path) => `<rootDir>/${escape(path)}${path.endsWith('/') ? '' : '$'}`);

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages'],
  // Workspace packages from their sources, as tsconfig.json's `paths` map them for tsc and tsx.
  moduleNameMapper: {
    '^states-language-temporal$': '<rootDir>/packages/states-language/src/index.ts',
    '^states-language-temporal/(.*)$': '<rootDir>/packages/states-language/src/$1.ts',
  },
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: UNIT.map((path) => (path.endsWith('/') ? `<rootDir>/${path}**/*.test.ts` : `<rootDir>/${path}`)),
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...unitPatterns],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
