/** Two projects: fast unit specs beside the code, and e2e specs that boot real servers. */
// Specs are transpiled file by file (fast); `npm run typecheck` is where types are checked.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const moduleNameMapper = {
  '^@nest-discovery/registry-api$': '<rootDir>/libs/registry-api/src',
  // The library's package entry points, mapped to its sources (the only ways in: no deep paths).
  '^@nest-discovery/discovery$': '<rootDir>/libs/discovery/src',
  '^@nest-discovery/discovery/(logging|metrics|grpc|tracing|tcp)$': '<rootDir>/libs/discovery/src/$1',
  '^@proto/(.*)$': '<rootDir>/proto/generated/$1',
};
// Packages published as ES modules only: Node loads them from CommonJS with require(esm), Jest 29's module
// system cannot, so scripts/jest-esm-to-cjs.js compiles their files to CommonJS (cached like any transform).
// A name here covers the package wherever npm nests it (e.g. @fastify/middie's own path-to-regexp).
const esmOnly = ['@nestjs', 'content-disposition', 'cookie', 'path-to-regexp'];
const transform = {
  '^.+\\.ts$': tsJest,
  '/node_modules/.+\\.m?js$': '<rootDir>/scripts/jest-esm-to-cjs.js',
};
// Every file of node_modules is left alone except under an esmOnly package: the innermost node_modules/ of
// the path (nothing after it contains one) followed by a name not on the list.
const transformIgnorePatterns = [`/node_modules/(?!.*/node_modules/)(?!(${esmOnly.join('|')})/)`];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      // Builds dist/ when stale and starts the Redis and etcd servers the store suites run against.
      globalSetup: '<rootDir>/test/e2e/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/helpers/global-teardown.ts',
    },
  ],
};
