/**
 * What SQLite's failures mean to a clerk: the one table from SQLite's result codes (and the errno of
 * the files beside the database) to our error codes and Chinese words. The database layer (db/open.ts)
 * turns every failing query into a StoreError through it, so every command and the app say the same.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError, type ErrorCode } from '../shared/errors';

/** How long a writer waits for another one holding the database before it gives up (PRAGMA busy_timeout). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * The same on PostgreSQL: how long any statement waits for a lock (another clerk's write, an administrator's
 * maintenance holding a table) before it is refused as busy (E_DB_BUSY). Set for every connection
 * (dialect/postgres-pool.ts), so that no command waits silently for minutes.
 */
export const PG_LOCK_TIMEOUT_MS = 120_000;

export type StoreFailure = 'read-only' | 'busy' | 'full' | 'io' | 'damaged' | 'cannot-open' | 'unreachable' | 'lost' | 'denied';

interface Wording {
  readonly code: ErrorCode;
  /** What is wrong, said of the database file. */
  readonly reason: string;
  /** What to do about it. */
  readonly advice: string;
}

const WORDING: Readonly<Record<StoreFailure, Wording>> = {
  'read-only': {
    code: 'E_READ_ONLY',
    reason: '文件是只读的(文件设为只读,或所在文件夹、U盘有写保护)',
    advice: '请取消只读属性,或把数据库复制到本机可写的文件夹后再试',
  },
  busy: {
    code: 'E_DB_BUSY',
    reason: `正被另一个程序占用(等待 ${BUSY_TIMEOUT_MS / 1000} 秒后仍未释放)`,
    advice: '请等它完成,或关闭正在使用这个数据库的其他程序(另一个台账窗口、命令行或数据库工具)后再试',
  },
  full: { code: 'E_WRITE_FAILED', reason: '磁盘空间不足', advice: '请腾出磁盘空间后再试' },
  io: { code: 'E_WRITE_FAILED', reason: '读写出错(磁盘或U盘可能已拔出或损坏)', advice: '请检查磁盘或U盘后再试' },
  damaged: { code: 'E_UNREADABLE', reason: '文件已损坏', advice: '请从最近一份完好的备份恢复(命令行:ledger backups 列出备份)' },
  'cannot-open': { code: 'E_NOT_FOUND', reason: '文件不存在、没有读取权限或路径无效', advice: '请检查文件路径' },
  unreachable: {
    code: 'E_DB_UNREACHABLE',
    reason: '连接不上(服务器未开机或未启动数据库、地址或端口不对、用户名或密码不对,或数据库不存在)',
    advice: '请检查地址和网络,密码放在环境变量 PGPASSWORD 或 .pgpass 文件中;仍不行请联系服务器管理员',
  },
  // A server's user (role) not granted what the command needs: nothing the clerk's computer can change.
  denied: {
    code: 'E_READ_ONLY',
    reason: '数据库用户没有所需的权限(SQLSTATE 42501)',
    advice: '请联系服务器管理员为这个用户授予该数据库的读写权限,或换用有权限的用户',
  },
  // A connection that was open and broke: the server was stopped or restarted, or the network went down.
  lost: {
    code: 'E_DB_UNREACHABLE',
    reason: '连接中断(服务器停止或重启,或网络断开)',
    advice: '请等服务器恢复、网络通畅后再试;仍不行请联系服务器管理员',
  },
};

/** What a server database's failures say differently from a file's: how long a write waited there. */
const ON_SERVER: Readonly<Partial<Record<StoreFailure, Partial<Wording>>>> = {
  busy: {
    reason: `正被另一个程序占用(等待 ${PG_LOCK_TIMEOUT_MS / 1000} 秒后仍未释放)`,
    advice: '请等它完成,或关闭正在使用这个数据库的其他程序(另一个台账窗口、命令行或数据库工具;服务器上的维护请问服务器管理员)后再试',
  },
};

/** The words for a failure of the store `where` (a file, or `PostgreSQL user@host:port/db`). */
function wordingOf(failure: StoreFailure, where: string): Wording {
  return { ...WORDING[failure], ...(onServer(where) ? ON_SERVER[failure] : {}) };
}

const onServer = (where: string) => where.startsWith('PostgreSQL ');

/**
 * PostgreSQL's SQLSTATE classes (and the socket errors of a server that cannot be reached) as the same
 * failures: a server database is "read-only", "busy" or "full" for a clerk just as a file is.
 */
function postgresFailure(code: string): StoreFailure | null {
  if (code === '25006') return 'read-only'; // a read-only transaction: an earlier year opened read-only
  if (code === '42501') return 'denied';
  if (code === '55P03' || code === '40P01' || code === '57014') return 'busy'; // lock not available, deadlock, lock/statement timeout
  if (code === '53100') return 'full';
  if (code === '58030') return 'io';
  // Connection lost mid-way (08…), the server shutting down or ending the session (57P01, 57P02), the socket reset.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE') return 'lost';
  if (code === 'XX001' || code === 'XX002') return 'damaged';
  if (code === '28P01' || code === '28000' || code === '3D000' || code === '57P03'
    || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') return 'unreachable';
  return null;
}

/** A failure of the database file itself (not of the data): read-only, held by another program, full, damaged… */
export class StoreError extends LedgerError {
  constructor(
    readonly failure: StoreFailure,
    /** The database file, or `PostgreSQL user@host:port/db` (shownLocation: never a password). */
    readonly file: string,
    /** SQLite's extended result code, PostgreSQL's SQLSTATE, or the errno, that it came from. */
    readonly origin: string,
  ) {
    const w = wordingOf(failure, file);
    super(w.code, `${onServer(file) ? '数据库' : '数据库文件'} ${file}:${w.reason},这次操作没有完成。${w.advice}。`);
  }
}

/**
 * The kind of store failure an error is, or null when it is about the data (a constraint, a trigger's
 * refusal, a bug) rather than the file.
 * @example failureOf({ code: 'SQLITE_BUSY_SNAPSHOT' }) // 'busy'
 */
export function failureOf(err: unknown): StoreFailure | null {
  if (err instanceof StoreError) return err.failure;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'full';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'io';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot-open';
  return postgresFailure(code);
}

/**
 * The StoreError for a failure on `file`, or null when `err` is not a store failure (pass it on as it is).
 * SQLite cannot open the journal files beside a database in a write-protected folder, and says only
 * SQLITE_CANTOPEN: that is told apart from a missing file by looking at the folder.
 * @example throw storeError(err, 'S.db') ?? err
 */
export function storeError(err: unknown, file: string): StoreError | null {
  if (err instanceof StoreError) return err;
  let failure = failureOf(err);
  if (failure === null) return null;
  if (failure === 'cannot-open' && !onServer(file) && !writableFolder(dirname(file))) failure = 'read-only';
  return new StoreError(failure, file, String((err as { code: unknown }).code));
}

/**
 * Why a store failure happened and what to do, as phrases for a caller's own sentence.
 * `where`: the store it happened to (StoreError.file), for the words that differ on a server.
 * @example failureWords('read-only').code // 'E_READ_ONLY'
 */
export function failureWords(failure: StoreFailure, where = ''): { readonly code: ErrorCode; readonly reason: string; readonly advice: string } {
  const w = wordingOf(failure, where);
  return { code: w.code, reason: failure === 'full' || failure === 'io' || failure === 'denied' ? w.reason : `数据库${w.reason}`, advice: w.advice };
}

function writableFolder(dir: string): boolean {
  try {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return true; // a bad path, not a read-only one
    // access() honours the immutable attribute and read-only mounts even for root, unlike the mode bits.
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
