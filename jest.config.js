// Native ESM jest (Ink needs ESM): run with NODE_OPTIONS=--experimental-vm-modules.
// Two projects: `unit` (pure logic, next to the code in src/) and `integration`
// (test/, against one real control plane per run, started by the global setup).
import { findReferenceCrds } from './scripts/reference-crds.mjs';

// The upstream CRDs for the conformance test, found the same way CI finds them.
process.env.ODA_API_REFERENCE_CRDS_DIR ??= findReferenceCrds();

const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};

export default {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.test.ts', '**/*.test.tsx'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
  // Integration tests share one API server; two workers fit a 2-core machine.
  maxWorkers: 2,
  testTimeout: 60000,
};
