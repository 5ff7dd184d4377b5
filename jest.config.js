// The test runner's configuration. Tests are TypeScript ES modules, run as native ESM
// (node --experimental-vm-modules, see package.json) and transformed by @swc/jest: it only strips
// types, which is all a test run needs since `npm test` type-checks the whole project with tsc
// first; ts-jest would type-check every file a second time and take several times as long.
import { readdirSync, readFileSync } from 'node:fs';

const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' }, sourceMaps: 'inline' }],
};

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  // Sources import each other as `./x.js` (NodeNext); the files are `./x.ts`.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

/** Suites over the in-process stack that also run on MySQL: the files that ask for `engines()`. */
const engineSuites = readdirSync('tests')
  .filter((f) => f.endsWith('.test.ts') && /\bengines\(\)/.test(readFileSync(`tests/${f}`, 'utf8')))
  .map((f) => `<rootDir>/tests/${f}`);

/** @type {import('jest').Config} */
export default {
  // Two files at a time: most of a suite's time is spent waiting (processes starting, a silent
  // source's timeout, a relay's lease), so two workers on two cores halve the run. Tests wait on
  // conditions, not clocks, and every process-level file has its own port range, so they may share
  // the machine. JEST_WORKERS=1 runs one file at a time.
  maxWorkers: Number(process.env.JEST_WORKERS ?? 2),
  testTimeout: 240_000,
  // A handle a failed test leaves open (a pool waiting on a transaction that never ends) must not
  // keep the run alive until CI's hard limit: exit once the results are in. Find such a handle
  // with `npm run jest -- --detectOpenHandles`.
  forceExit: true,
  reporters: ['default', '<rootDir>/tests/kit/jest/skip-summary-reporter.js'],
  coverageProvider: 'v8',
  // The product's code. Scripts (seed, start, bench, soak) are exercised as child processes, which
  // jest does not instrument; counting them would only measure that.
  collectCoverageFrom: ['gateway/**/*.ts', 'subgraphs/**/*.ts', '!**/*.d.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'html'],
  coverageDirectory: 'test-artifacts/coverage',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/*.test.ts'],
      setupFiles: ['<rootDir>/tests/kit/jest/engine-sqlite.ts'],
    },
    {
      ...common,
      displayName: 'mysql',
      testMatch: engineSuites,
      setupFiles: ['<rootDir>/tests/kit/jest/engine-mysql.ts'],
    },
    {
      ...common,
      displayName: 'processes',
      testMatch: ['<rootDir>/tests/processes/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
    },
  ],
};
