/**
 * Backups of a ledger on either store, named, rotated and audited alike; on PostgreSQL made by pg_dump, checked
 * here by restoring one with pg_restore into a fresh database and comparing every table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { listAudit } from '../../db/queries/audit';
import { pgToolPath } from '../../db/dialect/postgres-tools';
import { backupNow, checkStoreHealth, defaultBackupDir, listBackups, restoreBackup } from '../../electron/services/backup/backup';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { LedgerError } from '../../shared/errors';
import { runLedger } from '../helpers/cli';
import { createTestLedger, tempDir, testDialect, testLocation } from '../helpers/ledger';

const CANLIAN_JUNE: EntryItem[] = [
  { task: 24, status: '推进中', progress: '药费补助已发放', problems: '', nextSteps: '' },
  { task: 24, indicator: 1, value: 1632 },
  { task: 24, indicator: 2, value: 214 },
];

const NAME = /^.+\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z(?:\.\d+)?\.manual\.bak$/;

async function refusal(p: Promise<unknown>): Promise<LedgerError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LedgerError);
  return err as LedgerError;
}

/** Every row of every table of a PostgreSQL database, in a fixed order, as text. */
async function everyRow(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
    const out: Record<string, string[]> = {};
    for (const { table_name: t } of tables.rows) {
      out[t] = (await client.query<{ r: string }>(`SELECT x::text AS r FROM "${t}" x ORDER BY x::text`)).rows.map((row) => row.r);
    }
    return out;
  } finally {
    await client.end();
  }
}

describe('backupNow on either store', () => {
  it('writes a backup under the ledger’s name in <local base>.backups/, lists it, audits it, and keeps the newest `keep`', async () => {
    let t = Date.parse('2019-07-03T02:00:00.000Z');
    const ledger = await createTestLedger({ now: () => new Date(t) });
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await backupNow(ledger, { reason: 'manual', keep: 2 }));
      t += 60_000;
    }
    const dir = defaultBackupDir(ledger.file);
    const listed = listBackups(ledger.file);
    expect(listed.map((b) => b.file)).toEqual([made[2]!.file, made[1]!.file]);
    expect(existsSync(made[0]!.file)).toBe(false);
    for (const b of listed) {
      expect(basename(b.file)).toMatch(NAME);
      expect(basename(b.file).startsWith(`${basename(ledger.file)}.`)).toBe(true);
      expect(b.bytes).toBeGreaterThan(1000);
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const audit = await listAudit(ledger.db, { action: 'backup.create' });
    expect(audit.map((a) => a.entityId)).toEqual(made.map((b) => basename(b.file)).reverse());
  });
});

describe.skipIf(testDialect() !== 'postgres')('PostgreSQL backups (pg_dump)', () => {
  it('a pg_dump backup restored by pg_restore into a fresh database holds every row as it was at the backup, triggers included', async () => {
    const ledger = await createTestLedger();
    await enterReports(ledger, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    const before = await everyRow(ledger.handle.location);
    const backup = await backupNow(ledger, { reason: 'manual' });
    // Written after the backup: the restored copy must not have it.
    await enterReports(ledger, { unit: '市残联', period: '2019-06', items: [{ task: 24, indicator: 3, value: 30 }], replace: true });

    const fresh = await testLocation('restored');
    execFileSync(pgToolPath('pg_restore'), ['--no-owner', '--exit-on-error', `--dbname=${fresh}`, backup.file], { stdio: 'pipe' });
    const after = await everyRow(fresh);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after.reports!.length).toBeGreaterThan(0);
    // The audit log holds the backup's own line only in the live database (it is written after the copy).
    expect(after).toEqual(before);
    expect((await everyRow(ledger.handle.location)).report_values).not.toEqual(after.report_values);

    // The restored copy opens as a ledger, and its audit log is append-only as the original's.
    const restored = await openDatabase(fresh, { mustExist: true });
    try {
      await expect(sql`DELETE FROM audit_log`.execute(restored.db)).rejects.toThrow();
      expect((await restored.db.selectFrom('reports').selectAll().execute()).length).toBe(after.reports!.length);
    } finally {
      await restored.close();
    }
  });

  it('without pg_dump it says in Chinese to install the client tools, and leaves no file and no audit line', async () => {
    const ledger = await createTestLedger();
    const empty = tempDir();
    const saved = process.env.LEDGER_PG_BIN;
    process.env.LEDGER_PG_BIN = empty;
    try {
      const err = await refusal(backupNow(ledger, { reason: 'manual' }));
      expect(err.code).toBe('E_NOT_FOUND');
      expect(err.message).toContain('pg_dump');
      expect(err.message).toContain('PostgreSQL 客户端工具');
      expect(err.message).toContain(empty);
    } finally {
      if (saved === undefined) delete process.env.LEDGER_PG_BIN;
      else process.env.LEDGER_PG_BIN = saved;
    }
    expect(listBackups(ledger.file)).toEqual([]);
    const dir = defaultBackupDir(ledger.file);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    expect(await listAudit(ledger.db, { action: 'backup.create' })).toEqual([]);
  });

  it('a restore is refused with the administrator’s pg_restore command, and the database is left as it was', async () => {
    const ledger = await createTestLedger();
    const backup = await backupNow(ledger, { reason: 'manual' });
    const rows = await everyRow(ledger.handle.location);
    const err = await refusal(restoreBackup(ledger.handle.location, backup.file));
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toContain('pg_restore --clean --if-exists -d');
    expect(err.message).toContain(backup.file);
    expect(err.message).not.toMatch(/password|:\/\/[^@/]*:[^@/]*@/);
    expect(await everyRow(ledger.handle.location)).toEqual(rows);
  });

  it('ledger backup / backups / restore on a postgres:// address', async () => {
    const ledger = await createTestLedger();
    const url = ledger.handle.location;
    const made = await runLedger('backup', '--db', url);
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^已备份数据库 .* 到 .*\.backups\/.*\.manual\.bak/);
    const list = await runLedger('backups', '--db', url, '--json');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out) as { file: string }[];
    expect(rows.map((r) => r.file)).toEqual(listBackups(ledger.file).map((b) => b.file));
    expect(rows).toHaveLength(1);
    const restore = await runLedger('restore', '--db', url, '--from', rows[0]!.file);
    expect(restore.code).not.toBe(0);
    expect(restore.err).toContain('pg_restore --clean --if-exists');
  });

  it('the start-up check is a connection: ok for the server, a Chinese reason for a server that is not there', async () => {
    const ledger = await createTestLedger();
    expect(await checkStoreHealth(ledger.handle.location)).toEqual({ ok: true });
    const nowhere = await checkStoreHealth('postgres://ledger@127.0.0.1:1/ledger');
    expect(nowhere).toMatchObject({ ok: false, damaged: false, lastGoodBackup: null });
    expect(nowhere.ok ? '' : nowhere.problem).toContain('连接不上');
  });
});

describe.skipIf(testDialect() !== 'sqlite')('checkStoreHealth on SQLite', () => {
  it('is the file’s integrity check', async () => {
    expect(await checkStoreHealth(join(tempDir(), 'missing.db'))).toMatchObject({ ok: false, damaged: false });
    const ledger = await createTestLedger();
    expect(await checkStoreHealth(ledger.file)).toEqual({ ok: true });
  });
});
