/**
 * What an independent attack on backup and restore found (2026-12-01): a restore that took another year's
 * backup, one that renamed over a database another program still had open (its later writes lost without a
 * word), one onto a read-only file that still wrote a copy while saying nothing was changed, a rotation that
 * let the latest restore's undo copy go once a wrong clock had given an older copy a later name, and `backups`
 * calling a healthy database on a write-protected stick (or one held by another program) unreadable.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createHandlers, dispatch, LedgerSession, type Dialogs } from '../../electron/services/api';
import { backupNow, listBackups, restoreBackup } from '../../electron/services/backup/backup';
import { openLedger } from '../../electron/services/context';
import { initSummary } from '../../electron/services/plan/setup';
import { runLedger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';
import { makeReadOnly } from '../helpers/read-only';

/** A clock that moves one minute forward every time it is read, from `startIso`. */
function tickingClock(startIso = '2019-07-03T02:00:00.000Z') {
  let t = Date.parse(startIso);
  return () => new Date((t += 60_000));
}

/** A summary office with one manual backup, closed. */
async function officeWithBackup(now = tickingClock()) {
  const l = await initSummary(join(tempDir(), 'S.db'), { now, actor: '汇总端' });
  const backup = await backupNow(l, { reason: 'manual' });
  await l.close();
  return { file: l.file, backup: backup.file, now };
}

const bytesOf = (file: string) => fs.readFileSync(file);
const audit = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);
  } finally {
    db.close();
  }
};

describe('restore refuses, changing nothing', () => {
  it('a backup of another year’s ledger (a new year keeps the key): E_WRONG_PLAN naming both years, and how to look at it instead', async () => {
    const { file, backup } = await officeWithBackup();
    // The 2020 ledger of the same office, as `init --carry-from` makes it: same key, another year's plan.
    const other = join(tempDir(), 'S2020.bak');
    fs.copyFileSync(backup, other);
    const db = new BetterSqlite3(other);
    db.prepare('UPDATE plans SET year = 2020').run();
    db.close();
    const before = bytesOf(file);
    const err = await restoreBackup(file, other).then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(err?.code).toBe('E_WRONG_PLAN');
    expect(err?.message).toMatch(/是 2020 年计划的台账,本数据库是 2019 年的.*未做任何修改.*restore --db 新文件名\.db --from/);
    expect(bytesOf(file).equals(before)).toBe(true);
    expect(listBackups(file).map((b) => b.reason)).toEqual(['manual']);
    // Restored as a file of its own, it can be looked at.
    const apart = join(tempDir(), 'S2020.db');
    await restoreBackup(apart, other);
    const plan = await runLedger('plan', '--db', apart);
    expect(plan.code).toBe(0);
  });

  it('a database another program still has open (idle, between two writes): E_DB_BUSY, and that program’s next write is not lost', async () => {
    const { file, backup } = await officeWithBackup();
    const app = new BetterSqlite3(file);
    try {
      app.prepare('SELECT count(*) FROM audit_log').get();
      const err = await restoreBackup(file, backup).then(() => null, (e: unknown) => e as { code: string; message: string });
      expect(err?.code).toBe('E_DB_BUSY');
      expect(err?.message).toMatch(/正被另一个程序打开.*请先关闭它,再恢复。未做任何修改。/);
      app.prepare("INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ('2019-07-04T00:00:00Z', '窗口', 'period.lock', 'period', '2019-06')").run();
    } finally {
      app.close();
    }
    expect(audit(file)).toContain('period.lock');
    expect(listBackups(file).map((b) => b.reason)).toEqual(['manual']);
    // Closed, the restore goes ahead (and carries that line).
    const r = await restoreBackup(file, backup);
    expect(r.carriedAudit).toBeGreaterThan(0);
    expect(audit(file)).toContain('period.lock');
  });

  it('a read-only database file in a writable folder: E_READ_ONLY naming the file, and no before-restore copy is written', async (t) => {
    const { file, backup } = await officeWithBackup();
    const undo = makeReadOnly(file);
    if (!undo) return t.skip();
    try {
      const r = await runLedger('restore', '--db', file, '--from', backup);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^错误 \[E_READ_ONLY\]:数据库文件 .*S\.db 是只读的.*未做任何修改。/m);
    } finally {
      undo();
    }
    expect(listBackups(file).map((b) => b.reason)).toEqual(['manual']);
  });
});

describe('the app’s own restore', () => {
  it('closes its session first, so the check for another program lets it through, and it reopens on the restored data', async () => {
    const { file, backup } = await officeWithBackup();
    expect((await runLedger('lock', '--db', file, '--period', '2019-01')).code).toBe(0);
    const dialogs: Dialogs = { openFiles: async () => null, openFolder: async () => null, chooseFolder: async () => null, saveFile: async () => null };
    const session = new LedgerSession(file, { actor: '本机用户' });
    try {
      const handlers = createHandlers({ session, dialogs, emit: () => undefined });
      expect(await dispatch(handlers, 'backup:list', undefined)).toMatchObject({ ok: true });
      const r = await dispatch(handlers, 'backup:restore', { name: backup.split('/').at(-1)! });
      expect(r).toMatchObject({ ok: true, value: { carriedAudit: 2 } });
      expect(await dispatch(handlers, 'audit:list', {})).toMatchObject({ ok: true });
    } finally {
      await session.close();
    }
  });
});

describe('rotation keeps the latest restore’s undo copy by the audit log, not by its name', () => {
  it('a restore made while the clock was a year ahead, then one with the clock right, then 20 backups: the second restore’s copy is kept', async () => {
    const { file, backup } = await officeWithBackup(tickingClock('2019-07-03T02:00:00.000Z'));
    await restoreBackup(file, backup, { now: tickingClock('2020-07-03T02:00:00.000Z') });
    const latest = (await restoreBackup(file, backup, { now: tickingClock('2019-07-04T02:00:00.000Z') })).safetyCopy!;
    const l = await openLedger(file, { now: tickingClock('2019-07-05T02:00:00.000Z') });
    try {
      for (let i = 0; i < 20; i++) await backupNow(l, { reason: 'manual' });
    } finally {
      await l.close();
    }
    expect(fs.existsSync(latest.file)).toBe(true);
    // And undoing it still works.
    await expect(restoreBackup(file, latest.file)).resolves.toMatchObject({ restoredFrom: latest.file });
  });
});

describe('ledger backups / restore / import --dry-run, said as they are', () => {
  it('on a write-protected folder `backups` checks the file in memory (no restore advised) and `import --dry-run` previews from a copy', async (t) => {
    const { file } = await officeWithBackup();
    const folder = join(file, '..');
    const undo = makeReadOnly(folder);
    if (!undo) return t.skip();
    try {
      const list = await runLedger('backups', '--db', file);
      expect({ code: list.code, out: list.out }).toMatchObject({ code: 0 });
      expect(list.out).not.toMatch(/注意|恢复:/);
      const preview = await runLedger('import', '--db', file, '--dry-run', new URL('../fixtures/packages/not-a-package-text-renamed.xlsx', import.meta.url).pathname);
      expect(preview.err).toMatch(/所在位置只读.*已在内存中打开它的副本查看/);
      expect(preview.out).toMatch(/将被拒收/);
      expect(preview.err).not.toMatch(/E_READ_ONLY/);
    } finally {
      undo();
    }
  });

  it('`backups` on a database another program holds: says it is busy, and advises no restore', async () => {
    const { file } = await officeWithBackup();
    // A program in exclusive locking mode keeps its lock after its first write: readers are shut out too.
    const holder = new BetterSqlite3(file);
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec("BEGIN EXCLUSIVE; INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ('2019-07-04T00:00:00Z', '另一个程序', 'test.hold', 'test', 'x'); COMMIT");
      const list = await runLedger('backups', '--db', file);
      expect(list.code).toBe(1);
      expect(list.out).toMatch(/正被另一个程序独占使用,暂时无法检查/);
      expect(list.out).not.toMatch(/恢复:|database is locked/);
    } finally {
      holder.close();
    }
  });

  it('a restore says which changes since the backup its data no longer holds (the audit lines carried over)', async () => {
    const { file, backup } = await officeWithBackup();
    expect((await runLedger('lock', '--db', file, '--period', '2019-01')).code).toBe(0);
    const r = await runLedger('restore', '--db', file, '--from', backup);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/注意:这 2 条记录\(审计日志第 2–3 条\)所做的导入、录入、关账等修改不在恢复后的数据中/);
  });
});
