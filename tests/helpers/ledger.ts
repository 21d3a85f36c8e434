import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/open';
import { initSummary } from '../../electron/services/plan/setup';
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

/** The one factory for a bare database: a real SQLite file, migrated to the latest version. */
export async function createTestDb(): Promise<OpenDatabase> {
  const file = join(tempDir(), 'test.db');
  const handle = await openDatabase(file);
  cleanups.push(() => handle.close());
  return handle;
}

/** A summary-office ledger on the embedded 2019 plan (monthly unless told), on a real file, with a fixed clock. */
export async function createTestLedger(opts: { now?: () => Date; name?: string; frequency?: ReportingFrequency } = {}): Promise<OpenLedger> {
  const file = join(tempDir(), opts.name ?? 'summary.db');
  const ledger = await initSummary(file, { now: opts.now ?? fixedClock(), actor: '测试汇总端', ...(opts.frequency ? { frequency: opts.frequency } : {}) });
  cleanups.push(() => ledger.close());
  return ledger;
}
