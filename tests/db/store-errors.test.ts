/**
 * The database file itself failing: held by another program, read-only, damaged. Every command and
 * the app say which, in Chinese, with its own code (db/errors.ts); none says "check the disk space"
 * unless the disk is full, and none ends in E_INTERNAL.
 *
 * "Another program" is a real second process (tests/helpers/hold-db.ts): SQLite's locks are between
 * processes, and a wait in this one would block the very process that should release them.
 */
import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, failureOf, storeError } from '../../db/errors';
import { appendAudit, listAudit } from '../../db/queries/audit';
import { createHandlers, dispatch, LedgerSession } from '../../electron/services/api';
import { backupNow, listBackups } from '../../electron/services/backup/backup';
import { openLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import type { Dialogs } from '../../electron/services/api';
import { runLedger } from '../helpers/cli';
import { holdDatabase } from '../helpers/hold-db';
import { tempDir } from '../helpers/ledger';
import { createLoop, juneAfterMay, snapshotOf } from '../helpers/loop';
import { makeReadOnly } from '../helpers/read-only';

const UNITS = ['市人社局', '市残联'];

/** An office with its units' keys pinned (May imported) and their June packages in a folder; the office closed. */
async function officeWithJune() {
  const { loop, june: files } = await juneAfterMay(UNITS);
  const june = join(loop.dir, 'june');
  fs.mkdirSync(june);
  for (const file of files) fs.renameSync(file, join(june, basename(file)));
  await loop.office.close();
  return { loop, db: loop.office.file, june };
}


const stubDialogs: Dialogs = {
  openFiles: async () => null, openFolder: async () => null, chooseFolder: async () => null, saveFile: async () => null,
};

describe('one table from SQLite failures to codes and words', () => {
  it('maps every kind of failure of the file, and leaves failures of the data alone', () => {
    const cases: [string, string | null][] = [
      ['SQLITE_READONLY', 'read-only'], ['SQLITE_READONLY_DBMOVED', 'read-only'], ['EROFS', 'read-only'],
      ['SQLITE_BUSY', 'busy'], ['SQLITE_BUSY_SNAPSHOT', 'busy'], ['SQLITE_LOCKED', 'busy'],
      ['SQLITE_FULL', 'full'], ['ENOSPC', 'full'], ['SQLITE_IOERR_WRITE', 'io'],
      ['SQLITE_CORRUPT', 'damaged'], ['SQLITE_NOTADB', 'damaged'], ['SQLITE_CANTOPEN', 'cannot-open'],
      ['SQLITE_CONSTRAINT_TRIGGER', null], ['SQLITE_ERROR', null],
    ];
    expect(cases.map(([code]) => [code, failureOf({ code })])).toEqual(cases);
    const dir = tempDir();
    const words = (code: string) => storeError({ code }, join(dir, 'S.db'))!;
    expect(words('SQLITE_READONLY')).toMatchObject({ code: 'E_READ_ONLY', message: expect.stringMatching(/^数据库文件 .*S\.db:文件是只读的.*请取消只读属性/) });
    expect(words('SQLITE_BUSY')).toMatchObject({ code: 'E_DB_BUSY', message: expect.stringContaining(`正被另一个程序占用(等待 ${BUSY_TIMEOUT_MS / 1000} 秒后仍未释放)`) });
    expect(words('SQLITE_FULL')).toMatchObject({ code: 'E_WRITE_FAILED', message: expect.stringContaining('磁盘空间不足') });
    expect(words('SQLITE_CORRUPT')).toMatchObject({ code: 'E_UNREADABLE', message: expect.stringContaining('已损坏') });
    expect(words('SQLITE_CANTOPEN')).toMatchObject({ code: 'E_NOT_FOUND' });
    for (const code of ['SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_CORRUPT', 'SQLITE_IOERR', 'SQLITE_CANTOPEN']) expect(words(code).message).not.toContain('磁盘空间');
    expect(storeError({ code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'S.db')).toBeNull();
  });
});

describe('a second writer waits for the first', () => {
  it('a transaction that reads and then writes, while another process writes, waits for it (BEGIN IMMEDIATE) and completes after it', async () => {
    const { db } = await officeWithJune();
    const ledger = await openLedger(db, { actor: '测试' });
    try {
      // The pattern that failed: a deferred transaction reads, then writes while another process holds
      // the write lock. SQLite refuses the upgrade at once (SQLITE_BUSY, or BUSY_SNAPSHOT once the other
      // committed), without using the busy timeout: waiting with a snapshot open could deadlock. This
      // control shows the second process really does what the fix is for.
      const raw = new BetterSqlite3(db, { timeout: BUSY_TIMEOUT_MS });
      const control = await holdDatabase(db, { mode: 'IMMEDIATE', holdMs: 1500 });
      raw.exec('BEGIN');
      raw.prepare('SELECT count(*) FROM audit_log').get();
      const tried = performance.now();
      let refused: unknown = null;
      try {
        raw.prepare(`INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ('x', 'x', 'x', 'x', 'x')`).run();
      } catch (err) {
        refused = err;
      }
      expect(refused).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
      expect(performance.now() - tried).toBeLessThan(1000);
      raw.exec('ROLLBACK');
      raw.close();
      await control.done;

      const other = await holdDatabase(db, { mode: 'IMMEDIATE', holdMs: 1200 });
      const started = performance.now();
      // The same pattern through the store: read, then write, in one transaction.
      const seen = await ledger.db.transaction().execute(async (trx) => {
        const n = await trx.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        await appendAudit(trx, { at: new Date().toISOString(), actor: '测试', action: 'test.after-wait', entity: 'test', entityId: String(n.n) });
        return n.n;
      });
      const waited = performance.now() - started;
      await other.done;
      expect(waited).toBeGreaterThan(800);
      const lines = await listAudit(ledger.db, { limit: 2 });
      // Written after the other program's line, which it saw: its snapshot was taken once that one committed.
      expect(lines.map((l) => [l.action, l.entityId])).toEqual([['test.after-wait', String(seen)], ['test.hold', other.marker]]);
      expect(seen).toBe(lines[0]!.id - 1);
    } finally {
      await ledger.close();
    }
  });

  it('an import (its grouped transactions) waits for another program writing, then brings every file in', async () => {
    const { db, june } = await officeWithJune();
    const ledger = await openLedger(db, { actor: '测试' });
    try {
      const other = await holdDatabase(db, { mode: 'IMMEDIATE', holdMs: 1200 });
      const results = await importFiles(ledger, [june]);
      await other.done;
      expect(results.map((r) => [r.status, r.code])).toEqual(UNITS.map(() => ['accepted', undefined]));
    } finally {
      await ledger.close();
    }
  });
});

describe('a database held by another program beyond the wait', () => {
  it('`ledger lock` and `ledger import` say so (E_DB_BUSY), change nothing, and work once it lets go', async () => {
    const { db, june } = await officeWithJune();
    const before = await snapshotOf(db);
    const backups = listBackups(db);
    const other = await holdDatabase(db, { mode: 'EXCLUSIVE', holdMs: 60_000 });
    try {
      const lock = await runLedger('lock', '--db', db, '--period', '2019-01');
      expect(lock.code).toBe(1);
      expect(lock.err).toMatch(/^错误 \[E_DB_BUSY\]:数据库文件 .*office\.db:正被另一个程序占用\(等待 5 秒后仍未释放\),这次操作没有完成。请等它完成,或关闭正在使用这个数据库的其他程序/);

      const imp = await runLedger('import', '--db', db, '--json', june);
      expect(imp.code).toBe(1);
      const results = JSON.parse(imp.out) as { file: string; code: string; message: string }[];
      // The first file waited and failed; the second was not tried (it would only have waited as long).
      expect(results.map((r) => r.code)).toEqual(['E_DB_BUSY', 'E_DB_BUSY']);
      expect(results[0]!.message).toMatch(/^文件「.+」未能导入:写入数据库失败:数据库正被另一个程序占用.*这个文件未导入,数据库未被改动。/);
      expect(results[1]!.message).toMatch(/^文件「.+」未导入:数据库正被另一个程序占用.*本批其余文件都没有写入。/);
      expect(results[1]!.message).toMatch(/后重新导入。重新导入同一批文件是安全的/);
      expect(results[1]!.message).not.toContain('后再试后');
      for (const text of [lock.err, imp.out]) {
        expect(text).not.toContain('磁盘空间');
        expect(text).not.toContain('E_INTERNAL');
      }
    } finally {
      await other.release();
    }
    // The other program's one line is all that changed; no backup was made for a batch that wrote nothing.
    expect(await snapshotOf(db)).not.toBe(before);
    expect(listBackups(db)).toEqual(backups);
    expect((await runLedger('lock', '--db', db, '--period', '2019-01')).code).toBe(0);
    expect((await runLedger('import', '--db', db, june)).code).toBe(0);
  }, 60_000);
});

describe('a read-only database', () => {
  it('a file set read-only: every writing command and the app say E_READ_ONLY in Chinese, and nothing changes', async (t) => {
    const { db, june, loop } = await officeWithJune();
    const values = join(loop.dir, 'values.json');
    fs.writeFileSync(values, JSON.stringify([{ task: 1, status: '推进中', progress: '培训在推进' }]));
    const before = await snapshotOf(db);
    const backups = listBackups(db);
    const undo = makeReadOnly(db);
    if (!undo) return t.skip();
    try {
      const runs = {
        lock: await runLedger('lock', '--db', db, '--period', '2019-01'),
        enter: await runLedger('enter', '--db', db, '--unit', '市人社局', '--period', '2019-06', '--values', values),
        backup: await runLedger('backup', '--db', db),
        import: await runLedger('import', '--db', db, june),
      };
      for (const [command, r] of Object.entries(runs)) {
        expect({ command, code: r.code }).toEqual({ command, code: 1 });
        const text = r.out + r.err;
        expect(text, command).toContain('E_READ_ONLY');
        expect(text, command).toContain('只读');
        expect(text, command).not.toMatch(/磁盘空间|E_INTERNAL|E_WRITE_FAILED/);
      }
      expect(runs.lock.err).toMatch(/^错误 \[E_READ_ONLY\]:数据库文件 .*office\.db:文件是只读的\(文件设为只读,或所在文件夹、U盘有写保护\),这次操作没有完成。请取消只读属性,或把数据库复制到本机可写的文件夹后再试。$/);
      expect(runs.import.out).toMatch(/\[拒收\] 文件「.+」未能导入:写入数据库失败:数据库文件是只读的/);
      // Reading still works.
      expect((await runLedger('plan', '--db', db)).code).toBe(0);

      // The app: the error crosses shared/api.ts as { code, message }.
      const session = new LedgerSession(db, { actor: '本机用户' });
      try {
        const handlers = createHandlers({ session, dialogs: stubDialogs, emit: () => undefined });
        expect(await dispatch(handlers, 'periods:lock', { period: '2019-01' })).toEqual({
          ok: false, error: { code: 'E_READ_ONLY', message: expect.stringContaining('文件是只读的') },
        });
      } finally {
        await session.close();
      }
    } finally {
      undo();
    }
    expect(await snapshotOf(db)).toBe(before);
    // A backup that could not be recorded is not left behind as if it had been made.
    expect(listBackups(db)).toEqual(backups);
  }, 60_000);

  it('a unit database set read-only: `ledger export` says E_READ_ONLY and leaves no package that the database does not know', async (t) => {
    const loop = await createLoop();
    const unit = await loop.unit('市残联');
    await enterReports(unit, { unit: '市残联', period: '2019-06', items: yearEntries(PLAN_2019, '市残联', '2019-06') });
    await unit.close();
    const out = join(loop.dir, 'out');
    fs.mkdirSync(out);
    const undo = makeReadOnly(unit.file);
    if (!undo) return t.skip();
    try {
      const r = await runLedger('export', '--db', unit.file, '--period', '2019-06', '--out', out);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^错误 \[E_READ_ONLY\]:数据库文件 .*:文件是只读的/);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('a write-protected folder (a USB stick): commands that write say why they cannot; commands that read show a copy in memory and say so', async (t) => {
    const { db } = await officeWithJune();
    const folder = join(db, '..');
    // A clean close leaves no -wal/-shm: SQLite has to create them, in a folder it cannot write.
    expect(fs.readdirSync(folder).filter((f) => f.startsWith('office.db-'))).toEqual([]);
    const before = fs.readFileSync(db);
    const readable = await runLedger('summary', '--db', db, '--period', '2019-06', '--by', 'unit');
    const undo = makeReadOnly(folder);
    if (!undo) return t.skip();
    const note = /^注意:数据库文件 .*office\.db 所在位置只读\(文件夹或U盘有写保护\),已在内存中打开它的副本查看,不会改动这个文件。$/m;
    try {
      for (const argv of [['lock', '--db', db, '--period', '2019-01'], ['periods', '--db', db, '--set', '2019-02', '--due', '2019-03-20', '--reason', '试'], ['import', '--db', db, folder]]) {
        const r = await runLedger(...argv);
        expect({ argv: argv[0], code: r.code }).toEqual({ argv: argv[0], code: 1 });
        expect(r.err).toMatch(/^错误 \[E_READ_ONLY\]:数据库文件 .*office\.db:文件是只读的\(文件设为只读,或所在文件夹、U盘有写保护\)/);
        expect(r.err).not.toMatch(note);
      }
      // The June reports are there, as on a writable folder.
      const shown = await runLedger('summary', '--db', db, '--period', '2019-06', '--by', 'unit');
      expect({ code: shown.code, out: shown.out }).toEqual({ code: 0, out: readable.out });
      expect(shown.err).toMatch(note);
      const plan = await runLedger('plan', '--db', db);
      expect(plan.code).toBe(0);
      expect(plan.out).toContain('2019年全市民生工作要点');
    } finally {
      undo();
    }
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    expect(fs.readdirSync(folder).filter((f) => f.startsWith('office.db-'))).toEqual([]);
  });

  it('a write-protected folder with a -wal file the database has not taken in: no copy (it would show older figures), the refusal says why', async (t) => {
    const { db } = await officeWithJune();
    const stick = join(db, '..', 'stick');
    fs.mkdirSync(stick);
    // Copied while the office is open with a change only in its -wal, as a clerk copying the files mid-work would.
    const open = new BetterSqlite3(db);
    open.pragma('wal_autocheckpoint = 0');
    open.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('pending-in-wal', '1');
    fs.copyFileSync(db, join(stick, 'office.db'));
    fs.copyFileSync(`${db}-wal`, join(stick, 'office.db-wal'));
    open.close();
    expect(fs.statSync(join(stick, 'office.db-wal')).size).toBeGreaterThan(0);
    const undo = makeReadOnly(stick);
    if (!undo) return t.skip();
    try {
      const r = await runLedger('plan', '--db', join(stick, 'office.db'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^错误 \[E_READ_ONLY\]:数据库文件 .*office\.db:文件是只读的/);
    } finally {
      undo();
    }
  });
});

describe('a transaction SQLite has already rolled back (as it does on a full disk)', () => {
  it('fails with the error that rolled it back, not with "no transaction is active" from the rollback after it', async () => {
    const { createTestLedger } = await import('../helpers/ledger');
    const { sql } = await import('kysely');
    const l = await createTestLedger();
    try {
      const err = await l.db.transaction().execute(async (trx) => {
        await sql`rollback`.execute(trx);
        throw new Error('数据库或磁盘已满');
      }).then(() => null, (e: unknown) => e as Error);
      expect(err?.message).toBe('数据库或磁盘已满');
    } finally {
      await l.close();
    }
  });
});

describe('a damaged database', () => {
  it('a backup of it says the database is damaged, never that it is unaffected', async () => {
    const dir = tempDir();
    const { initSummary } = await import('../../electron/services/plan/setup');
    const l = await initSummary(join(dir, 'S.db'));
    await l.close();
    // Garbage over pages 2 to 4, as a failing disk would leave; opening reads page 1 only.
    const pageSize = fs.readFileSync(join(dir, 'S.db')).readUInt16BE(16);
    const fd = fs.openSync(join(dir, 'S.db'), 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize * 3, 0xa5), 0, pageSize * 3, pageSize);
    fs.closeSync(fd);

    const ledger = await openLedger(join(dir, 'S.db'));
    try {
      const err = await backupNow(ledger, { reason: 'manual' }).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_UNREADABLE', message: expect.stringMatching(/^数据库文件 .*S\.db:文件已损坏,这次操作没有完成。请从最近一份完好的备份恢复/) });
      expect((err as Error).message).not.toMatch(/未受影响|没有改动/);
    } finally {
      await ledger.close();
    }
    const cli = await runLedger('backup', '--db', join(dir, 'S.db'));
    expect(cli.err).toMatch(/^错误 \[E_UNREADABLE\]:数据库文件 .*S\.db 已损坏。/);
    expect(cli.err).not.toMatch(/未受影响|没有改动/);
  });
  it('a database emptied to 0 bytes is damaged: commands refuse it (pointing to backups) and never write a new schema into it', async () => {
    const dir = tempDir();
    const file = join(dir, 'S.db');
    fs.writeFileSync(file, '');
    for (const argv of [['audit'], ['lock', '--period', '2019-01'], ['backup']]) {
      const cli = await runLedger(...argv, '--db', file);
      expect(cli.code).toBe(1);
      expect(cli.err).toMatch(/^错误 \[E_UNREADABLE\]:数据库文件 .*S\.db 已损坏。/);
    }
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.existsSync(join(dir, 'S.db.backups'))).toBe(false);
  });

  it('an import into it, where an index of the reports is damaged, says so and never that the database was not changed', async () => {
    const { loop, june } = await juneAfterMay(['市残联']);
    const file = loop.office.handle.location;
    const root = (loop.office.handle as unknown as { sqlite: BetterSqlite3.Database }).sqlite
      .prepare("select rootpage from sqlite_master where type = 'index' and tbl_name = 'reports' order by rootpage limit 1").get() as { rootpage: number };
    await loop.office.close();
    const pageSize = fs.readFileSync(file).readUInt16BE(16);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0), 0, pageSize, (root.rootpage - 1) * pageSize);
    fs.closeSync(fd);
    const office = await openLedger(file);
    try {
      const [r] = await importFiles(office, june, { acceptNewKeys: true });
      expect(r).toMatchObject({ status: 'rejected', code: 'E_UNREADABLE' });
      expect(r!.message).toContain('已损坏');
      expect(r!.message).not.toMatch(/未被改动|未受影响|没有改动/);
    } finally {
      await office.close();
    }
  });
});
