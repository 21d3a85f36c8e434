import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/open';
import { initSummary } from '../../electron/services/plan/setup';
import { createDatabase } from '../../scripts/pg-cluster';
import type { OpenLedger } from '../../electron/services/context';
import type { ReportingFrequency } from '../../shared/domain';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Closes a ledger the test opened once the test is over (before its temporary folder is removed). */
export function closeAfterTest<T extends OpenLedger>(ledger: T): T {
  cleanups.push(() => ledger.close());
  return ledger;
}

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'ledger-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fixed clock: 2019-07-03 10:00 local time unless told otherwise. */
export function fixedClock(iso = '2019-07-03T10:00:00'): () => Date {
  const t = new Date(iso).getTime();
  return () => new Date(t);
}

/**
 * The store this run's tests stand on: SQLite files, or PostgreSQL in the `postgres` vitest project
 * (LEDGER_TEST_DIALECT, with the server tests/helpers/pg-server.ts started).
 */
export function testDialect(): 'sqlite' | 'postgres' {
  return process.env.LEDGER_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

let admin: pg.Pool | null = null;
/** The running test's LEDGER_HOME on PostgreSQL, set by its first testLocation. */
let home: string | null = null;
afterAll(async () => {
  await admin?.end();
  admin = null;
});

/**
 * Where a test's ledger goes: `<temp>/<name>` on SQLite; on PostgreSQL a new empty database (named after
 * `name`), dropped after the test, with LEDGER_HOME (keys, backups) in a temporary folder, the same for every
 * store of the test.
 * @example const where = await testLocation('summary.db'); await initSummary(where, …)
 */
export async function testLocation(name = 'test.db'): Promise<string> {
  const dir = tempDir();
  if (testDialect() === 'sqlite') return join(dir, name);
  const server = process.env.LEDGER_TEST_PG;
  if (!server) throw new Error('LEDGER_TEST_PG is not set: the postgres project starts its server in tests/helpers/pg-server.ts');
  // One LEDGER_HOME for the whole test: a ledger's key is looked for there each time it is opened.
  if (home === null) {
    home = dir;
    process.env.LEDGER_HOME = dir;
    cleanups.push(() => { home = null; });
  }
  admin ??= new pg.Pool({ connectionString: server, max: 1 });
  const db = `t_${name.replace(/\W+/g, '_').toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const url = await createDatabase(admin, server, db);
  // Registered after tempDir's removal so it runs before it (cleanups run last-first), after the ledger's close.
  cleanups.splice(cleanups.length - 1, 0, async () => {
    await admin?.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  });
  return url;
}

/** The one factory for a bare database: a real SQLite file (or PostgreSQL database), migrated to the latest version. */
export async function createTestDb(): Promise<OpenDatabase> {
  const file = await testLocation('test.db');
  const handle = await openDatabase(file);
  cleanups.push(() => handle.close());
  return handle;
}

/** A summary-office ledger on the embedded 2019 plan (monthly unless told), on a real file, with a fixed clock. */
export async function createTestLedger(opts: { now?: () => Date; name?: string; frequency?: ReportingFrequency } = {}): Promise<OpenLedger> {
  const file = await testLocation(opts.name ?? 'summary.db');
  const ledger = await initSummary(file, { now: opts.now ?? fixedClock(), actor: '测试汇总端', ...(opts.frequency ? { frequency: opts.frequency } : {}) });
  cleanups.push(() => ledger.close());
  return ledger;
}
