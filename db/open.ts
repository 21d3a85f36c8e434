import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { LedgerError } from '../shared/errors';
import { LedgerDialect, registerRunner, withStatementCache } from './dialect/sqlite';
import { LedgerPostgresDialect, readIdentity, writeIdentity } from './dialect/postgres';
import { BUSY_TIMEOUT_MS, storeError, StoreError } from './errors';
import { parseLocation, shownLocation, type Dialect, type Location } from './location';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import type { Database, Db } from './schema';

/** Written into every database of this app so a restore can tell ours from any other SQLite file. */
export const APPLICATION_ID = 0x4d534c47; // "MSLG"

export interface OpenDatabase {
  readonly db: Db;
  readonly dialect: Dialect;
  /** The SQLite handle (backups, pragmas); null on PostgreSQL. */
  readonly sqlite: BetterSqlite3.Database | null;
  /**
   * A path on this PC that files live beside (`<file>.key`, `<file>.backups/`): the database file itself, or
   * for PostgreSQL its folder under LEDGER_HOME (location.ts).
   */
  readonly file: string;
  /** Where the store is, as given to openDatabase (a file path or a postgres:// URL). */
  readonly location: string;
  /** The store as messages name it: the file, or `PostgreSQL user@host:port/db` (never a password). */
  readonly shown: string;
  /** Opened as a copy in memory (OpenOptions.copyIfReadOnly): nothing done with it reaches the file. */
  readonly inMemoryCopy?: true;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Refuse to create a file that does not exist yet (on PostgreSQL: a database without a ledger in it). */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
  /**
   * For commands that only read: where the file's place cannot be written (a write-protected USB stick, where
   * SQLite cannot make the -wal and -shm files it reads through), a copy of the file is opened in memory instead
   * (`inMemoryCopy` says so). Never where a -wal file holds changes the file itself has not taken in yet.
   */
  readonly copyIfReadOnly?: boolean;
}

/**
 * Opens (and migrates) a ledger database: a SQLite file, or a PostgreSQL database given as postgres://….
 * @example const { db, close } = await openDatabase('S.db');
 */
export async function openDatabase(where: string, opts: OpenOptions = {}): Promise<OpenDatabase> {
  const loc = parseLocation(where);
  return loc.dialect === 'postgres' ? openPostgres(loc, opts) : openSqlite(loc.file, opts);
}

async function openSqlite(file: string, opts: OpenOptions): Promise<OpenDatabase> {
  // A ledger emptied to 0 bytes (a power cut mid-copy) would open as a new, empty database and be given
  // a fresh schema: it is a damaged ledger, whose backups are the way back.
  if (opts.mustExist && sizeOf(file) === 0) throw new StoreError('damaged', file, 'SQLITE_NOTADB');
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { fileMustExist: opts.mustExist ?? false, readonly: opts.readonly ?? false, timeout: BUSY_TIMEOUT_MS });
    configure(sqlite, opts.readonly ?? false);
  } catch (err) {
    sqlite?.close();
    const failure = storeError(err, file);
    // A read-only place fails at the open or at the first pragma, as SQLite finds out.
    if (opts.copyIfReadOnly && failure?.failure === 'read-only' && !hasPendingWal(file)) return openCopy(file);
    throw failure ?? (sqlite ? err : new LedgerError('E_NOT_FOUND', `无法打开数据库文件 ${file}:${(err as Error).message}`));
  }
  return withKysely(sqlite, file, !opts.readonly);
}

async function withKysely(sqlite: BetterSqlite3.Database, file: string, migrating: boolean, copy = false): Promise<OpenDatabase> {
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new LedgerDialect({ database: statements }, file) });
  registerRunner(db, statements, file);
  try {
    if (migrating) await migrate(db, sqlite);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'sqlite', sqlite, file, location: file, shown: file, ...(copy ? { inMemoryCopy: true as const } : {}), close: () => db.destroy() };
}

/** A -wal file with frames in it: changes the database file itself does not hold yet, which a copy of it would miss. */
export function hasPendingWal(file: string): boolean {
  return (sizeOf(`${file}-wal`) ?? 0) > 0;
}

/**
 * The file's bytes as a database in memory: read, and migrated there if it is older, as a writable open would.
 * Nothing reaches the file. A write-protected stick is no reason a clerk cannot look at a ledger on it.
 */
async function openCopy(file: string): Promise<OpenDatabase> {
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = openInMemory(readFileSync(file));
  } catch (err) {
    throw storeError(err, file) ?? new LedgerError('E_UNREADABLE', `无法读取数据库文件 ${file}:${(err as Error).message}`);
  }
  try {
    sqlite.pragma('foreign_keys = ON');
    checkSqliteIdentity(sqlite);
  } catch (err) {
    sqlite.close();
    throw storeError(err, file) ?? err;
  }
  return withKysely(sqlite, file, true, true);
}

/**
 * A database file's bytes opened in memory. A copy of a WAL-mode file opens only once its header says
 * "rollback journal" (bytes 18 and 19); the pages are the same database either way, since the file holds every
 * checkpointed page. The bytes are changed in place: pass a buffer of the caller's own.
 * @example const sqlite = openInMemory(readFileSync('office.db'), { readonly: true });
 */
export function openInMemory(bytes: Buffer, opts: { readonly?: boolean } = {}): BetterSqlite3.Database {
  if (bytes[18] === 2) bytes[18] = 1;
  if (bytes[19] === 2) bytes[19] = 1;
  return new BetterSqlite3(bytes, { readonly: opts.readonly ?? false });
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

async function openPostgres(loc: Extract<Location, { dialect: 'postgres' }>, opts: OpenOptions): Promise<OpenDatabase> {
  const shown = shownLocation(loc);
  // The folder for this office's key and files on this PC (location.ts ledgerHome).
  mkdirSync(dirname(loc.local), { recursive: true });
  const { createPool } = await import('./dialect/postgres-pool');
  const pool = createPool(loc.url, opts.readonly ?? false);
  const db = new Kysely<Database>({ dialect: new LedgerPostgresDialect(pool, shown) });
  try {
    const id = await readIdentity(db);
    checkIdentity(id.hasTables, id.applicationId, id.version);
    if (opts.mustExist && id.applicationId === null) {
      throw new LedgerError('E_NOT_FOUND', `数据库 ${shown} 里还没有台账,请先初始化(ledger init --db postgres://${loc.shown})。`);
    }
    if (!opts.readonly && id.version < LATEST_VERSION) {
      // The migrations are SQLite's statements, read as PostgreSQL's (dialect/postgres.ts postgresDdl).
      const ddl = new Kysely<Database>({ dialect: new LedgerPostgresDialect(pool, shown, true) });
      for (const m of MIGRATIONS) {
        await ddl.transaction().execute(async (trx) => {
          // Read again under the write lock: another clerk's program may have migrated meanwhile.
          const now = await readIdentity(trx);
          if (now.version >= m.version) return;
          await m.up(trx);
          await writeIdentity(trx, APPLICATION_ID, m.version);
        });
      }
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'postgres', sqlite: null, file: loc.local, location: loc.url, shown, close: () => db.destroy() };
}

/** Refuses a store that is not a ledger's, or one written by a newer version of the program. */
function checkIdentity(hasTables: boolean, appId: number | null, version: number): void {
  if (hasTables && appId !== APPLICATION_ID) {
    throw new LedgerError('E_NOT_LEDGER_DB', '这个文件不是民生工作督办台账的数据库,未做任何修改。');
  }
  if (version > LATEST_VERSION) {
    throw new LedgerError(
      'E_DB_FROM_FUTURE',
      `这个数据库由更新版本的程序写入(数据库版本 ${version},本程序支持到 ${LATEST_VERSION})。请安装新版本后再打开,数据未做任何修改。`,
      { version, supported: LATEST_VERSION },
    );
  }
}

function configure(sqlite: BetterSqlite3.Database, readonly: boolean): void {
  // WAL keeps readers going during an import; FULL sync means a committed import survives a power cut.
  if (!readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Each imported package is merged in a savepoint, whose journal would otherwise be a temporary
  // file written for every page the package touches (a third of its merge; docs/performance.md).
  sqlite.pragma('temp_store = MEMORY');
  checkSqliteIdentity(sqlite);
}

function checkSqliteIdentity(sqlite: BetterSqlite3.Database): void {
  const appId = sqlite.pragma('application_id', { simple: true }) as number;
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  const hasTables = (sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n > 0;
  checkIdentity(hasTables, appId, version);
}

async function migrate(db: Db, sqlite: BetterSqlite3.Database): Promise<void> {
  const current = sqlite.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction().execute(async (trx) => {
      await m.up(trx);
      await sql.raw(`PRAGMA application_id = ${APPLICATION_ID}`).execute(trx);
      await sql.raw(`PRAGMA user_version = ${m.version}`).execute(trx);
    });
  }
}

/** The schema version a database file is at, without migrating it. */
export function schemaVersion(sqlite: BetterSqlite3.Database): number {
  return sqlite.pragma('user_version', { simple: true }) as number;
}
