// Type-aware lint plus the import direction of HOUSE_STYLE.md, enforced per folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  // Tests beside the code may read their fixtures from disk.
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

/** Every CSV goes through src/services/csv.ts, which neutralises formulas. */
const CSV_WRITERS = ['csv-stringify', 'csv-stringify/sync'].map((name) => ({
  name,
  message: 'Write CSV through toCsv (src/services/csv.ts): it neutralises formulas.',
  allowTypeImports: true,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'web/dist/',
      'data/',
      'demo-data/',
      'coverage/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify plugins and handlers are async by convention, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // React event handlers may start async work; the handlers catch their own errors.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportDefaultDeclaration',
          message: 'Named exports only (HOUSE_STYLE rule 7).',
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Migrations are typed against Kysely<any> so they stay frozen in time (HOUSE_STYLE rule 10).
    files: ['src/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Config files and vitest global setups must default-export.
    files: ['*.config.ts', '*.config.js', 'web/vite.config.ts', 'tests/helpers/global-setup-*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  layer(
    ['src/domain/**/*.ts'],
    [
      'node:*',
      '**/db/**',
      '**/services/**',
      '**/server/**',
      '**/cli/**',
      '**/config/**',
      '**/contracts/**',
      'kysely',
      'fastify',
      'pg',
      'better-sqlite3',
    ],
    'domain is pure: no I/O, no framework, no other layer.',
  ),
  layer(
    ['src/contracts/**/*.ts'],
    ['**/db/**', '**/services/**', '**/server/**', '**/cli/**', '**/config/**', 'node:*'],
    'contracts describe the wire format only (they may reuse domain enumerations, ADR 0005).',
  ),
  layer(
    ['src/db/**/*.ts'],
    ['**/services/**', '**/server/**', '**/cli/**', '**/contracts/**'],
    'db knows only the domain.',
  ),
  layer(
    ['src/services/**/*.ts'],
    ['**/server/**', '**/cli/**'],
    'services do not know HTTP or the CLI.',
  ),
  layer(
    ['src/server/**/*.ts'],
    ['**/cli/**', '**/db/repositories/**', 'kysely'],
    'server goes through services.',
  ),
  layer(
    ['src/cli/**/*.ts'],
    ['**/server/routes/**', '**/server/http/**', '**/db/repositories/**'],
    'cli goes through services.',
  ),
  layer(
    ['web/src/**/*.{ts,tsx}'],
    [
      '**/src/db/**',
      '**/src/services/**',
      '**/src/server/**',
      '**/src/cli/**',
      '**/src/config/**',
      'node:*',
    ],
    'the web app may use contracts and domain only.',
  ),
  {
    // One module picks the SQLite driver for the running Node (ADR 0015).
    files: ['src/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    ignores: ['src/db/sqlite-driver.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...['better-sqlite3', 'better-sqlite3-13'].map((name) => ({
              name,
              message: 'Open SQLite through openSqlite (src/db/sqlite-driver.ts).',
              allowTypeImports: true,
            })),
            ...CSV_WRITERS,
          ],
        },
      ],
    },
  },
  {
    // The one CSV writer, which neutralises formulas (src/services/csv.ts).
    files: ['src/services/csv.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['better-sqlite3', 'better-sqlite3-13'].map((name) => ({
            name,
            message: 'Open SQLite through openSqlite (src/db/sqlite-driver.ts).',
            allowTypeImports: true,
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
