// Jest runs in CommonJS mode. TypeScript and the ESM-only @noble v2 packages are both
// compiled to CommonJS by @swc/jest (decided once, in the foundation).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@assemblyscript)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
  // Interop suites spawn real peers; keep workers to the machine's 2 cores.
  maxWorkers: 2,
};
