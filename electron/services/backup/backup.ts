/**
 * Backups of the ledger database: SQLite's online backup API, a bounded history in a folder beside
 * the database, restore with checks, and the start-up health check. Plain Node: never imports `electron`.
 *
 * Every file is written under a temporary name, fsynced and renamed into place, so a full disk, a
 * read-only folder or a power cut never leaves a half-written file under a real name. The private key
 * (`<db>.key`) is never copied: a backup holds the database only.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { appendAudit, appendStoredAudit, auditMissingFrom, type MissingAudit } from '../../../db/queries/audit';
import { APPLICATION_ID, hasPendingWal, openDatabase, openInMemory } from '../../../db/open';
import { failureOf, failureWords, storeError, StoreError } from '../../../db/errors';
import { LATEST_VERSION } from '../../../db/migrations';
import { LedgerError } from '../../../shared/errors';
import { openLedger, type Ctx } from '../context';
import { processAlive, removeIfPresent, replaceFile } from '../files';
import { keyFilePath, loadKey } from '../keys/keys';
import { withWriterLock } from '../import/writer-lock';
import { isPostgres } from '../../../db/dialect/postgres';
import { isConnectionComplaint, pgDump, pgDumpContents } from '../../../db/dialect/postgres-tools';
import { parseLocation, type Location } from '../../../db/location';
import { sql } from 'kysely';

export type BackupReason = 'manual' | 'before-import' | 'before-restore';

export interface BackupInfo {
  /** Full path of the backup file. */
  readonly file: string;
  readonly bytes: number;
  /** ISO time the backup was made (by the ledger's clock), read back from the file name. */
  readonly createdAt: string;
  readonly reason: BackupReason;
}

export type BackupCtx = Ctx & { readonly handle?: { readonly sqlite: BetterSqlite3.Database | null; readonly location?: string } };

export interface BackupOptions {
  readonly reason: BackupReason;
  /** Folder for the backups; `<db file>.backups/` beside the database by default. */
  readonly dir?: string;
  /** How many backups to keep in the folder (default 20); older ones are pruned after a new one succeeds. */
  readonly keep?: number;
  /**
   * Write a `backup.create` audit line (default). The backup before an import batch does not: a
   * refused batch must leave the data exactly as it was; each merged package's audit line names it.
   */
  readonly audit?: boolean;
}

export const DEFAULT_KEEP = 20;

const REASONS: readonly BackupReason[] = ['manual', 'before-import', 'before-restore'];

/** Where backups of a database go unless told otherwise: `S.db` → `S.db.backups/`. */
export function defaultBackupDir(dbFile: string): string {
  return `${dbFile}.backups`;
}

/**
 * Backs up the open ledger with SQLite's online backup API: the copy holds every committed row, WAL
 * included, while the app keeps running. Prunes the folder to `keep` files and audits `backup.create`.
 * @example const b = await backupNow(ledger, { reason: 'before-import' }); // b.file = 'S.db.backups/S.db.2019-07-03T02-00-00.000Z.before-import.bak'
 */
export async function backupNow(ctx: BackupCtx, opts: BackupOptions): Promise<BackupInfo> {
  const dir = opts.dir ?? defaultBackupDir(ctx.file);
  let info: BackupInfo;
  // The one place backups differ by store: a server database is copied by its own pg_dump, into the same
  // folder under the same names (ctx.file is its local base under LEDGER_HOME).
  if (isPostgres(ctx.db)) info = await writePgDump(serverOf(ctx), ctx.file, opts.reason, ctx.now(), dir, opts.keep ?? DEFAULT_KEEP);
  else {
    // A context without the raw handle (e.g. a plain Ctx) gets a second, read-only connection: in WAL
    // mode it sees the same committed data.
    const own = ctx.handle ? null : openSource(ctx.file);
    try {
      const write = () => writeBackup(ctx.handle?.sqlite ?? own!, ctx.file, opts.reason, ctx.now(), dir, opts.keep ?? DEFAULT_KEEP);
      // On the shared connection the backup would copy what an open transaction has not committed yet
      // (an import holds one across a group of packages): it waits for the connection instead.
      info = ctx.handle ? await ctx.db.connection().execute(write) : await write();
    } finally {
      own?.close();
    }
  }
  if (opts.audit !== false) {
    await appendAudit(ctx.db, {
      at: ctx.now().toISOString(), actor: ctx.actor, action: 'backup.create', entity: 'backup', entityId: basename(info.file),
      after: { file: basename(info.file), dir, bytes: info.bytes, reason: info.reason },
    }).catch((err: unknown) => {
      // A read-only database can be copied but not told so: the command fails, and leaves no
      // backup behind that the log does not know of.
      removeIfPresent(info.file);
      throw err;
    });
  }
  return info;
}

export interface PendingBackup {
  /** Its file name, fixed before it is written: the audit lines of what the batch merges name it. */
  readonly name: string;
  /** Whether take() was called. */
  readonly taken: boolean;
  /** Writes it (once; later calls answer the same): the database as last committed. */
  take(): Promise<BackupInfo>;
}

/**
 * A backup written only when it is needed: an import batch takes it just before its first write is
 * committed, so a batch that writes nothing (every file refused, a duplicate or a dry run) leaves no
 * file behind and pushes no older backup out of the rotation. Always through a read-only connection of
 * its own: it must copy what is committed, never the batch's open transaction on the shared one. Not
 * audited: each merged package's audit line names it.
 * @example const b = backupWhenNeeded(ledger, { reason: 'before-import' }); … await b.take();
 */
export function backupWhenNeeded(ctx: Ctx, opts: Omit<BackupOptions, 'audit'>): PendingBackup {
  const dir = opts.dir ?? defaultBackupDir(ctx.file);
  const at = ctx.now();
  const name = uniqueName(dir, basename(ctx.file), stampOf(at), opts.reason);
  let written: Promise<BackupInfo> | null = null;
  return {
    name,
    get taken() {
      return written !== null;
    },
    take() {
      written ??= (async () => {
        const own = openSource(ctx.file);
        try {
          return await writeBackup(own, ctx.file, opts.reason, at, dir, opts.keep ?? DEFAULT_KEEP, name);
        } finally {
          own.close();
        }
      })();
      return written;
    },
  };
}

/**
 * Backups of `dbFile` in the folder, newest first. Only files named by this module are listed.
 * @example listBackups('S.db')[0]?.file // the newest backup, or undefined
 */
export function listBackups(dbFile: string, dir: string = defaultBackupDir(dbFile)): BackupInfo[] {
  return scan(dbFile, dir).map((e) => e.info);
}

export interface BackupCheck {
  readonly userVersion: number;
  readonly role: 'summary' | 'unit';
  /** This installation's public key as recorded in the backup, if any. */
  readonly publicKey: string | null;
  readonly fingerprint: string | null;
}

/**
 * Refuses anything that is not an intact database of this app and this version or older:
 * E_NOT_LEDGER_DB (not ours), E_DB_FROM_FUTURE (newer program), E_UNREADABLE (damaged or incomplete).
 * Reads the file into memory, so it never leaves `-wal`/`-shm` files beside it.
 * @example checkBackupFile('S.db.backups/S.db.2019-07-03T02-00-00.000Z.manual.bak').userVersion // 2
 */
export function checkBackupFile(file: string): BackupCheck {
  const { check, sqlite } = openChecked(file);
  sqlite.close();
  return check;
}

/** checkBackupFile, leaving the backup open (in memory, read-only) for the caller to read and close. */
function openChecked(file: string): { check: BackupCheck; sqlite: BetterSqlite3.Database } {
  const name = basename(file);
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new LedgerError('E_NOT_FOUND', `「${file}」不是文件。`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LedgerError('E_NOT_FOUND', `找不到备份文件 ${file}。`);
    throw new LedgerError('E_UNREADABLE', `无法读取备份文件 ${file}:${fsReason(err)}。`);
  }
  const header = readHeader(bytes, bytes.length);
  if (!header) throw new LedgerError('E_NOT_LEDGER_DB', `文件「${name}」不是民生工作督办台账的数据库或备份,未做任何修改。`);
  if (header.incomplete) throw new LedgerError('E_UNREADABLE', `备份文件「${name}」不完整(${header.incomplete}),可能复制时中断或已损坏,未做任何修改。`);
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = openInMemory(bytes, { readonly: true });
  } catch (err) {
    throw sqliteRefusal(err, name);
  }
  try {
    const appId = sqlite.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) throw new LedgerError('E_NOT_LEDGER_DB', `文件「${name}」是 SQLite 数据库,但不是民生工作督办台账的数据库,未做任何修改。`);
    const userVersion = sqlite.pragma('user_version', { simple: true }) as number;
    if (userVersion > LATEST_VERSION) {
      throw new LedgerError(
        'E_DB_FROM_FUTURE',
        `备份「${name}」由更新版本的程序写入(数据库版本 ${userVersion},本程序支持到 ${LATEST_VERSION})。请安装新版本后再恢复,未做任何修改。`,
        { version: userVersion, supported: LATEST_VERSION },
      );
    }
    const problems = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new LedgerError('E_UNREADABLE', `备份文件「${name}」已损坏(完整性检查未通过),未做任何修改。`, { problems: problems.slice(0, 10) });
    }
    const setting = (key: string): string | null => {
      const row = sqlite.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
      return row?.value ?? null;
    };
    const role = setting('role');
    if (role !== 'summary' && role !== 'unit') {
      throw new LedgerError('E_NOT_LEDGER_DB', `备份「${name}」是尚未初始化的台账数据库(缺少端类型设置),不能用来恢复,未做任何修改。`);
    }
    return { check: { userVersion, role, publicKey: setting('public_key'), fingerprint: setting('fingerprint') }, sqlite };
  } catch (err) {
    sqlite.close();
    throw sqliteRefusal(err, name);
  }
}

export interface RestoreOptions {
  readonly now?: () => Date;
  readonly actor?: string;
  /** Backup folder for the safety copy; `<db file>.backups/` by default. */
  readonly dir?: string;
  readonly keep?: number;
}

export interface RestoreResult {
  readonly restoredFrom: string;
  /** The database as it was just before the restore (so the restore can be undone), if it was readable. */
  readonly safetyCopy: BackupInfo | null;
  /** A damaged database is kept byte for byte beside itself (`S.db.<time>.damaged`) rather than lost. */
  readonly damagedCopy: string | null;
  /** Audit lines made since the backup (those it did not have), carried into the restored database. */
  readonly carriedAudit: number;
  /** Why lines since the backup could not be carried (the database was damaged), or null. */
  readonly auditNotCarried: string | null;
  /** The number of the restore's own audit line, after the carried ones. */
  readonly restoreAuditId: number;
}

/**
 * Replaces the database with a backup. **The caller must have closed the database** (every connection,
 * in this process and any other): the file is renamed over, and an open connection would keep writing
 * to the old one. Refused while another program imports into it (the writer lock). Checks the backup
 * first and changes nothing if it is refused; keeps a `before-restore` copy of the current database.
 * The audit log survives: every line of the current log that the backup does not have is carried into
 * the restored database, in its order and with its own time, actor and content, and the restore's own
 * `backup.restore` line follows them.
 * @example await ledger.close(); await restoreBackup('S.db', 'S.db.backups/S.db.2019-07-03T02-00-00.000Z.manual.bak');
 */
export async function restoreBackup(dbFile: string, backupFile: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const loc = parseLocation(dbFile);
  if (loc.dialect === 'postgres') throw serverRestoreRefusal(loc.shown, backupFile);
  return withWriterLock(dbFile, 'restore', { waitMs: 0 }, () => restoreLocked(dbFile, backupFile, opts));
}

async function restoreLocked(dbFile: string, backupFile: string, opts: RestoreOptions): Promise<RestoreResult> {
  const now = opts.now ?? (() => new Date());
  const opened = openChecked(backupFile);
  const check = opened.check;
  let carried: MissingAudit | null = null;
  let auditNotCarried: string | null = null;
  let safetyCopy: BackupInfo | null = null;
  let damagedCopy: string | null = null;
  try {
    refuseForeignKey(dbFile, check, basename(backupFile));
    if (existsSync(dbFile)) {
      refuseUnwritable(dbFile);
      refuseIfOpenElsewhere(dbFile);
      const current = openHealthy(dbFile);
      if (current) {
        try {
          refuseOtherYear(current, opened.sqlite, basename(backupFile));
          try {
            carried = auditMissingFrom(current, opened.sqlite);
          } catch (err) {
            auditNotCarried = `当前数据库文件中读不到审计日志(${(err as Error).message}),没有可转入的记录。`;
          }
          // The backup being restored may be the oldest one kept (or the last restore's undo copy): the rotation after
          // this copy must not delete it before it is read.
          safetyCopy = await writeBackup(current, dbFile, 'before-restore', now(), opts.dir ?? defaultBackupDir(dbFile), opts.keep ?? DEFAULT_KEEP, undefined, backupFile);
        } finally {
          current.close();
        }
      } else {
        damagedCopy = `${dbFile}.${stampOf(now())}.damaged`;
        await atomicWrite(damagedCopy, (temp) => copyFileSync(dbFile, temp));
        // Damage is often elsewhere (an index of the reports): the audit log may still read whole, and then
        // its entries since the backup are carried as from a healthy file.
        carried = readAuditOfDamaged(dbFile, opened.sqlite);
        auditNotCarried = carried ? null : `原数据库已损坏,自备份以来的审计记录无法读出、未能转入恢复后的数据库;它们仍在保留的损坏文件 ${basename(damagedCopy)} 中。`;
      }
    }
  } finally {
    opened.sqlite.close();
  }

  removeStaleTemps(dirname(dbFile), restoreTempPattern(basename(dbFile)));
  await atomicWrite(dbFile, (temp) => {
    copyFileSync(backupFile, temp);
    // What gets installed is what was checked, even if the backup's medium changed meanwhile.
    checkBackupFile(temp);
    // A stale log of the old database would be replayed into the restored one and damage it.
    for (const suffix of ['-wal', '-shm', '-journal']) removeIfPresent(`${dbFile}${suffix}`);
  }, restoreTempName(dbFile));

  const lines = carried?.lines ?? [];
  const ledger = await openLedger(dbFile, { now, actor: opts.actor ?? '本机用户' });
  let restoreAuditId: number;
  try {
    restoreAuditId = await ledger.db.transaction().execute(async (trx) => {
      await appendStoredAudit(trx, lines);
      await appendAudit(trx, {
        at: now().toISOString(), actor: ledger.actor, action: 'backup.restore', entity: 'backup', entityId: basename(backupFile),
        after: {
          from: basename(backupFile), userVersion: check.userVersion,
          safetyCopy: safetyCopy ? basename(safetyCopy.file) : null, damagedCopy: damagedCopy ? basename(damagedCopy) : null,
          // The numbers the carried lines had before; they keep them when the backup is of this database.
          carried: lines.length, ...(lines.length > 0 ? { carriedIds: [lines[0]!.id, lines.at(-1)!.id], sameHistory: carried!.prefix } : {}),
          ...(auditNotCarried ? { auditNotCarried } : {}),
        },
      });
      const last = await trx.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
      return Number(last.id);
    });
  } finally {
    await ledger.close();
  }
  return { restoredFrom: backupFile, safetyCopy, damagedCopy, carriedAudit: lines.length, auditNotCarried, restoreAuditId };
}

export type Health =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** One Chinese sentence for the user. */
      readonly problem: string;
      /** True when the file itself is damaged (restoring a backup helps); false when it is missing or cannot be opened. */
      readonly damaged: boolean;
      /** The newest backup that passes checkBackupFile, to offer the user. */
      readonly lastGoodBackup: BackupInfo | null;
    };

/**
 * The start-up check: is the database file intact? When it is not, names the newest good backup.
 * Read-only apart from removing temporary files a crashed backup or restore left behind.
 * @example const h = checkDatabaseHealth('S.db'); if (!h.ok) offerRestore(h.lastGoodBackup);
 */
export function checkDatabaseHealth(dbFile: string, opts: { readonly dir?: string } = {}): Health {
  const dir = opts.dir ?? defaultBackupDir(dbFile);
  removeStaleTemps(dirname(dbFile), restoreTempPattern(basename(dbFile)));
  const bad = (problem: string, damaged: boolean): Health => ({ ok: false, problem, damaged, lastGoodBackup: lastGood(dbFile, dir) });
  if (!existsSync(dbFile)) return bad(`找不到数据库文件 ${dbFile}。`, false);
  // Without a WAL, the file alone must hold every page its header counts; a cut-off file fails here.
  if (!existsSync(`${dbFile}-wal`)) {
    const header = readHeaderOfFile(dbFile);
    if (header?.incomplete) return bad(`数据库文件 ${dbFile} 不完整(${header.incomplete}),已损坏。`, true);
  }
  const verdict = (sqlite: BetterSqlite3.Database): Health => {
    try {
      const rows = (sqlite.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
      return rows.length === 1 && rows[0] === 'ok' ? { ok: true } : bad(`数据库文件 ${dbFile} 已损坏(完整性检查未通过)。`, true);
    } finally {
      sqlite.close();
    }
  };
  try {
    return verdict(new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true }));
  } catch (err) {
    if (isDamage(err)) return bad(`数据库文件 ${dbFile} 已损坏,无法读取。`, true);
    // A write-protected place cannot hold the -shm a WAL database is read with (the open or the first read
    // fails): its bytes are checked in memory, as the commands that read it open them (db/open.ts), unless a
    // -wal holds changes the file has not taken in.
    const copy = storeError(err, dbFile)?.failure === 'read-only' && !hasPendingWal(dbFile) ? copyOf(dbFile) : null;
    if (!copy) return notChecked(dbFile, err, bad);
    try {
      return verdict(copy);
    } catch (copyErr) {
      return isDamage(copyErr) ? bad(`数据库文件 ${dbFile} 已损坏,无法读取。`, true) : notChecked(dbFile, copyErr, bad);
    }
  }
}

/** A file that could not be checked is not called damaged: what stopped the check, in words a clerk can act on. */
function notChecked(dbFile: string, err: unknown, bad: (problem: string, damaged: boolean) => Health): Health {
  if (failureOf(err) === 'busy') return bad(`数据库文件 ${dbFile} 正被另一个程序独占使用,暂时无法检查;请关闭那个程序后再试。`, false);
  return bad(`无法打开数据库文件 ${dbFile}:${fsReason(err)}。`, false);
}

/** The file's bytes in memory, read-only; null if they cannot be read or opened (then the open's error stands). */
function copyOf(dbFile: string): BetterSqlite3.Database | null {
  try {
    return openInMemory(readFileSync(dbFile), { readonly: true });
  } catch {
    return null;
  }
}

/**
 * The start-up check of any store: a SQLite file's integrity (checkDatabaseHealth), or for a PostgreSQL
 * database a connection to it: the server keeps its own files intact, what can fail from here is reaching it.
 * @example const h = await checkStoreHealth('postgres://clerk@10.0.0.5/ledger'); if (!h.ok) warn(h.problem);
 */
export async function checkStoreHealth(location: string, opts: { readonly dir?: string } = {}): Promise<Health> {
  const loc = parseLocation(location);
  if (loc.dialect === 'sqlite') return checkDatabaseHealth(loc.file, opts);
  let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    handle = await openDatabase(location, { mustExist: true, readonly: true });
    await sql`SELECT 1`.execute(handle.db);
    return { ok: true };
  } catch (err) {
    // No backup is offered: a server database is restored by its administrator (serverRestoreRefusal).
    return { ok: false, problem: err instanceof Error ? err.message : String(err), damaged: false, lastGoodBackup: null };
  } finally {
    await handle?.close();
  }
}

/**
 * Why a server database is not restored from here, and the administrator's command that does it. Restoring
 * replaces every row while other clerks' programs stay connected and writing: only the administrator, with
 * every program stopped, can do that safely, and the audit lines since the backup must be carried over by hand.
 */
function serverRestoreRefusal(shown: string, backupFile: string): LedgerError {
  return new LedgerError(
    'E_USAGE',
    `服务器上的台账(PostgreSQL ${shown})不能由本程序恢复:其他科员的程序可能正连着它,恢复会替换全部数据。`
      + `请把备份文件 ${backupFile} 交给服务器管理员,由他停止各台电脑上的台账程序后,在服务器上执行:`
      + `pg_restore --clean --if-exists -d "postgres://${shown}" "${backupFile}"。恢复后自该备份以来的审计记录需由管理员从原库另行导出保存。未做任何修改。`,
  );
}

/** The server database of an open PostgreSQL ledger (its address carries no password: location.ts refuses one). */
function serverOf(ctx: BackupCtx): Extract<Location, { dialect: 'postgres' }> {
  const loc = ctx.handle?.location ? parseLocation(ctx.handle.location) : null;
  if (loc?.dialect !== 'postgres') throw new LedgerError('E_INTERNAL', 'PostgreSQL 台账的备份需要打开的数据库连接(openLedger)。');
  return loc;
}

/**
 * pg_dump (custom format) of the server database into the backup folder, under the names and rotation SQLite's
 * backups have: written under a temporary name, its table of contents read back with pg_restore, then renamed.
 */
async function writePgDump(server: Extract<Location, { dialect: 'postgres' }>, base: string, reason: BackupReason, at: Date, dir: string, keep: number): Promise<BackupInfo> {
  const folderFailure = (err: unknown) => new LedgerError('E_WRITE_FAILED', `无法在备份文件夹 ${dir} 中写入备份:${fsReason(err)}。数据库本身没有改动。`, { dir });
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw folderFailure(err);
  }
  const final = join(dir, uniqueName(dir, basename(base), stampOf(at), reason));
  const temp = `${final}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  await replaceFile(final, temp, async () => {
    await pgDump(server.url, temp);
    await pgDumpContents(temp);
  }).catch((err: unknown) => {
    if (err instanceof LedgerError) throw err;
    const text = err instanceof Error ? err.message : String(err);
    const tool = (err as { tool?: string }).tool;
    if (tool === 'pg_dump' && /permission denied/i.test(text)) {
      const words = failureWords('denied');
      throw new LedgerError(words.code, `pg_dump 未能读出服务器上的台账 ${server.shown}:${words.reason},没有做成备份。${words.advice}。`);
    }
    if (tool === 'pg_dump' && isConnectionComplaint(text)) {
      throw new LedgerError('E_DB_UNREACHABLE', `pg_dump 未能读出服务器上的台账 ${server.shown}:${firstLines(text)}。请检查地址、网络和密码(PGPASSWORD 或 .pgpass),pg_dump 的版本不能低于服务器的版本。`);
    }
    if (tool) throw new LedgerError('E_WRITE_FAILED', `${tool} 未能写出或读回备份文件 ${basename(final)}:${firstLines(text)}。数据库本身没有改动。`, { dir });
    throw folderFailure(err);
  });
  prune(base, dir, keep, final);
  return { file: final, bytes: statSync(final).size, createdAt: at.toISOString(), reason };
}

/** A client program's complaint, short enough for a message. */
function firstLines(text: string): string {
  return text.split('\n').slice(0, 3).join(' ').slice(0, 400);
}

// ---------------------------------------------------------------------------------------------------

interface Entry {
  readonly info: BackupInfo;
  readonly stamp: string;
  readonly seq: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `S.db.2019-07-03T02-00-00.000Z.manual.bak`, or `…000Z.2.manual.bak` for a second one in the same millisecond. */
function namePattern(base: string): RegExp {
  return new RegExp(`^${escapeRegExp(base)}\\.(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z)(?:\\.(\\d+))?\\.(${REASONS.join('|')})\\.bak$`);
}

function stampOf(d: Date): string {
  return d.toISOString().replace(/:/g, '-');
}

function scan(dbFile: string, dir: string): Entry[] {
  const pattern = namePattern(basename(dbFile));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    let bytes: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) continue;
      bytes = st.size;
    } catch {
      continue;
    }
    const stamp = m[1]!;
    const createdAt = stamp.replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3');
    entries.push({ info: { file, bytes, createdAt, reason: m[3] as BackupReason }, stamp, seq: m[2] ? Number(m[2]) : 1 });
  }
  return entries.sort((a, b) => (a.stamp === b.stamp ? b.seq - a.seq : a.stamp < b.stamp ? 1 : -1));
}

function lastGood(dbFile: string, dir: string): BackupInfo | null {
  for (const b of listBackups(dbFile, dir)) {
    try {
      checkBackupFile(b.file);
      return b;
    } catch {
      // a damaged or foreign backup is simply not offered
    }
  }
  return null;
}

function openSource(file: string): BetterSqlite3.Database {
  try {
    return new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new LedgerError('E_UNREADABLE', `无法打开数据库文件 ${file} 进行备份:${fsReason(err)}。`);
  }
}

/** The audit entries a damaged database holds beyond the backup's, when its audit log still reads; else null. */
function readAuditOfDamaged(dbFile: string, backup: BetterSqlite3.Database): MissingAudit | null {
  let sqlite: BetterSqlite3.Database | null = null;
  try {
    sqlite = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
    // The audit table's own pages must be sound: integrity_check of that table alone.
    const rows = sqlite.pragma('quick_check(audit_log)') as { quick_check: string }[];
    if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') return null;
    return auditMissingFrom(sqlite, backup);
  } catch {
    return null;
  } finally {
    sqlite?.close();
  }
}

/** Checked before anything is written (the copy made before a restore included): a restore renames over the file. */
function refuseUnwritable(dbFile: string): void {
  const places: readonly [string, string][] = [[dbFile, `数据库文件 ${dbFile}`], [dirname(dbFile), `数据库所在的文件夹 ${dirname(dbFile)}`]];
  for (const [path, what] of places) {
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new LedgerError('E_READ_ONLY', `${what} 是只读的(只读属性、写保护或没有写入权限),不能把备份恢复到这里。未做任何修改。`);
    }
  }
}

/**
 * Restoring renames a new file over the database: a program that still has it open (the app's window, another
 * command, a database tool) would go on writing into the old file, and what it wrote would be lost without a word.
 * A connection in exclusive locking mode can begin an exclusive transaction on a WAL database only while no other
 * connection has it open (each holds a lock for as long as it is open, idle or not), and writes nothing doing so.
 */
function refuseIfOpenElsewhere(dbFile: string): void {
  let probe: BetterSqlite3.Database | null = null;
  try {
    probe = new BetterSqlite3(dbFile, { fileMustExist: true, timeout: 0 });
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
  } catch (err) {
    if (failureOf(err) === 'busy') {
      throw new LedgerError('E_DB_BUSY', `数据库 ${dbFile} 正被另一个程序打开(本程序的窗口、另一条命令或数据库工具)。恢复会替换这个文件,那个程序之后写入的内容会丢失:请先关闭它,再恢复。未做任何修改。`);
    }
    // Damage and the like are the health check's to find (openHealthy), and a damaged file is what a restore is for.
  } finally {
    probe?.close();
  }
}

/**
 * A backup of another year's ledger (a new year keeps the office's key, so refuseForeignKey lets it through) would
 * replace this year's whole ledger: its plan is another plan. A ledger of that year is restored as a file of its own.
 */
function refuseOtherYear(current: BetterSqlite3.Database, backup: BetterSqlite3.Database, name: string): void {
  const years = (db: BetterSqlite3.Database): number[] => {
    try {
      return (db.prepare('SELECT DISTINCT year FROM plans ORDER BY year').all() as { year: number }[]).map((r) => r.year);
    } catch {
      return []; // a database without a plan yet (a first start interrupted) has no year to compare
    }
  };
  const mine = years(current);
  const theirs = years(backup);
  if (mine.length === 0 || theirs.length === 0 || theirs.some((y) => mine.includes(y))) return;
  throw new LedgerError(
    'E_WRONG_PLAN',
    `备份「${name}」是 ${theirs.join('、')} 年计划的台账,本数据库是 ${mine.join('、')} 年的:恢复会用另一年的台账替换这一年的全部数据,未做任何修改。`
    + `如需查看那一年的数据,请把备份恢复为另一个数据库文件(restore --db 新文件名.db --from 该备份)。`,
    { backupYears: theirs, years: mine },
  );
}

/** The current database opened read-only, or null if it is damaged or cannot be read. */
function openHealthy(dbFile: string): BetterSqlite3.Database | null {
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  if (passesQuickCheck(sqlite)) return sqlite;
  sqlite.close();
  return null;
}

/** A backup from another installation would leave this computer's key file signing for a database it does not belong to. */
function refuseForeignKey(dbFile: string, check: BackupCheck, name: string): void {
  if (check.publicKey === null || !existsSync(keyFilePath(dbFile))) return;
  let own: string;
  try {
    own = loadKey(dbFile).publicKey;
  } catch {
    return; // an unreadable key file is reported where it is used; it says nothing about the backup
  }
  if (own !== check.publicKey) {
    throw new LedgerError(
      'E_KEY_MISMATCH',
      `备份「${name}」属于另一台电脑或另一个数据库(备份中的本机密钥指纹 ${check.fingerprint ?? '未知'} 与本机密钥文件 ${keyFilePath(dbFile)} 不一致),未做任何修改。`,
    );
  }
}

async function writeBackup(
  source: BetterSqlite3.Database, dbFile: string, reason: BackupReason, at: Date, dir: string, keep: number,
  name = uniqueName(dir, basename(dbFile), stampOf(at), reason), spare?: string,
): Promise<BackupInfo> {
  const fail = (err: unknown): LedgerError => {
    // Damage found while copying may be the database's own: then that is what the person must hear
    // (a backup of it cannot help), not a problem with the backup folder.
    const failure = failureOf(err);
    if (failure === 'busy') return storeError(err, dbFile)!;
    if (failure === 'damaged' && !passesQuickCheck(source)) return new StoreError('damaged', dbFile, 'SQLITE_CORRUPT');
    return new LedgerError('E_WRITE_FAILED', `无法在备份文件夹 ${dir} 中写入备份:${fsReason(err)}。数据库本身没有改动。`, { dir });
  };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fail(err);
  }
  const final = join(dir, name);
  const temp = `${final}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  await replaceFile(final, temp, async () => {
    await source.backup(temp);
    const copy = new BetterSqlite3(temp, { fileMustExist: true });
    try {
      // The copy carries the source's WAL flag; a backup is one self-contained file.
      copy.pragma('journal_mode = DELETE');
      if (!passesQuickCheck(copy)) throw Object.assign(new Error('备份副本未通过完整性检查'), { code: 'SQLITE_CORRUPT' });
    } finally {
      copy.close();
    }
  }).catch((err: unknown) => {
    throw fail(err);
  });
  const undo = undoOfLastRestore(source);
  prune(dbFile, dir, keep, final, [spare, undo === null ? null : join(dir, undo)]);
  const bytes = statSync(final).size;
  return { file: final, bytes, createdAt: at.toISOString(), reason };
}

function passesQuickCheck(sqlite: BetterSqlite3.Database): boolean {
  try {
    const rows = sqlite.pragma('quick_check') as { quick_check: string }[];
    return rows.length === 1 && rows[0]!.quick_check === 'ok';
  } catch {
    return false;
  }
}

function uniqueName(dir: string, base: string, stamp: string, reason: BackupReason): string {
  const taken = new Set(scan(base, dir).filter((e) => e.stamp === stamp).map((e) => e.seq));
  let seq = 1;
  while (taken.has(seq)) seq++;
  return `${base}.${stamp}${seq === 1 ? '' : `.${seq}`}.${reason}.bak`;
}

/**
 * Keeps the newest `keep` backups, and the copy made before the latest restore whatever its age: a restore
 * replaces every row, and that copy is the only way to undo it. `spare`: files kept besides (the backup a
 * restore is reading; the copy the database's own audit log names as the latest restore's undo, which holds
 * even when a clock that was wrong once gave an older copy a later name). Only files matching our own name
 * pattern are ever deleted.
 */
function prune(dbFile: string, dir: string, keep: number, justMade: string, spare: readonly (string | null | undefined)[] = []): void {
  const all = scan(dbFile, dir);
  const kept = new Set(spare.filter((f): f is string => typeof f === 'string').map((f) => resolve(f)));
  const newestUndo = all.find((e) => e.info.reason === 'before-restore')?.info.file;
  if (newestUndo !== undefined) kept.add(resolve(newestUndo));
  // The new one is kept whatever its time: a clock set back must not make it the first to go.
  const others = all.filter((e) => e.info.file !== justMade);
  for (const e of others.slice(Math.max(0, keep - 1))) {
    if (!kept.has(resolve(e.info.file))) removeIfPresent(e.info.file);
  }
  removeStaleTemps(dir, backupTempPattern(basename(dbFile)));
}

/** The undo copy the latest restore made, as the database's audit log names it (its file name), or null. */
function undoOfLastRestore(source: BetterSqlite3.Database): string | null {
  try {
    const row = source.prepare(`SELECT after FROM audit_log WHERE action = 'backup.restore' ORDER BY id DESC LIMIT 1`).get() as { after: string | null } | undefined;
    const copy = row?.after ? (JSON.parse(row.after) as { safetyCopy?: unknown }).safetyCopy : null;
    return typeof copy === 'string' && basename(copy) === copy ? copy : null;
  } catch {
    return null; // no audit log to read (a damaged file's copy): the newest by name is kept as before
  }
}

function backupTempPattern(base: string): RegExp {
  return new RegExp(`^${escapeRegExp(base)}\\..+\\.bak\\.(\\d+)-[0-9a-f]{12}\\.tmp(?:-journal|-wal|-shm)?$`);
}

function restoreTempName(dbFile: string): string {
  return `${dbFile}.restore.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
}

function restoreTempPattern(base: string): RegExp {
  return new RegExp(`^${escapeRegExp(base)}\\.(?:restore|[0-9TZ.-]+\\.damaged)\\.(\\d+)-[0-9a-f]{12}\\.tmp(?:-journal|-wal|-shm)?$`);
}

/** Removes temporary files of ours whose writing process is gone (a crash or power cut mid-write). */
function removeStaleTemps(dir: string, pattern: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    removeIfPresent(join(dir, name));
  }
}

/** replaceFile with the restore's wording for a failure; a check's own refusal passes through. */
async function atomicWrite(target: string, write: (temp: string) => void, temp = `${target}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`): Promise<void> {
  await replaceFile(target, temp, write).catch((err: unknown) => {
    if (err instanceof LedgerError) throw err;
    const dir = dirname(target);
    throw new LedgerError('E_WRITE_FAILED', `无法在文件夹 ${dir} 中写入 ${basename(target)}:${fsReason(err)}。未做任何修改。`, { dir });
  });
}

interface Header {
  /** Why the file is shorter than its own header says, or null if it is complete. */
  readonly incomplete: string | null;
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * The SQLite file header (the first 100 bytes of a file `size` bytes long); null if this is not an
 * SQLite database file at all.
 */
function readHeader(head: Buffer, size: number): Header | null {
  if (head.length < 100 || !head.subarray(0, 16).equals(MAGIC)) return null;
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { incomplete: '文件头已损坏' };
  // The page count in the header is only meaningful when the change counter matches "version valid for".
  const pages = head.readUInt32BE(24) === head.readUInt32BE(92) ? head.readUInt32BE(28) : 0;
  if (size % pageSize !== 0) return { incomplete: `文件长度 ${size} 字节不是页大小 ${pageSize} 的整数倍` };
  if (pages > 0 && pages * pageSize > size) return { incomplete: `应有 ${pages * pageSize} 字节,实际只有 ${size} 字节` };
  return { incomplete: null };
}

function readHeaderOfFile(file: string): Header | null {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(100);
      readSync(fd, head, 0, 100, 0);
      return readHeader(head, size);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function sqliteRefusal(err: unknown, name: string): LedgerError {
  if (err instanceof LedgerError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') return new LedgerError('E_UNREADABLE', `备份文件「${name}」已损坏,无法作为数据库打开,未做任何修改。`);
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) return new LedgerError('E_UNREADABLE', `备份文件「${name}」已损坏,未做任何修改。`);
  if (typeof code === 'string' && /no such table/.test((err as Error).message)) {
    return new LedgerError('E_NOT_LEDGER_DB', `文件「${name}」不是民生工作督办台账的数据库,未做任何修改。`);
  }
  return new LedgerError('E_UNREADABLE', `无法读取备份文件「${name}」:${(err as Error).message},未做任何修改。`);
}

/** A reason a person can act on, for the errors a full disk, a read-only folder or a bad path give. */
function fsReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOTDIR' || code === 'ENOENT' || code === 'EEXIST') return '文件夹路径无效(路径中有同名文件,或文件夹不存在)';
  // Classified as every store failure is (db/errors.ts), worded for a folder rather than the database.
  switch (failureOf(err)) {
    case 'full':
      return '磁盘空间不足';
    case 'read-only':
      return '文件夹只读或没有写入权限';
    case 'cannot-open':
      return '无法在该处创建或打开文件(文件夹只读、没有权限或路径无效)';
    case 'io':
      return '读写出错(U盘或磁盘可能已拔出或损坏)';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
