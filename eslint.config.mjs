import nx from '@nx/eslint-plugin';

/**
 * Layering is enforced with Nx tags (see ARCHITECTURE.md in docs/): domain code imports only
 * other domain code and shared utilities, never NestJS, Kafka, MongoDB or EventStoreDB.
 */
const typeConstraints = [
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

/**
 * Bounded contexts are enforced with `scope:` tags: a context's libs and app use their own scope
 * and `scope:shared` (ports, adapters, contracts, utilities) only. A lib another context may use
 * says so with a `shared-with:<scope>` tag in its project.json. `scope:platform` is what wires
 * or operates every context: the standalone app and the tools.
 */
const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // extended-fields-domain is `shared-with:contacts`: a contact's extended-field values are
  // checked by the field catalog's own rules (checkFieldValue, SYSTEM_FIELDS).
  { sourceTag: 'scope:contacts', onlyDependOnLibsWithTags: ['scope:contacts', 'scope:shared', 'shared-with:contacts'] },
  { sourceTag: 'scope:labels', onlyDependOnLibsWithTags: ['scope:labels', 'scope:shared'] },
  { sourceTag: 'scope:extended-fields', onlyDependOnLibsWithTags: ['scope:extended-fields', 'scope:shared'] },
  { sourceTag: 'scope:webhooks', onlyDependOnLibsWithTags: ['scope:webhooks', 'scope:shared'] },
  // The gateway reaches the contexts through the contracts; contacts-domain is `shared-with:gateway`
  // because the unsubscribe link checks an address with the contacts' own rule (isValidEmail).
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', 'shared-with:gateway'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:*'] },
  // Every project has a scope, so a new one cannot slip past the rules above untagged.
  { sourceTag: '*', onlyDependOnLibsWithTags: ['scope:*'] },
];

const depConstraints = [...typeConstraints, ...scopeConstraints];

/** Tests of domain code may use the test kits (decider specifications). */
const domainSpecConstraints = depConstraints.map((c) =>
  c.sourceTag === 'type:domain' ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
);

/**
 * Every spec names its level, which is what `npm run test:unit`, `test:int` and `test:e2e`
 * select by: a spec without one would run in `npm test` but in none of them.
 */
const testLayout = {
  rules: {
    'spec-level': {
      meta: {
        type: 'problem',
        schema: [],
        messages: {
          level: 'Name the spec by its level: *.unit.spec.ts (in memory, no I/O), *.int.spec.ts (real adapters or wired modules) or *.e2e.spec.ts (over HTTP).',
        },
      },
      create: (context) => ({
        Program(node) {
          if (!/\.(unit|int|e2e)\.spec\.ts$/.test(context.filename)) context.report({ node, messageId: 'level' });
        },
      }),
    },
  },
};

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
            { group: ['@nestjs/*', 'kafkajs', 'mongodb', '@eventstore/*', 'better-sqlite3', 'pg', 'mingo', 'mingo/*', 'class-validator', 'class-transformer', 'fastify', '@fastify/*', 'rxjs'], message: 'Domain code must stay free of frameworks and infrastructure.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts'],
    plugins: { 'test-layout': testLayout },
    rules: { 'test-layout/spec-level': 'error' },
  },
  {
    files: ['libs/**/domain/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: domainSpecConstraints }],
    },
  },
];
