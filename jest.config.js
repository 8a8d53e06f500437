// Unit (*.spec.ts), integration (*.int-spec.ts, real PostgreSQL + NATS) and system (*.sys-spec.ts,
// every service as its own process, driven over HTTP) tests in one run.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/tests', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.sys-spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swc] },
  // NestJS 12 and a few others ship ESM only: let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|oidc-provider|openid-client|jose|oauth4webapi|@medplum|standardwebhooks|@nats-io)/)'],
  moduleNameMapper: {
    '^@carevault/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@carevault/platform$': '<rootDir>/libs/platform/src/index.ts',
    '^@carevault/testing$': '<rootDir>/libs/testing/src/index.ts',
  },
  testTimeout: 60000,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
