import nx from '@nx/eslint-plugin';

/**
 * Layering is enforced with Nx tags (see ARCHITECTURE.md in docs/): domain code imports only
 * other domain code and shared utilities, never NestJS, Kafka, MongoDB or EventStoreDB.
 */
const depConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util', 'type:domain'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:infra', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:service-kit', onlyDependOnLibsWithTags: ['type:application', 'type:domain', 'type:util', 'type:infra', 'type:contracts'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:service-kit', 'type:application', 'type:domain', 'type:util', 'type:infra', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:service-kit', 'type:application', 'type:domain', 'type:util', 'type:infra', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:domain'] },
];

/** Tests of domain code may use the test kits (decider specifications). */
const domainSpecConstraints = depConstraints.map((c) =>
  c.sourceTag === 'type:domain' ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
);

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', 'data/**', 'bench/results/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    // Domain libraries stay free of frameworks and infrastructure clients.
    files: ['libs/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'kafkajs', 'mongodb', '@eventstore/*', 'better-sqlite3', 'mingo', 'mingo/*', 'class-validator', 'class-transformer', 'fastify', '@fastify/*', 'rxjs'], message: 'Domain code must stay free of frameworks and infrastructure.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/domain/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: domainSpecConstraints }],
    },
  },
];
