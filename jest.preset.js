// Shared jest settings: SWC compiles TypeScript (with decorator metadata, which NestJS needs)
// much faster than ts-jest; the path aliases mirror tsconfig.base.json.
const path = require('path');
const { existsSync } = require('fs');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  // An alias to nothing is dead weight that the build never notices: refuse it here.
  if (!existsSync(path.join(__dirname, target))) throw new Error(`tsconfig.base.json: the path alias ${alias} points to ${target}, which does not exist`);
  moduleNameMapper[`^${alias}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    // content-disposition 3 (under @fastify/static) ships ESM only; Node 20 loads it with
    // require(esm), jest does not, so it is compiled for tests.
    '^.+/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec).ts'],
};
