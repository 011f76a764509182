/**
 * `npm run test:faults`: the fault-injection suite (test/faults). Each file
 * starts its own three-broker cluster on ports 28100-28199 and kills brokers
 * and runtimes; kept out of `npm test` (see docs/reliability.md for why and
 * how long it takes).
 */
const base = require('./jest.config.js');

const unit = base.projects[0];

module.exports = {
  projects: [
    {
      transform: unit.transform,
      transformIgnorePatterns: unit.transformIgnorePatterns,
      testEnvironment: 'node',
      setupFiles: unit.setupFiles,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
    },
  ],
  testTimeout: 600_000,
};
