// Lint for the whole workspace: type-aware typescript-eslint rules plus Nx module boundaries
// (STYLE.md rules 16, 19 and 20). Run with `npm run lint` (`eslint . --max-warnings=0`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const service = (name) => ({
  sourceTag: `scope:${name}`,
  onlyDependOnLibsWithTags: [`scope:${name}`, 'scope:shared'],
});

// Node globals for the plain-JavaScript scripts (kept here rather than adding the `globals` package).
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    '__dirname',
    '__filename',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'exports',
    'fetch',
    'global',
    'module',
    'performance',
    'process',
    'queueMicrotask',
    'require',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** The Nx module-boundary rule (STYLE.md 19). */
function boundaries(extraPlatformDeps) {
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      allow: [],
      depConstraints: [
        ...['identity', 'factors', 'delivery', 'risk', 'audit', 'gateway'].map(service),
        { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
        // The demo is a stand-in for a customer's product: it may use what a customer would.
        { sourceTag: 'scope:demo', onlyDependOnLibsWithTags: ['scope:shared'] },
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },

        // Apps hold their own tests, hence type:testing; never tooling.
        {
          sourceTag: 'type:app',
          onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'],
        },
        // The SDK is for product backends: contracts at run time; its tests use the platform.
        { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
        { sourceTag: 'type:demo', onlyDependOnLibsWithTags: ['type:sdk', 'type:contracts', 'type:platform'] },
        {
          sourceTag: 'type:e2e',
          onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing', 'type:sdk'],
        },
        {
          sourceTag: 'type:platform',
          onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', ...extraPlatformDeps],
        },
        { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
        {
          sourceTag: 'type:testing',
          onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling'],
        },
        { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
      ],
    },
  ];
}

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.nx/**',
      '.local/**',
      'test-results/**',
      'libs/contracts/src/gen/**',
      // Ad-hoc manual check script outside tsconfig.json, not part of any project.
      'smoke.ts',
    ],
  },

  js.configs.recommended,

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // Root-level config files (e.g. jest.config.ts) are outside tsconfig.json's include.
          allowDefaultProject: ['*.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // NestJS modules are decorated empty classes.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },

  {
    // Tests read untyped JSON (HTTP bodies, Kafka payloads); the unsafe-any rules only add noise there.
    // no-floating-promises stays on: an un-awaited `expect(...).resolves` passes silently.
    files: [
      '**/*.spec.ts',
      '**/*-spec.ts',
      'apps/*/test/**/*.ts',
      'apps/e2e/**/*.ts',
      'libs/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // In-memory fakes implement async ports without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaries([]) },
  },
  {
    // The platform libraries' own integration tests use the test helpers (test code only; the
    // helpers themselves never import a platform library that could close a cycle).
    files: ['libs/platform/**/test/**/*.ts'],
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing']) },
  },

  prettier,
);
