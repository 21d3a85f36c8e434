/**
 * One long writer at a time on a database file, across processes: an import in the app, a
 * `ledger import` in a terminal, a restore. SQLite's own lock is held per transaction and waited for
 * a few seconds at most; an import holds the database for minutes, in many transactions, and a second
 * one would wait out its busy timeout on every file. So long writers take a lock file beside the
 * database (`S.db.lock`, created with O_EXCL) and a second one waits for the first, saying so.
 *
 * The lock file names its holder (pid, computer, what, since). It is stale, and taken over, when its
 * process is gone on this computer, or when its holder stopped touching it long ago (a holder touches
 * it every HEARTBEAT_MS; a process on another computer sharing the folder cannot be asked whether it
 * is alive).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LedgerError } from '../../../shared/errors';
import { storeError } from '../../../db/errors';
import { processAlive, removeIfPresent } from '../files';

export type WriterTask = 'import' | 'restore';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly task: WriterTask;
  /** Wall-clock time the holder took the lock (ISO), for "已进行 N 秒": elapsed time, not a date. */
  readonly since: string;
  readonly token: string;
}

export interface Waiting {
  readonly holder: LockHolder;
  readonly waitedMs: number;
  /** One Chinese line for the person waiting: "另一个导入正在进行,请稍候……". */
  readonly message: string;
}

export interface LockOptions {
  /** How long to wait for another writer at most (default DEFAULT_LOCK_WAIT_MS); 0 refuses at once. */
  readonly waitMs?: number;
  /** Told when waiting starts and then every WAIT_REPORT_MS. */
  readonly onWait?: (w: Waiting) => void;
}

/** Ten minutes: longer than an import of a year's packages for a whole city (docs/performance.md). */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;
const POLL_MS = 200;
const WAIT_REPORT_MS = 5_000;
const HEARTBEAT_MS = 30_000;
/** A lock file nobody touched for this long belongs to a holder that is gone. */
const STALE_MS = 10 * 60_000;

const TASK_LABELS: Readonly<Record<WriterTask, string>> = { import: '导入', restore: '从备份恢复' };

/** The lock file of a database: `S.db` → `S.db.lock`. */
export function writerLockPath(dbFile: string): string {
  return `${dbFile}.lock`;
}

/**
 * Runs `work` holding the database's writer lock; waits for another holder first (bounded), telling
 * `onWait`. Refuses with E_DB_BUSY when the wait runs out and E_READ_ONLY when the folder cannot be written.
 * @example await withWriterLock('S.db', 'import', { onWait: (w) => console.log(w.message) }, () => importBatch())
 */
export async function withWriterLock<T>(dbFile: string, task: WriterTask, opts: LockOptions, work: () => Promise<T>): Promise<T> {
  const lock = await acquire(dbFile, task, opts);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** Who holds the database's writer lock now, if anyone (a stale lock counts as none). */
export function writerLockHolder(dbFile: string): LockHolder | null {
  const found = readHolder(writerLockPath(dbFile));
  return found && !isStale(found) ? found.holder : null;
}

async function acquire(dbFile: string, task: WriterTask, opts: LockOptions): Promise<{ release(): void }> {
  const file = writerLockPath(dbFile);
  const waitMs = opts.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const started = Date.now();
  let reportedAt = -Infinity;
  for (;;) {
    const mine: LockHolder = { pid: process.pid, host: hostname(), task, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
    if (tryCreate(dbFile, file, mine)) return holding(file, mine);
    const found = readHolder(file);
    if (!found) continue; // no lock file: released between our attempt and the read, try again at once
    if (isStale(found)) {
      removeIfUnchanged(file, found);
      continue;
    }
    const waitedMs = Date.now() - started;
    if (waitedMs >= waitMs) throw new LedgerError('E_DB_BUSY', refusal(found.holder, task, waitMs > 0 ? waitedMs : null, file), { holder: found.holder });
    if (waitedMs - reportedAt >= WAIT_REPORT_MS) {
      reportedAt = waitedMs;
      opts.onWait?.({ holder: found.holder, waitedMs, message: waitingLine(found.holder, task, waitedMs, waitMs) });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** 进程 1234(电脑 B),已进行 12 秒 */
function who(holder: LockHolder): string {
  const pid = holder.pid > 0 ? `进程 ${holder.pid}` : '进程未知';
  return `${pid}${holder.host === hostname() ? '' : `,电脑 ${holder.host}`},已进行 ${seconds(Date.now() - Date.parse(holder.since))} 秒`;
}

function waitingLine(holder: LockHolder, task: WriterTask, waitedMs: number, waitMs: number): string {
  const progress = `已等待 ${seconds(waitedMs)} 秒,最多等待 ${seconds(waitMs)} 秒`;
  return holder.task === 'import' && task === 'import'
    ? `另一个导入正在进行,请稍候……(${who(holder)};${progress})`
    : `另一个程序正在${TASK_LABELS[holder.task]}(${who(holder)}),${TASK_LABELS[task]}要等它完成,请稍候……(${progress})`;
}

/** Why a writer gives up; `waitedMs` null when it was not to wait at all. */
function refusal(holder: LockHolder, task: WriterTask, waitedMs: number | null, file: string): string {
  const waited = waitedMs === null ? '' : `已等待 ${seconds(waitedMs)} 秒,`;
  const busy = holder.task === 'import' && task === 'import' ? '另一个导入仍在进行' : `另一个程序正在${TASK_LABELS[holder.task]}`;
  return `${busy}(${who(holder)}),${waited}本次${TASK_LABELS[task]}未做任何修改。请等它完成后再${TASK_LABELS[task]};如确认没有程序在使用这个数据库,可删除锁文件 ${file}。`;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

function tryCreate(dbFile: string, file: string, mine: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // The folder of the database cannot be written: neither can the database.
    throw storeError(err, dbFile) ?? err;
  }
  try {
    writeSync(fd, JSON.stringify(mine));
  } catch (err) {
    // A full disk: an empty lock file left behind would hold every later import for ten minutes.
    closeSync(fd);
    removeIfPresent(file);
    throw storeError(err, dbFile) ?? err;
  }
  closeSync(fd);
  return true;
}

function holding(file: string, mine: LockHolder): { release(): void } {
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // gone or unwritable: the next acquirer's staleness check decides
    }
  }, HEARTBEAT_MS);
  beat.unref();
  return {
    release() {
      clearInterval(beat);
      // Only our own: a lock taken over as stale meanwhile belongs to someone else now.
      if (readHolder(file)?.holder.token === mine.token) removeIfPresent(file);
    },
  };
}

interface Found {
  readonly holder: LockHolder;
  readonly text: string;
  readonly mtimeMs: number;
}

/** The lock's holder, or null when there is no lock file (any more). */
function readHolder(file: string): Found | null {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return null;
  }
  let text = '';
  let holder: LockHolder;
  try {
    text = readFileSync(file, 'utf8');
    holder = JSON.parse(text) as LockHolder;
  } catch {
    // Created but not written yet, cut off by a crash, or unreadable: a holder we cannot name, waited
    // for like any other and stale once old.
    holder = { pid: 0, host: hostname(), task: 'import', since: new Date(mtimeMs).toISOString(), token: '' };
  }
  return { holder, text, mtimeMs };
}

/** An empty lock is written within milliseconds of being created; one this old was left by a failed write. */
const EMPTY_STALE_MS = 10_000;

function isStale(found: Found): boolean {
  const age = Date.now() - found.mtimeMs;
  if (age > STALE_MS || (found.text === '' && age > EMPTY_STALE_MS)) return true;
  const { pid, host } = found.holder;
  return host === hostname() && pid > 0 && !processAlive(pid);
}

/**
 * Removes a stale lock unless it changed since it was judged: two waiters may judge the same lock
 * stale, and the second must not remove the lock the first has just taken.
 */
function removeIfUnchanged(file: string, judged: Found): void {
  const now = readHolder(file);
  if (now && now.text === judged.text && now.mtimeMs === judged.mtimeMs) removeIfPresent(file);
}
