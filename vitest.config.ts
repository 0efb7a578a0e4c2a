import { defineConfig } from 'vitest/config';

// Three suites, all run by `npm test`:
//  unit        pure code beside the source (src/**/*.test.ts)
//  integration real SQLite and PostgreSQL, HTTP via inject, CLI and crash tests
//              (the CLI and server run dist/, built first by global-setup-build)
//  e2e         the web app in Debian's Chromium through playwright-core
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: [
            'tests/helpers/global-setup-build.ts',
            'tests/helpers/global-setup-databases.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          globalSetup: [
            'tests/helpers/global-setup-build.ts',
            'tests/helpers/global-setup-browser.ts',
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
