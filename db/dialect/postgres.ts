/**
 * Everything the store does differently on PostgreSQL, in one place: the connection pool and how values come
 * back, the write lock every transaction takes, the schema's SQLite DDL read as PostgreSQL's, and where the
 * schema version is kept. The queries themselves are the same Kysely queries as on SQLite.
 */
import type pg from 'pg';
import type { Kysely} from 'kysely';
import {
  CompiledQuery, PostgresAdapter, PostgresDialect, PostgresDriver, sql,
  type DatabaseConnection, type Driver, type TransactionSettings,
} from 'kysely';
import { StoreError, storeError } from '../errors';

/**
 * The key of the advisory lock every write transaction takes at BEGIN: the same number the SQLite files carry
 * as application_id. One writer at a time per database, as SQLite's BEGIN IMMEDIATE gives: a package is
 * merged all or nothing and two clerks importing the same package at once store it once. Readers never wait,
 * and the slow part of an import (reading and verifying the files) runs in parallel outside the lock.
 */
export const WRITE_LOCK_KEY = 0x4d534c47;

/** How long opening a connection may take before the server counts as unreachable (E_DB_UNREACHABLE). */
export const CONNECT_TIMEOUT_MS = 15_000;

/** Kysely's PostgreSQL dialect with the driver below. */
export class LedgerPostgresDialect extends PostgresDialect {
  constructor(private readonly pool: pg.Pool, private readonly shown: string, private readonly ddl = false) {
    super({ pool });
  }

  override createDriver(): Driver {
    return new LedgerPostgresDriver(this.pool, this.shown, this.ddl);
  }
}

/**
 * Every transaction takes the ledger's write lock at BEGIN (see WRITE_LOCK_KEY); every failure of the server
 * leaves as a StoreError. With `ddl`, the schema statements written for SQLite are read as PostgreSQL's
 * (migrations only).
 */
class LedgerPostgresDriver extends PostgresDriver {
  private readonly wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(pool: pg.Pool, private readonly shown: string, private readonly ddl: boolean) {
    super({ pool });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await super.acquireConnection();
    } catch (err) {
      // Whatever stops a connection is the server being unreachable for a clerk: pg says some of it without a
      // SQLSTATE (its connect timeout; a server asking for a password PGPASSWORD and .pgpass do not give).
      const failed = storeError(err, this.shown);
      // A connection that never opened is unreachable, whatever broke it.
      throw failed && failed.failure !== 'lost' ? failed : new StoreError('unreachable', this.shown, String((err as { code?: unknown }).code ?? 'connect'));
    }
    let w = this.wrapped.get(connection);
    if (!w) {
      w = reporting(connection, this.shown, this.ddl);
      this.wrapped.set(connection, w);
      this.inner.set(w, connection);
    }
    return w;
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`));
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await super.releaseConnection((this.inner.get(connection) ?? connection) as never);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await super.rollbackTransaction((this.inner.get(connection) ?? connection) as never);
  }
}

function reporting(connection: DatabaseConnection, shown: string, ddl: boolean): DatabaseConnection {
  return {
    async executeQuery(query) {
      try {
        return await connection.executeQuery(ddl ? CompiledQuery.raw(postgresDdl(query.sql), [...query.parameters]) : query);
      } catch (err) {
        throw storeError(err, shown) ?? lostConnection(err, shown) ?? err;
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

/**
 * pg's own errors for a connection that broke under a query, which carry no SQLSTATE nor errno: the socket closed
 * ("Connection terminated unexpectedly"), or a query on a connection that had broken before.
 */
function lostConnection(err: unknown, shown: string): StoreError | null {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== undefined) return null;
  return /^(Connection terminated|Client has encountered a connection error|Client was closed)/.test(err.message)
    ? new StoreError('lost', shown, '08006')
    : null;
}

/** Whether `db` (a Kysely instance or a transaction) talks to PostgreSQL. */
export function isPostgres(db: Pick<Kysely<unknown>, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A schema statement written for SQLite (the frozen migrations) as PostgreSQL reads it. The migrations use a
 * small part of SQLite's DDL, and each part has one PostgreSQL form:
 * - `STRICT` tables: PostgreSQL's types are always strict;
 * - `id INTEGER PRIMARY KEY` (SQLite's rowid): an identity column;
 * - REAL and BLOB: double precision and bytea;
 * - `x GLOB 'pattern'`: the same pattern as an anchored regular expression;
 * - a trigger refusing a change with RAISE(ABORT, …): a trigger function raising the same words; a table
 *   refusing deletes also refuses TRUNCATE, which PostgreSQL would otherwise let through.
 * Anything else (a query built by Kysely, DML) goes through unchanged.
 * @example postgresDdl("CREATE TABLE t (id INTEGER PRIMARY KEY, v REAL) STRICT") // 'CREATE TABLE t (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v DOUBLE PRECISION)'
 */
export function postgresDdl(statement: string): string {
  const trigger = /^\s*CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE|INSERT) ON (\w+)\s+BEGIN SELECT RAISE\(ABORT, '([^']*)'\); END\s*$/s.exec(statement);
  if (trigger) {
    const [, name, event, table, words] = trigger as unknown as [string, string, string, string, string];
    const fn = `${name}_refuse`;
    const parts = [
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION '${words}' USING ERRCODE = 'restrict_violation'; END $fn$`,
      `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    ];
    if (event === 'DELETE') parts.push(`CREATE TRIGGER ${name}_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    return parts.join(';\n');
  }
  if (!/^\s*(CREATE|ALTER)\s/i.test(statement)) return statement;
  return statement
    .replace(/\)\s*STRICT\s*$/, ')')
    .replace(/\bid INTEGER PRIMARY KEY\b/g, 'id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/(\w+) GLOB '([^']*)'/g, (_, column: string, pattern: string) => `${column} ~ '${globToRegex(pattern)}'`);
}

/** SQLite's GLOB pattern as an anchored POSIX regular expression: `[0-9]`, `*`, `?` and literal characters. */
function globToRegex(glob: string): string {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      out += glob.slice(i, end + 1);
      i = end;
    } else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  return `${out}$`;
}

/**
 * PostgreSQL has no PRAGMA user_version or application_id: a one-row table holds both, created with the
 * schema. A database with tables but without this row is not a ledger's.
 */
export const IDENTITY_TABLE = 'ledger_identity';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs before and between migrations, on any schema
export async function readIdentity(db: Kysely<any>): Promise<{ applicationId: number | null; version: number; hasTables: boolean }> {
  // The catalogue, not information_schema: that one lists only the tables the user has a privilege on, and a user
  // granted none would be told the ledger is not there yet, rather than that it may not read it (42501).
  const tables = await sql<{ table_name: string }>`
    SELECT tablename AS table_name FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`.execute(db);
  const names = new Set(tables.rows.map((r) => r.table_name));
  if (!names.has(IDENTITY_TABLE)) return { applicationId: null, version: 0, hasTables: names.size > 0 };
  const row = (await sql<{ application_id: number; user_version: number }>`
    SELECT application_id, user_version FROM ledger_identity`.execute(db)).rows[0];
  return { applicationId: row?.application_id ?? null, version: row?.user_version ?? 0, hasTables: true };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as readIdentity
export async function writeIdentity(db: Kysely<any>, applicationId: number, version: number): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS ledger_identity (
    only_row INTEGER PRIMARY KEY DEFAULT 1 CHECK (only_row = 1),
    application_id INTEGER NOT NULL,
    user_version INTEGER NOT NULL)`.execute(db);
  await sql`INSERT INTO ledger_identity (only_row, application_id, user_version) VALUES (1, ${applicationId}, ${version})
    ON CONFLICT (only_row) DO UPDATE SET application_id = excluded.application_id, user_version = excluded.user_version`.execute(db);
}
