import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { LATEST_VERSION } from '../../db/migrations';
import { listAudit } from '../../db/queries/audit';
import {
  backupNow, checkBackupFile, checkDatabaseHealth, defaultBackupDir, listBackups, restoreBackup, type BackupInfo,
} from '../../electron/services/backup/backup';
import { openLedger, type OpenLedger } from '../../electron/services/context';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { keyFilePath } from '../../electron/services/keys/keys';
import { initSummary } from '../../electron/services/plan/setup';
import { LedgerError } from '../../shared/errors';
import { runLedger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

// Pass-through, so one test can make the final rename fail as a full disk would.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, renameSync: vi.fn(actual.renameSync) };
});

const CANLIAN_JUNE: EntryItem[] = [
  { task: 24, status: '推进中', progress: '药费补助已发放', problems: '', nextSteps: '' },
  { task: 24, indicator: 1, value: 1632 },
  { task: 24, indicator: 2, value: 214 },
  { task: 24, indicator: 3, value: 30 },
];

/** A clock that moves one minute forward every time it is advanced. */
function steppingClock(startIso = '2019-07-03T02:00:00.000Z') {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms = 60_000) => { t += ms; } };
}

/** A summary ledger on a real file in its own folder; the caller closes it (restore needs it closed). */
async function newLedger(dir = tempDir(), name = 'S.db', now = steppingClock().now): Promise<OpenLedger> {
  return initSummary(join(dir, name), { now, actor: '测试汇总端' });
}

function countRows(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<LedgerError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(LedgerError);
    return err as LedgerError;
  }
  throw new Error('expected a refusal');
}

describe('backupNow', () => {
  it('copies every committed row of the open WAL database, audits it, and never copies the key file', async () => {
    const l = await newLedger();
    try {
      await enterReports(l, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
      // The rows are committed but still only in the WAL: the backup must include them anyway.
      expect(statSync(`${l.file}-wal`).size).toBeGreaterThan(0);
      const b = await backupNow(l, { reason: 'manual' });
      expect(b).toMatchObject({ reason: 'manual', createdAt: '2019-07-03T02:00:00.000Z' });
      expect(b.file).toBe(join(defaultBackupDir(l.file), 'S.db.2019-07-03T02-00-00.000Z.manual.bak'));
      expect(b.bytes).toBe(statSync(b.file).size);
      expect(countRows(b.file, 'reports')).toBe(1);
      expect(countRows(b.file, 'report_values')).toBe(3);
      // One self-contained file: rollback-journal mode, no -wal/-shm beside it, nothing else in the folder.
      expect(readFileSync(b.file)[18]).toBe(1);
      expect(readdirSync(defaultBackupDir(l.file))).toEqual([basename(b.file)]);
      expect(readFileSync(b.file).includes('PRIVATE KEY')).toBe(false);
      const pem = readFileSync(keyFilePath(l.file), 'utf8');
      const keyBody = pem.split('\n')[1]!;
      expect(readFileSync(b.file).includes(keyBody)).toBe(false);
      expect(checkBackupFile(b.file)).toMatchObject({ role: 'summary', userVersion: LATEST_VERSION });

      const audit = await listAudit(l.db, { action: 'backup.create' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: '测试汇总端', entityId: basename(b.file), after: { reason: 'manual', bytes: b.bytes } });

      // A plain Ctx (no raw handle), as the import service has, backs up through its own read-only connection.
      await enterReports(l, { unit: '市人社局', period: '2019-06', items: [{ task: 1, status: '推进中', progress: '培训在推进' }] });
      const plain = await backupNow({ db: l.db, file: l.file, now: () => new Date('2019-07-03T03:00:00.000Z'), actor: '导入' }, { reason: 'before-import' });
      expect(basename(plain.file)).toBe('S.db.2019-07-03T03-00-00.000Z.before-import.bak');
      expect(countRows(plain.file, 'reports')).toBe(2);
      expect(listBackups(l.file).map((x) => x.reason)).toEqual(['before-import', 'manual']);
    } finally {
      await l.close();
    }
  });

  it('keeps a bounded history: 25 backups leave the newest 20, and a foreign file is never touched', async () => {
    const clock = steppingClock();
    const l = await newLedger(tempDir(), 'S.db', clock.now);
    try {
      const dir = defaultBackupDir(l.file);
      mkdirSync(dir, { recursive: true });
      const foreign = join(dir, 'S.db.我的备份.bak');
      writeFileSync(foreign, '用户自己放的文件');
      const made: BackupInfo[] = [];
      for (let i = 0; i < 25; i++) {
        made.push(await backupNow(l, { reason: i % 2 ? 'before-import' : 'manual' }));
        clock.advance();
      }
      const left = listBackups(l.file);
      expect(left).toHaveLength(20);
      expect(left[0]!.file).toBe(made[24]!.file);
      expect(left.map((b) => b.file)).toEqual(made.slice(5).reverse().map((b) => b.file));
      expect(existsSync(made[4]!.file)).toBe(false);
      expect(readFileSync(foreign, 'utf8')).toBe('用户自己放的文件');
      expect(readdirSync(dir)).toHaveLength(21);
      expect(readdirSync(dir).some((n) => n.endsWith('.key') || n.endsWith('.tmp'))).toBe(false);

      // Two backups in the same millisecond both survive and sort newest first.
      const a = await backupNow(l, { reason: 'manual', keep: 3 });
      const b = await backupNow(l, { reason: 'manual', keep: 3 });
      expect(basename(b.file)).toBe(`${basename(a.file).replace('.manual.bak', '')}.2.manual.bak`);
      expect(listBackups(l.file).map((x) => x.file)).toEqual([b.file, a.file, made[24]!.file]);
    } finally {
      await l.close();
    }
  });

  it('a folder it cannot write to gives E_WRITE_FAILED naming the folder, and leaves no file behind', async () => {
    const tmp = tempDir();
    const l = await newLedger(tmp);
    try {
      // chmod does not stop root; a path under a regular file fails for everyone (ENOTDIR).
      let dir: string;
      if (process.getuid?.() === 0) {
        writeFileSync(join(tmp, 'afile'), 'x');
        dir = join(tmp, 'afile', 'backups');
      } else {
        dir = join(tmp, 'readonly');
        mkdirSync(dir);
        chmodSync(dir, 0o555);
      }
      const err = await refusal(backupNow(l, { reason: 'manual', dir }));
      expect(err.code).toBe('E_WRITE_FAILED');
      expect(err.message).toContain(dir);
      expect(err.message).toMatch(/无法在备份文件夹.*写入备份/);
      expect(readdirSync(tmp).filter((n) => n.includes('.tmp'))).toEqual([]);
      if (existsSync(dir) && statSync(dir).isDirectory()) expect(readdirSync(dir)).toEqual([]);
      expect(await listAudit(l.db, { action: 'backup.create' })).toHaveLength(0);
    } finally {
      await l.close();
    }
  });

  it('a full disk at the last step leaves neither a temporary nor a half-written backup', async () => {
    const l = await newLedger();
    try {
      const dir = defaultBackupDir(l.file);
      vi.mocked(fs.renameSync).mockImplementationOnce(() => {
        throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
      });
      const err = await refusal(backupNow(l, { reason: 'manual' }));
      expect(err.code).toBe('E_WRITE_FAILED');
      expect(err.message).toContain('磁盘空间不足');
      expect(err.message).toContain(dir);
      expect(readdirSync(dir)).toEqual([]);
      // The next one works.
      expect(existsSync((await backupNow(l, { reason: 'manual' })).file)).toBe(true);
    } finally {
      await l.close();
    }
  });
});

describe('restoreBackup', () => {
  it('brings back the old rows, keeps a before-restore copy that undoes it, and audits the restore', async () => {
    const clock = steppingClock();
    let l = await newLedger(tempDir(), 'S.db', clock.now);
    const file = l.file;
    const keyBefore = readFileSync(keyFilePath(file));
    const old = await backupNow(l, { reason: 'manual' });
    clock.advance();
    await enterReports(l, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    await l.close();
    expect(countRows(file, 'reports')).toBe(1);

    const r = await restoreBackup(file, old.file, { now: clock.now, actor: '测试汇总端' });
    expect(countRows(file, 'reports')).toBe(0);
    expect(r.restoredFrom).toBe(old.file);
    expect(r.damagedCopy).toBeNull();
    expect(r.safetyCopy).toMatchObject({ reason: 'before-restore', createdAt: '2019-07-03T02:01:00.000Z' });
    expect(countRows(r.safetyCopy!.file, 'reports')).toBe(1);
    expect(readFileSync(keyFilePath(file))).toEqual(keyBefore);
    expect(readdirSync(join(file, '..')).filter((n) => n.includes('.tmp'))).toEqual([]);

    l = await openLedger(file, { now: clock.now });
    try {
      const audit = await listAudit(l.db, { action: 'backup.restore' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: '测试汇总端', entityId: basename(old.file), after: { from: basename(old.file), safetyCopy: basename(r.safetyCopy!.file) } });
    } finally {
      await l.close();
    }

    // Undo: restoring the safety copy brings the report back.
    clock.advance();
    await restoreBackup(file, r.safetyCopy!.file, { now: clock.now });
    expect(countRows(file, 'reports')).toBe(1);
  });

  it('refuses a foreign SQLite file, a text file, a truncated backup, a newer backup and another installation, changing nothing', async () => {
    const dir = tempDir();
    const l = await newLedger(dir);
    const file = l.file;
    const good = await backupNow(l, { reason: 'manual' });
    await enterReports(l, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    await l.close();

    const foreign = join(dir, 'other.sqlite');
    const f = new BetterSqlite3(foreign);
    f.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT); INSERT INTO settings VALUES (\'role\', \'summary\')');
    f.close();

    const text = join(dir, 'notes.bak');
    writeFileSync(text, '这只是一个改了扩展名的文本文件\n'.repeat(50));

    const truncated = join(dir, 'truncated.bak');
    const bytes = readFileSync(good.file);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));

    const future = join(dir, 'future.bak');
    copyFileSync(good.file, future);
    const fu = new BetterSqlite3(future);
    fu.pragma('user_version = 99');
    fu.close();

    const otherLedger = await newLedger(tempDir(), 'S.db');
    const otherInstall = (await backupNow(otherLedger, { reason: 'manual' })).file;
    await otherLedger.close();

    const before = sha256(file);
    const backupsBefore = listBackups(file).map((b) => b.file);
    const cases: [string, string, RegExp][] = [
      [foreign, 'E_NOT_LEDGER_DB', /不是民生工作督办台账的数据库/],
      [text, 'E_NOT_LEDGER_DB', /不是民生工作督办台账的数据库或备份/],
      [truncated, 'E_UNREADABLE', /不完整|已损坏/],
      [future, 'E_DB_FROM_FUTURE', /更新版本的程序.*99/],
      [otherInstall, 'E_KEY_MISMATCH', /另一台电脑或另一个数据库/],
    ];
    for (const [backup, code, message] of cases) {
      const err = await refusal(restoreBackup(file, backup));
      expect({ backup: basename(backup), code: err.code }).toEqual({ backup: basename(backup), code });
      expect(err.message).toMatch(message);
      expect(err.message).toContain('未做任何修改');
      expect(sha256(file)).toBe(before);
      expect(countRows(file, 'reports')).toBe(1);
      expect(listBackups(file).map((b) => b.file)).toEqual(backupsBefore);
    }
    // Checking reads the file into memory: nothing appears beside the files checked.
    const checked = cases.map(([backup]) => basename(backup));
    expect(readdirSync(dir).filter((n) => checked.some((c) => n.startsWith(`${c}-`)) || n.includes('.tmp'))).toEqual([]);
    expect((await refusal(() => checkBackupFile(join(dir, 'missing.bak')))).code).toBe('E_NOT_FOUND');
  });
});

describe('checkDatabaseHealth', () => {
  it('says ok for an intact database, and for a damaged one names the newest backup that is itself good', async () => {
    const clock = steppingClock();
    const l = await newLedger(tempDir(), 'S.db', clock.now);
    const file = l.file;
    await backupNow(l, { reason: 'manual' });
    clock.advance();
    await enterReports(l, { unit: '市残联', period: '2019-06', items: CANLIAN_JUNE });
    const newestGood = await backupNow(l, { reason: 'before-import' });
    clock.advance();
    // The newest file in the folder is itself cut off, so it must not be the one offered.
    const broken = await backupNow(l, { reason: 'manual' });
    truncateSync(broken.file, Math.floor(broken.bytes / 2));
    await l.close();
    expect(checkDatabaseHealth(file)).toEqual({ ok: true });

    // Garbage over pages 2 to 4, as a failing disk would leave.
    const pageSize = readFileSync(file).readUInt16BE(16);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize * 3, 0xa5), 0, pageSize * 3, pageSize);
    fs.closeSync(fd);
    const h = checkDatabaseHealth(file);
    expect(h.ok).toBe(false);
    if (h.ok) return;
    expect(h).toMatchObject({ damaged: true, problem: expect.stringContaining('已损坏') });
    expect(h.lastGoodBackup?.file).toBe(newestGood.file);

    // Restoring it over the damaged file keeps the damaged bytes aside and leaves a healthy database.
    const damagedBytes = readFileSync(file);
    const r = await restoreBackup(file, h.lastGoodBackup!.file, { now: clock.now });
    expect(r.safetyCopy).toBeNull();
    expect(readFileSync(r.damagedCopy!)).toEqual(damagedBytes);
    expect(checkDatabaseHealth(file)).toEqual({ ok: true });
    expect(countRows(file, 'reports')).toBe(1);
  });

  it('reports a truncated database, a missing one, and cleans up what a crashed restore left', async () => {
    const dir = tempDir();
    const l = await newLedger(dir);
    const file = l.file;
    const good = await backupNow(l, { reason: 'manual' });
    await l.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    // A restore that died mid-copy (its process is gone) left this behind.
    const leftover = `${file}.restore.999999-0123456789ab.tmp`;
    writeFileSync(leftover, 'half');
    const h = checkDatabaseHealth(file);
    expect(h).toMatchObject({ ok: false, damaged: true, lastGoodBackup: { file: good.file } });
    expect(existsSync(leftover)).toBe(false);

    fs.unlinkSync(file);
    expect(checkDatabaseHealth(file)).toMatchObject({ ok: false, damaged: false, problem: expect.stringContaining('找不到数据库文件'), lastGoodBackup: { file: good.file } });
  });
});

describe('ledger backup / backups / restore', () => {
  it('backs up, lists, restores, and refuses with exit codes', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await runLedger('init', '--db', db)).code).toBe(0);

    const backup = await runLedger('backup', '--db', db);
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(/^已备份数据库 .*S\.db 到 .*S\.db\.backups\/S\.db\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.manual\.bak(.*KB)/);

    const list = await runLedger('backups', '--db', db, '--json');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out) as BackupInfo[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'manual', file: expect.stringContaining('S.db.backups') });
    expect((await runLedger('backups', '--db', db)).out).toContain(basename(rows[0]!.file));

    const values = join(dir, 'canlian.json');
    writeFileSync(values, JSON.stringify(CANLIAN_JUNE));
    expect((await runLedger('enter', '--db', db, '--unit', '市残联', '--period', '2019-06', '--values', values)).code).toBe(0);
    expect(countRows(db, 'reports')).toBe(1);

    const restore = await runLedger('restore', '--db', db, '--from', rows[0]!.file);
    expect(restore.code).toBe(0);
    expect(restore.out).toContain(`已从备份 ${rows[0]!.file} 恢复数据库 ${db}`);
    expect(restore.out).toMatch(/before-restore\.bak/);
    expect(countRows(db, 'reports')).toBe(0);

    const json = await runLedger('restore', '--db', db, '--from', rows[0]!.file, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ restoredFrom: rows[0]!.file, safetyCopy: { reason: 'before-restore' } });

    const text = join(dir, 'notes.bak');
    writeFileSync(text, 'not a database');
    const refused = await runLedger('restore', '--db', db, '--from', text);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('E_NOT_LEDGER_DB');
    expect((await runLedger('restore', '--db', db)).code).toBe(2);
    expect((await runLedger('backup', '--db', db, '--from', text)).code).toBe(2);

    // A damaged database: `backups` says so and names the backup to restore.
    const pageSize = readFileSync(db).readUInt16BE(16);
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize * 3, 0xa5), 0, pageSize * 3, pageSize);
    fs.closeSync(fd);
    const damaged = await runLedger('backups', '--db', db);
    expect(damaged.code).toBe(1);
    expect(damaged.out).toContain('已损坏');
    expect(damaged.out).toMatch(/最近一份完好的备份:.*\.bak/);
    expect(damaged.out).toContain('restore --db');
    // Any other command on it says the same instead of an internal error.
    const plan = await runLedger('plan', '--db', db);
    expect(plan.code).toBe(1);
    expect(plan.err).toContain('E_UNREADABLE');
    expect(plan.err).toMatch(/已损坏.*最近一份完好的备份:.*\.bak/s);
  });
});
