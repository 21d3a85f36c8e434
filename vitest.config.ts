import { defineConfig } from 'vitest/config';

/**
 * The suites that run a second time on PostgreSQL (issue 15): the store, import, summary and report tests.
 * Each test's ledger comes from tests/helpers/ledger.ts testLocation, which follows the project.
 */
export const POSTGRES_SUITES = [
  'tests/audit/audit-words.test.ts',
  'tests/audit/audit.test.ts',
  'tests/backup/pg-backup.test.ts',
  'tests/bulletin/bulletin.test.ts',
  'tests/cli/server-database.test.ts',
  'tests/db/compiled.test.ts',
  'tests/db/store.test.ts',
  'tests/e2e/settings-postgres-ui.test.ts',
  'tests/import/assignment-before-kinds.test.ts',
  'tests/import/dry-run.test.ts',
  'tests/import/future-periods.test.ts',
  'tests/import/group-commit.test.ts',
  'tests/import/key-of-other-unit.test.ts',
  'tests/import/loop.test.ts',
  'tests/import/pg-commit-lost.test.ts',
  'tests/import/pg-concurrent.test.ts',
  'tests/import/pg-connection-lost.test.ts',
  'tests/import/pg-group-wait.test.ts',
  'tests/import/recipient.test.ts',
  'tests/import/refusals.test.ts',
  'tests/import/signed-hostile.test.ts',
  'tests/levels/allocation-cli.test.ts',
  'tests/levels/by-office.test.ts',
  'tests/levels/city-and-counties.test.ts',
  'tests/levels/cli.test.ts',
  'tests/levels/quota-table.test.ts',
  'tests/levels/quotas.test.ts',
  'tests/reports/summary-workbook.test.ts',
  'tests/services/browser-store.test.ts',
  'tests/services/deadlines.test.ts',
  'tests/services/entry-and-summaries.test.ts',
  'tests/services/midyear.test.ts',
  'tests/services/proxy-entry.test.ts',
  'tests/services/quarterly.test.ts',
  'tests/services/required-export.test.ts',
  'tests/services/returns.test.ts',
  'tests/services/views.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // better-sqlite3 is a native module: forks isolate it more reliably than worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_SUITES,
          env: { LEDGER_TEST_DIALECT: 'postgres' },
          globalSetup: ['tests/helpers/pg-server.ts'],
        },
      },
    ],
  },
});
