/**
 * The connection pool of a PostgreSQL ledger: its own module, loaded only when a ledger on PostgreSQL is
 * opened, so that `pg` costs nothing to the SQLite offices and the command line's start (db/open.ts).
 */
import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from './postgres';
import { PG_LOCK_TIMEOUT_MS } from '../errors';

/**
 * Two notes `pg` prints in English on every command, which tell a clerk nothing they can act on: that reading
 * ~/.pgpass is deprecated (in pg 9; the README tells clerks to keep the password there), and that sslmode=require
 * is read as verify-full (which it does already). Only these two are kept quiet; every other warning is printed.
 */
const DRIVER_NOTES = [/^pgpass support is deprecated/, /^SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases/];
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (DRIVER_NOTES.some((note) => note.test(text))) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const INT8 = 20;
const NUMERIC = 1700;

/**
 * pg's client, closing its socket when connecting fails. pg leaves it open when the failure is its own (no
 * password to give a server that asks for one): the server then waits for the password until its
 * authentication timeout, and the command could not exit, nor the database be dropped, before it.
 */
class ClosingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection checked out of the pool (a transaction's, a report's query) has no other listener: when the
    // server stops or ends the session, pg would emit 'error' unheard and Node end the whole program with a stack
    // trace. The query waiting on it fails with the same error, and the next one with pg's "not queryable"
    // (both said in Chinese by db/dialect/postgres.ts); the pool drops the connection when it comes back.
    this.on('error', () => undefined);
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error | null, c?: pg.Client) => void): void;
  override connect(callback?: (err: Error | null, c?: pg.Client) => void): Promise<pg.Client> | void {
    if (!callback) return super.connect();
    super.connect((err: Error | null) => {
      if (err) (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      callback(err, this);
    });
  }
}

/**
 * A pool for one ledger database. count(*) and sums come back as int8 and numeric, which `pg` gives as
 * strings to keep precision: here they are numbers, as SQLite gives them (every count and id of a ledger
 * is far below 2^53).
 */
export function createPool(url: string, readonly: boolean): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    Client: ClosingClient,
    max: 4,
    // A server that does not answer (switched off, a wrong address on the intranet) is said so within this
    // time, not after the system's TCP timeout of minutes.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'minsheng-ledger',
    // Every wait for a lock is bounded, a write's for the ledger's write lock as a read's for a table an
    // administrator holds: past it, E_DB_BUSY (db/errors.ts). An earlier year, or a check, opened read-only is
    // refused every write by the server itself.
    options: `-c lock_timeout=${PG_LOCK_TIMEOUT_MS}${readonly ? ' -c default_transaction_read_only=on' : ''}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === NUMERIC) return (v: string) => (v === null ? null : Number(v));
        return pg.types.getTypeParser(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A server restarting, or an administrator ending sessions, breaks the idle connections: the pool drops
  // them and the next query connects anew. Without a listener, Node would end the whole program.
  pool.on('error', () => undefined);
  return pool;
}
