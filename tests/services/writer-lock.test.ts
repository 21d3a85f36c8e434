/**
 * The writer lock (electron/services/import/writer-lock.ts): one long writer at a time on a database file,
 * across processes; a second one waits and is told so, a stale lock is taken over, a wait is bounded.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../shared/api';
import { createHandlers, LedgerSession } from '../../electron/services/api';
import { backupNow, restoreBackup } from '../../electron/services/backup/backup';
import { withWriterLock, writerLockHolder, writerLockPath, type Waiting } from '../../electron/services/import/writer-lock';
import { createTestLedger, tempDir } from '../helpers/ledger';
import { makeReadOnly } from '../helpers/read-only';

/** A pid no process has any more: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Resolves when `check` holds, polling; fails the test (never hangs) after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('withWriterLock', () => {
  it('a second import waits for the first, is told so with who holds it, and runs once the first is done', async () => {
    const db = join(tempDir(), 'S.db');
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((r) => { releaseFirst = r; });
    const first = withWriterLock(db, 'import', {}, async () => {
      order.push('first start');
      await firstMayEnd;
      order.push('first end');
    });
    await until(() => order.includes('first start'));
    expect(writerLockHolder(db)).toMatchObject({ pid: process.pid, host: hostname(), task: 'import' });

    const told: Waiting[] = [];
    const second = withWriterLock(db, 'import', { onWait: (w) => told.push(w) }, async () => {
      order.push('second');
    });
    await until(() => told.length > 0);
    expect(told[0]!.message).toMatch(new RegExp(`^另一个导入正在进行,请稍候……\\(进程 ${process.pid},已进行 \\d+ 秒;已等待 0 秒,最多等待 600 秒\\)$`));
    expect(order).toEqual(['first start']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
    expect(existsSync(writerLockPath(db))).toBe(false);
  });

  it('a wait that runs out refuses with E_DB_BUSY naming the holder and the lock file; 0 refuses at once', async () => {
    const db = join(tempDir(), 'S.db');
    let done!: () => void;
    const held = withWriterLock(db, 'import', {}, () => new Promise<void>((r) => { done = r; }));
    await until(() => existsSync(writerLockPath(db)));
    const started = Date.now();
    const err = await withWriterLock(db, 'import', { waitMs: 600 }, async () => 'ran').then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(err).toMatchObject({
      code: 'E_DB_BUSY',
      message: expect.stringMatching(/^另一个导入仍在进行\(进程 \d+,已进行 \d+ 秒\),已等待 \d 秒,本次导入未做任何修改。请等它完成后再导入;如确认没有程序在使用这个数据库,可删除锁文件 .*S\.db\.lock。$/),
    });
    const restore = await withWriterLock(db, 'restore', { waitMs: 0 }, async () => 'ran').then(() => null, (e: unknown) => e);
    expect(restore).toMatchObject({ code: 'E_DB_BUSY', message: expect.stringMatching(/^另一个程序正在导入\(进程 \d+,已进行 \d+ 秒\),本次从备份恢复未做任何修改。/) });
    done();
    await held;
  });

  it('takes over a lock whose process is gone, or that nobody touched for long; waits for a fresh one', async () => {
    const db = join(tempDir(), 'S.db');
    const lock = writerLockPath(db);
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), task: 'import', since: new Date().toISOString(), token: 'gone' }));
    expect(writerLockHolder(db)).toBeNull();
    expect(await withWriterLock(db, 'import', { waitMs: 0 }, async () => JSON.parse(readFileSync(lock, 'utf8')).pid as number)).toBe(process.pid);

    // Half-written by a process that crashed on another computer, an hour ago.
    writeFileSync(lock, '{"pid": 4');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(lock, hourAgo, hourAgo);
    expect(await withWriterLock(db, 'import', { waitMs: 0 }, async () => 'ran')).toBe('ran');

    // Empty, left by a write that failed on a full disk 20 seconds ago: no import would ever write it now.
    writeFileSync(lock, '');
    const twentySecondsAgo = new Date(Date.now() - 20_000);
    utimesSync(lock, twentySecondsAgo, twentySecondsAgo);
    expect(await withWriterLock(db, 'import', { waitMs: 0 }, async () => 'ran')).toBe('ran');

    // A live holder on another computer sharing the folder: waited for, not taken over.
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-pc', task: 'import', since: new Date().toISOString(), token: 'live' }));
    const err = await withWriterLock(db, 'import', { waitMs: 300 }, async () => 'ran').then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DB_BUSY', message: expect.stringContaining('进程 1,电脑 another-pc') });
    // Nor removed by someone else's release.
    expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe('live');
  });

  it('a folder that cannot be written: E_READ_ONLY, for the lock as for the database', async (t) => {
    const dir = tempDir();
    const undo = makeReadOnly(dir);
    if (!undo) return t.skip();
    try {
      const err = await withWriterLock(join(dir, 'S.db'), 'import', {}, async () => 'ran').then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_READ_ONLY', message: expect.stringContaining('只读') });
    } finally {
      undo();
    }
  });

  it('a restore is refused while an import holds the database, and changes nothing', async () => {
    const ledger = await createTestLedger();
    const backup = await backupNow(ledger, { reason: 'manual' });
    const before = readFileSync(ledger.file);
    let done!: () => void;
    const importing = withWriterLock(ledger.file, 'import', {}, () => new Promise<void>((r) => { done = r; }));
    await until(() => existsSync(writerLockPath(ledger.file)));
    const err = await restoreBackup(ledger.file, backup.file).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DB_BUSY', message: expect.stringContaining('另一个程序正在导入') });
    expect(readFileSync(ledger.file)).toEqual(before);
    done();
    await importing;
  });
});

describe('the app waiting for another import', () => {
  it('tells the screen through import:progress, then imports', async () => {
    const ledger = await createTestLedger();
    const folder = tempDir();
    copyFileSync(new URL('../fixtures/packages/not-a-package-text-renamed.xlsx', import.meta.url).pathname, join(folder, 'a.xlsx'));
    await ledger.close();
    const session = new LedgerSession(ledger.file);
    const events: ImportProgress[] = [];
    const handlers = createHandlers({
      session, emit: (_e, p) => events.push(p),
      dialogs: { openFiles: async () => null, openFolder: async () => folder, chooseFolder: async () => null, saveFile: async () => null },
    });
    let done!: () => void;
    const other = withWriterLock(ledger.file, 'import', {}, () => new Promise<void>((r) => { done = r; }));
    try {
      await until(() => existsSync(writerLockPath(ledger.file)));
      const importing = handlers['packages:import']({ mode: 'folder', dryRun: false, acceptNewKeys: false });
      await until(() => events.some((e) => e.waiting));
      expect(events[0]).toEqual({ done: 0, total: 1, file: '', waiting: expect.stringMatching(/^另一个导入正在进行,请稍候……/) });
      done();
      await other;
      expect(await importing).toEqual([expect.objectContaining({ file: 'a.xlsx', status: 'rejected', code: 'E_NOT_A_PACKAGE' })]);
    } finally {
      done();
      await session.close();
    }
  });
});
