/** Two projects: fast unit specs beside the code, and e2e specs that boot real servers. */
// Specs are transpiled file by file (fast); `npm run typecheck` is where types are checked.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const moduleNameMapper = {
  '^@nest-discovery/registry-api$': '<rootDir>/libs/registry-api/src',
  // The library's package entry points, mapped to its sources (the only ways in: no deep paths).
  '^@nest-discovery/discovery$': '<rootDir>/libs/discovery/src',
  '^@nest-discovery/discovery/(logging|metrics|grpc)$': '<rootDir>/libs/discovery/src/$1',
  '^@proto/(.*)$': '<rootDir>/proto/generated/$1',
  // @fastify/static (Swagger UI's file server) requires glob 14, which is ESM only: Node loads it with
  // require(esm), Jest 29's module system cannot. The hoisted glob 13 has the same API and a CommonJS build.
  '^glob$': '<rootDir>/node_modules/glob/dist/commonjs/index.js',
};
// Its other ESM-only dependency, one self-contained file, is compiled to CommonJS for Jest.
const esmOnly = ['content-disposition'];
const transform = {
  '^.+\\.ts$': tsJest,
  [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];

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
