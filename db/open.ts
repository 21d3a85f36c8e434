import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, Kysely, SqliteDialect, SqliteDriver, sql,
  type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase, type SqliteDialectConfig,
} from 'kysely';
import { LedgerError } from '../shared/errors';
import { BUSY_TIMEOUT_MS, storeError } from './errors';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import type { Database, Db } from './schema';

/** Written into every database of this app so a restore can tell ours from any other SQLite file. */
export const APPLICATION_ID = 0x4d534c47; // "MSLG"

export interface OpenDatabase {
  readonly db: Db;
  readonly sqlite: BetterSqlite3.Database;
  readonly file: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Refuse to create a file that does not exist yet. */
  readonly mustExist?: boolean;
  readonly readonly?: boolean;
}

/**
 * Opens (and migrates) a ledger database.
 * @example const { db, close } = await openDatabase('S.db');
 */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<OpenDatabase> {
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(file, { fileMustExist: opts.mustExist ?? false, readonly: opts.readonly ?? false, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw storeError(err, file) ?? new LedgerError('E_NOT_FOUND', `无法打开数据库文件 ${file}:${(err as Error).message}`);
  }
  try {
    configure(sqlite, opts.readonly ?? false);
  } catch (err) {
    sqlite.close();
    throw storeError(err, file) ?? err;
  }
  const db = new Kysely<Database>({ dialect: new LedgerDialect({ database: withStatementCache(sqlite) }, file) });
  try {
    if (!opts.readonly) await migrate(db, sqlite);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, sqlite, file, close: () => db.destroy() };
}

/** Kysely's SQLite dialect with the driver below. */
class LedgerDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig, private readonly file: string) {
    super(config);
  }

  override createDriver(): Driver {
    return new LedgerDriver(this.config, this.file);
  }
}

/**
 * Every transaction takes the write lock at BEGIN (BEGIN IMMEDIATE). A deferred transaction that has
 * read and then writes cannot wait for another writer: SQLite answers SQLITE_BUSY(_SNAPSHOT) at once,
 * without the busy timeout, because its snapshot may be stale. Taken at BEGIN, the lock waits up to
 * BUSY_TIMEOUT_MS for another process's write to finish, then sees what it wrote. Every failure of the
 * file itself (read-only, held by another program, full, damaged) leaves here as a StoreError.
 */
class LedgerDriver extends SqliteDriver {
  private wrapped: DatabaseConnection | null = null;

  constructor(config: SqliteDialectConfig, private readonly file: string) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    // SQLite has one connection per handle: wrapped once, the same object every time.
    this.wrapped ??= reportingStoreErrors(connection, this.file);
    return this.wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function reportingStoreErrors(connection: DatabaseConnection, file: string): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      try {
        // The driver throws synchronously from better-sqlite3: awaited here, so that is caught too.
        return await connection.executeQuery<R>(query);
      } catch (err) {
        throw storeError(err, file) ?? err;
      }
    },
    streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => connection.streamQuery<R>(query, chunkSize),
  };
}

/** Prepared statements kept per connection; an import runs a few dozen distinct ones. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing was a tenth of an import's time
 * (docs/performance.md). Statements are reused by their SQL text, the least recently used dropped
 * first. Safe because the driver runs one query at a time to completion (`all`/`run`) and the app
 * never streams (`iterate`) a query while running the same SQL again.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
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
  const appId = sqlite.pragma('application_id', { simple: true }) as number;
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  const hasTables = (sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n > 0;
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
