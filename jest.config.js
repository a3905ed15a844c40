/** Two projects: fast unit specs beside the code, and e2e specs that boot real servers. */
// Specs are transpiled file by file (fast); `npm run typecheck` is where types are checked.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const moduleNameMapper = {
  '^@app/discovery$': '<rootDir>/libs/discovery/src',
  '^@app/discovery/(.*)$': '<rootDir>/libs/discovery/src/$1',
  '^@proto/(.*)$': '<rootDir>/proto/generated/$1',
};

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      // Builds dist/ when stale and starts the Redis and etcd servers the store suites run against.
      globalSetup: '<rootDir>/test/e2e/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/helpers/global-teardown.ts',
    },
  ],
};
