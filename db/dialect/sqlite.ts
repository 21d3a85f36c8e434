/**
 * Everything the store does differently on SQLite: the driver that takes the write lock at BEGIN and reports
 * the file's failures, and prepared statements kept across queries. PostgreSQL's counterpart is postgres.ts.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, SqliteDialect, SqliteDriver,
  type DatabaseConnection, type Driver, type Kysely, type QueryResult, type SqliteDatabase, type SqliteDialectConfig,
} from 'kysely';
import { storeError } from '../errors';

/** Kysely's SQLite dialect with the driver below. */
export class LedgerDialect extends SqliteDialect {
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

  /**
   * SQLite rolls a transaction back itself on some errors (a full disk, SQLITE_FULL): Kysely's rollback then
   * fails with "no transaction is active", and that error would hide the one that says what happened.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch (err) {
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
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

/** Runs one statement on a SQLite handle now, as Kysely's driver would, and gives its rows (none for a write). */
export type StatementRunner = (sqlText: string, params: readonly unknown[]) => unknown[];

/** Each SQLite Kysely's runner, by the adapter its transactions share with it (registerRunner). */
const runners = new WeakMap<object, StatementRunner>();

/** Called once per opened SQLite store (open.ts): its compiled queries may then run directly inside its transactions. */
export function registerRunner(db: Pick<Kysely<unknown>, 'getExecutor'>, statements: SqliteDatabase, file: string): void {
  runners.set(db.getExecutor().adapter, (sqlText, params) => {
    try {
      const stmt = statements.prepare(sqlText);
      if (stmt.reader) return stmt.all(params) as unknown[];
      stmt.run(params);
      return [];
    } catch (err) {
      throw storeError(err, file) ?? err;
    }
  });
}

/**
 * The runner for a query on `db` when it can skip Kysely's driver: a SQLite transaction still open. Such a
 * transaction holds the store's only connection, so a statement run on it directly is the one Kysely would
 * run, in the same order, minus five layers of promises per statement (an eighth of an import's merge;
 * docs/performance.md). Outside a transaction Kysely must queue the query behind one that is open: null.
 */
export function directRunner(db: Pick<Kysely<unknown>, 'getExecutor' | 'isTransaction'>): StatementRunner | null {
  if (!db.isTransaction) return null;
  const ended = db as Partial<Record<'isCommitted' | 'isRolledBack', boolean>>;
  if (ended.isCommitted || ended.isRolledBack) return null; // Kysely says what is wrong
  return runners.get(db.getExecutor().adapter) ?? null;
}

/** Prepared statements kept per connection; an import runs a few dozen distinct ones. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing was a tenth of an import's time
 * (docs/performance.md). Statements are reused by their SQL text, the least recently used dropped
 * first. Safe because the driver runs one query at a time to completion (`all`/`run`) and the app
 * never streams (`iterate`) a query while running the same SQL again.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
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

