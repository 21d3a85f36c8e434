/**
 * The audit log is never lost (issue 10, item 2). The attack: `backup`, `lock --period 2019-01`,
 * `restore` from that backup; the lock's line was gone and the restore's line took its number; twenty
 * refused imports later (each made a backup) the rotation had deleted the before-restore copy, so no
 * file held the line any more. Now a restore carries every line the backup lacks, a batch that writes
 * nothing makes no backup, and the rotation keeps the newest before-restore copy.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { appendStoredAudit, type AuditRow, type StoredAuditLine } from '../../db/queries/audit';
import { backupNow, listBackups, restoreBackup } from '../../electron/services/backup/backup';
import { openLedger } from '../../electron/services/context';
import { lockPeriod, reopenPeriod } from '../../electron/services/entry/periods';
import { initSummary } from '../../electron/services/plan/setup';
import { runLedger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

const REFUSED = [
  new URL('../fixtures/packages/not-a-package-text-renamed.xlsx', import.meta.url).pathname,
  new URL('../fixtures/packages/report-visible-cell-edited-and-resaved.xlsx', import.meta.url).pathname,
];

/** Every audit line of a database file, oldest first, as stored. */
function lines(file: string): StoredAuditLine[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log ORDER BY id').all() as StoredAuditLine[];
  } finally {
    db.close();
  }
}

/** A line's content without its number. */
const content = (l: object) => JSON.stringify({ ...l, id: undefined });

/**
 * What every restore must leave: the backup's lines first, as they were; then every line of the
 * database before the restore that the backup lacked, in their order; then the restore's own line.
 */
function expectCarried(before: ReturnType<typeof lines>, backup: ReturnType<typeof lines>, after: ReturnType<typeof lines>): void {
  expect(after.slice(0, backup.length)).toEqual(backup);
  const had = backup.map(content);
  const missing = before.filter((l) => {
    const i = had.indexOf(content(l));
    if (i === -1) return true;
    had.splice(i, 1);
    return false;
  });
  expect(after.slice(backup.length, -1).map(content)).toEqual(missing.map(content));
  expect(after.at(-1)!.action).toBe('backup.restore');
  expect(after.map((l) => l.id)).toEqual(after.map((_l, i) => i + 1));
}

/** A clock that moves one minute forward every time it is read. */
function tickingClock(startIso = '2019-07-03T02:00:00.000Z') {
  let t = Date.parse(startIso);
  return () => new Date((t += 60_000));
}

describe('the attack, command by command', () => {
  it('backup, lock, restore, then 21 refused imports: the lock line survives after the restore, numbered before it, and the before-restore copy is still there', async () => {
    const db = join(tempDir(), 'S.db');
    expect((await runLedger('init', '--db', db)).code).toBe(0);
    const backup = JSON.parse((await runLedger('backup', '--db', db, '--json')).out) as { file: string };
    expect((await runLedger('lock', '--db', db, '--period', '2019-01')).code).toBe(0);
    const beforeRestore = lines(db);

    const restore = await runLedger('restore', '--db', db, '--from', backup.file);
    expect(restore.code).toBe(0);
    // The backup's own backup.create line (written once the copy was made) and the lock.
    expect(restore.out).toContain('审计日志未丢失:自该备份以来的 2 条审计记录已原样转入恢复后的数据库。');
    expectCarried(beforeRestore, lines(backup.file), lines(db));

    for (let i = 0; i < 21; i++) {
      const r = await runLedger('import', '--db', db, ...REFUSED);
      expect(r.code).toBe(1);
      expect(r.out).toContain('拒收 2');
    }

    const audit = JSON.parse((await runLedger('audit', '--db', db, '--json')).out) as AuditRow[];
    const lock = audit.find((r) => r.action === 'period.lock');
    const restored = audit.find((r) => r.action === 'backup.restore');
    expect(lock).toMatchObject({ entityId: '2019-01', actor: '命令行', after: { locked: true } });
    expect(restored!.id).toBe(lock!.id + 1);
    expect(restore.out).toContain(`第 ${restored!.id} 条`);
    expect(new Set(audit.map((r) => r.id)).size).toBe(audit.length);
    // The data is the backup's (the period is open again); the log says what happened.
    expect((await runLedger('lock', '--db', db, '--period', '2019-01')).code).toBe(0);

    // No refused batch made a backup; the copy made before the restore is still there and holds the line.
    const left = listBackups(db);
    expect(left.map((b) => b.reason)).toEqual(['before-restore', 'manual']);
    expect(lines(left[0]!.file).some((l) => l.action === 'period.lock' && l.entity_id === '2019-01')).toBe(true);
  }, 120_000);
});

describe('restore carries the audit lines the backup lacks', () => {
  it('undoing a restore, restoring the same backup twice: every line kept, in order, each once', async () => {
    const now = tickingClock();
    const l = await initSummary(join(tempDir(), 'S.db'), { now, actor: '汇总端' });
    const file = l.file;
    const b0 = await backupNow(l, { reason: 'manual' });
    await lockPeriod(l, '2019-01');
    await lockPeriod(l, '2019-02');
    await l.close();

    let before = lines(file);
    const first = await restoreBackup(file, b0.file, { now, actor: '汇总端' });
    // Its own backup.create line (written after the copy) and the two locks.
    expect(first).toMatchObject({ carriedAudit: 3, auditNotCarried: null });
    expectCarried(before, lines(b0.file), lines(file));
    expect(first.restoreAuditId).toBe(lines(file).at(-1)!.id);

    // Undo: the copy made before the restore goes back; the first restore's own line stays.
    before = lines(file);
    const undo = await restoreBackup(file, first.safetyCopy!.file, { now, actor: '汇总端' });
    expect(undo.carriedAudit).toBe(1);
    expectCarried(before, lines(first.safetyCopy!.file), lines(file));
    expect(lines(file).map((x) => x.action).slice(-2)).toEqual(['backup.restore', 'backup.restore']);

    // The same backup again: everything since it is carried once more, nothing twice.
    before = lines(file);
    const again = await restoreBackup(file, b0.file, { now, actor: '汇总端' });
    expect(again.carriedAudit).toBe(before.length - lines(b0.file).length);
    expectCarried(before, lines(b0.file), lines(file));
    expect(lines(file).filter((x) => x.action === 'period.lock').map((x) => x.entity_id)).toEqual(['2019-01', '2019-02']);
  });

  it('a backup from another line of history: the lines it lacks are carried after its own, the lines it shares are not repeated', async () => {
    const now = tickingClock();
    const dir = tempDir();
    const l = await initSummary(join(dir, 'S.db'), { now, actor: '汇总端' });
    const file = l.file;
    const b0 = await backupNow(l, { reason: 'manual' });
    await lockPeriod(l, '2019-01');
    const b1 = await backupNow(l, { reason: 'manual' });
    await l.close();

    // Another line of history from b0: a copy worked on elsewhere, which also locked 2019-01 then
    // opened it again. Its lines after b0's differ from this database's at the same numbers.
    const other = join(dir, 'elsewhere.db');
    fs.copyFileSync(b0.file, other);
    const o = await openLedger(other, { now, actor: '另一台电脑' });
    await lockPeriod(o, '2019-03');
    await reopenPeriod(o, '2019-03', '误操作');
    // One line with the very content of one of ours (the same event copied there): had, so not repeated.
    await appendStoredAudit(o.db, [lines(file).find((x) => x.action === 'period.lock')!]);
    await o.close();
    const otherBackup = join(dir, 'elsewhere.bak');
    fs.copyFileSync(other, otherBackup);
    for (const suffix of ['-wal', '-shm']) expect(fs.existsSync(other + suffix)).toBe(false);

    const before = lines(file);
    const r = await restoreBackup(file, otherBackup, { now, actor: '汇总端' });
    expectCarried(before, lines(otherBackup), lines(file));
    // b0's lines and the shared lock line are had; the backup.create of b1 is carried.
    expect(r.carriedAudit).toBe(before.length - lines(b0.file).length - 1);
    const after = lines(file);
    expect(after.filter((x) => x.action === 'period.lock' && x.entity_id === '2019-01')).toHaveLength(1);
    expect(JSON.parse(after.at(-1)!.after!)).toMatchObject({ carried: r.carriedAudit, sameHistory: false });

    // And restoring b1 (of this history) afterwards carries what b1 lacks, again nothing twice.
    const before2 = lines(file);
    await restoreBackup(file, b1.file, { now, actor: '汇总端' });
    expectCarried(before2, lines(b1.file), lines(file));
  });

  /** A database whose pages of `table` (its root page) a failing disk overwrote. */
  async function damagedAt(table: string, type: 'table' | 'index'): Promise<{ db: string; backup: { file: string } }> {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await runLedger('init', '--db', db)).code).toBe(0);
    const backup = JSON.parse((await runLedger('backup', '--db', db, '--json')).out) as { file: string };
    expect((await runLedger('lock', '--db', db, '--period', '2019-01')).code).toBe(0);
    const probe = new BetterSqlite3(db, { readonly: true });
    const { rootpage } = probe.prepare('select rootpage from sqlite_master where type = ? and tbl_name = ? order by rootpage limit 1').get(type, table) as { rootpage: number };
    probe.close();
    const pageSize = fs.readFileSync(db).readUInt16BE(16);
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(fd);
    return { db, backup };
  }

  it('a database damaged elsewhere (an index of the reports) whose audit log still reads: its entries since the backup are carried, numbered on', async () => {
    const { db, backup } = await damagedAt('reports', 'index');
    const r = await runLedger('restore', '--db', db, '--from', backup.file, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { carriedAudit: number; auditNotCarried: string | null; damagedCopy: string };
    expect(result.carriedAudit).toBe(2); // the backup itself, and the lock
    expect(result.auditNotCarried).toBeNull();
    const after = lines(db);
    expect(after.filter((x) => x.action === 'period.lock' && x.entity_id === '2019-01')).toHaveLength(1);
    expect(after.map((x) => x.id)).toEqual(after.map((_x, i) => i + 1));
  });

  it('a damaged audit log: nothing can be carried, and the result and the command say so and where the lines are', async () => {
    const { db, backup } = await damagedAt('audit_log', 'table');

    const r = await runLedger('restore', '--db', db, '--from', backup.file, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { carriedAudit: number; auditNotCarried: string; damagedCopy: string };
    expect(result.carriedAudit).toBe(0);
    expect(result.auditNotCarried).toMatch(/^原数据库已损坏,自备份以来的审计记录无法读出、未能转入恢复后的数据库;它们仍在保留的损坏文件 S\.db\..+\.damaged 中。$/);
    expect(fs.existsSync(result.damagedCopy)).toBe(true);
    const last = lines(db).at(-1)!;
    expect(JSON.parse(last.after!)).toMatchObject({ carried: 0, auditNotCarried: result.auditNotCarried });

    // In words, without --json.
    fs.writeFileSync(db, fs.readFileSync(result.damagedCopy));
    for (const suffix of ['-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
    const text = await runLedger('restore', '--db', db, '--from', backup.file);
    expect(text.out).toContain('原数据库已损坏,自备份以来的审计记录无法读出');
  });
});

describe('rotation', () => {
  it('never deletes the newest copy made before a restore: 25 backups after two restores keep it, and let the older one go', async () => {
    const now = tickingClock();
    let l = await initSummary(join(tempDir(), 'S.db'), { now, actor: '汇总端' });
    const file = l.file;
    const b = await backupNow(l, { reason: 'manual' });
    await l.close();
    const older = (await restoreBackup(file, b.file, { now })).safetyCopy!;
    const newest = (await restoreBackup(file, b.file, { now })).safetyCopy!;
    l = await openLedger(file, { now });
    try {
      for (let i = 0; i < 25; i++) await backupNow(l, { reason: i % 2 ? 'manual' : 'before-import' });
    } finally {
      await l.close();
    }
    const left = listBackups(file);
    expect(left).toHaveLength(21);
    expect(left.filter((x) => x.reason === 'before-restore').map((x) => x.file)).toEqual([newest.file]);
    expect(fs.existsSync(older.file)).toBe(false);
    expect(left.at(-1)!.file).toBe(newest.file);
  });

  it('restoring the oldest backup kept, or undoing a restore from its copy when the folder is full, keeps the file being restored and succeeds', async () => {
    const now = tickingClock();
    let l = await initSummary(join(tempDir(), 'S.db'), { now, actor: '汇总端' });
    const file = l.file;
    for (let i = 0; i < 20; i++) await backupNow(l, { reason: 'manual' });
    await l.close();
    const oldest = listBackups(file).at(-1)!;
    const first = await restoreBackup(file, oldest.file, { now });
    expect(first.safetyCopy).not.toBeNull();
    expect(fs.existsSync(oldest.file)).toBe(true);

    // The program's advice after a restore: restore its before-restore copy to undo it, even 20 backups later.
    l = await openLedger(file, { now });
    try {
      for (let i = 0; i < 20; i++) await backupNow(l, { reason: 'manual' });
    } finally {
      await l.close();
    }
    const undo = first.safetyCopy!.file;
    expect(fs.existsSync(undo)).toBe(true);
    const second = await restoreBackup(file, undo, { now });
    expect(second.safetyCopy).not.toBeNull();
    expect(fs.existsSync(undo)).toBe(true);
  });
});
