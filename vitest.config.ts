import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources: the "@mlp/source" export condition maps every
// @mlp/* import to src/, so a test never runs stale build output.
// Only our own condition: listing 'import' here would make Node hand `pg` its ESM wrapper.
const conditions = ['@mlp/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    reporters: ['default', './tools/scripts/summary-reporter.ts'],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/generated/**', '**/testing/**'],
      // json-summary: per-package figures with `node tools/scripts/coverage-report.mjs`.
      reporter: ['text-summary', 'text', 'json-summary'],
      // `npm test` fails below these (issue 19). Code run only in child processes (the built CLI) is not counted.
      thresholds: { statements: 80, branches: 80 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts', 'packages/*/test/**/*.int.test.ts', 'tools/**/*.int.test.ts'],
          globalSetup: ['tools/scripts/integration-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
