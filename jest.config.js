// Three tiers (STYLE.md): co-located *.spec.ts unit tests; apps/<svc>/test/*.integration-spec.ts
// against real PostgreSQL and Kafka; apps/e2e black-box journeys through the gateway.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

// ESM-only dependencies (otplib's base32 and hash plugins) are compiled to CommonJS for Jest;
// Node 20.19+ loads them natively through require(esm) outside Jest.
const ESM_PACKAGES = ['@scure', '@noble', 'jose'];
transform[`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`] = [
  '@swc/jest',
  { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,deploy}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/apps/*/test/**/*.integration-spec.ts',
        '<rootDir>/libs/**/test/**/*.integration-spec.ts',
        '<rootDir>/apps/e2e/**/*.e2e-spec.ts',
      ],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-integration-setup.ts'],
      slowTestThreshold: 30,
    },
  ],
};
