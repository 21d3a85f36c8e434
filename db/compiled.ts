import {
  CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql,
  type Compilable, type RawBuilder,
} from 'kysely';
import { isPostgres } from './dialect/postgres';
import { directRunner } from './dialect/sqlite';
import type { Dialect } from './location';
import type { Database, Tx } from './schema';

/** Compiles only: never connected to a database. One per dialect, made when first needed. */
const compilers: Partial<Record<Dialect, Kysely<Database>>> = {};

function compilerFor(dialect: Dialect): Kysely<Database> {
  return (compilers[dialect] ??= new Kysely<Database>({
    dialect: dialect === 'postgres'
      ? {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      }
      : {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
  }));
}

/**
 * PostgreSQL numbers its parameters ($1, $2 …) where SQLite writes `?`: each P's `?`, in order, outside the
 * quoted names and strings of the compiled text.
 */
function numberedPlaces(text: string): string {
  let n = 0;
  return text.replace(/("(?:[^"]|"")*"|'(?:[^']|'')*')|\?/g, (m, quoted: string | undefined) => quoted ?? `$${++n}`);
}

/**
 * A parameter's place in a query built by `compiled`, filled by position (SQLite numbers `?` in
 * the order they appear in the text).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stands for a value of whatever column it is compared with or written to
export const P: RawBuilder<any> = sql.raw('?');

export interface Compiled<R> {
  readonly sql: string;
  /** Runs the query on `db` (a transaction or savepoint included) with `params` in the order of their `P`. */
  run(db: Tx, params: readonly unknown[]): Promise<R[]>;
}

/**
 * A query Kysely builds and compiles once, run with new parameters every time. On the import's hot
 * path, building and compiling a dozen small queries per package cost more than SQLite running them
 * (docs/performance.md). Every value must be a `P`: a value bound any other way would be frozen
 * into the compiled query, so that is refused when it is compiled.
 * `forms.postgres`, when given, is the same query written for PostgreSQL's planner: the same parameters in the
 * same order and the same rows; the one place a query differs between the two stores.
 * @example const dup = compiled((db) => db.selectFrom('packages').select('package_id').where('package_id', '=', P));
 *          const rows = await dup.run(trx, [packageId]);
 */
export function compiled<R>(build: (db: Kysely<Database>) => Compilable<R>, forms: { readonly postgres?: (db: Kysely<Database>) => Compilable<R> } = {}): Compiled<R> {
  // Compiled at its first run, not when its module loads: a command that never runs it never pays.
  const queries: Partial<Record<Dialect, { sql: string; places: number }>> = {};
  const compile = (dialect: Dialect) => {
    // Where the two planners need the same question asked differently, the PostgreSQL form (same parameters, same rows).
    const q = (dialect === 'postgres' ? forms.postgres ?? build : build)(compilerFor(dialect)).compile();
    if (q.parameters.length > 0) throw new Error(`compiled(): every value must be P, found ${q.parameters.length} bound: ${q.sql}`);
    const places = q.sql.split('?').length - 1;
    return { sql: dialect === 'postgres' ? numberedPlaces(q.sql) : q.sql, places };
  };
  return {
    get sql() {
      return (queries.sqlite ??= compile('sqlite')).sql;
    },
    async run(db, params) {
      const dialect: Dialect = isPostgres(db) ? 'postgres' : 'sqlite';
      const q = (queries[dialect] ??= compile(dialect));
      if (params.length !== q.places) throw new Error(`compiled(): ${q.places} parameters expected, ${params.length} given: ${q.sql}`);
      const direct = dialect === 'sqlite' ? directRunner(db) : null;
      if (direct) return direct(q.sql, params) as R[];
      return (await db.executeQuery<R>(CompiledQuery.raw(q.sql, [...params]))).rows;
    },
  };
}

/**
 * `compiled` for an INSERT of a varying number of rows: compiled once per row count. `row` gives a
 * row's columns, each `P`; the parameters go row after row, each row's in the order of its columns.
 * @example const insertValues = compiledRows((db, rows) => db.insertInto('report_values').values(rows), { report_id: P, indicator_id: P, value: P, note: P });
 */
export function compiledRows<T extends Record<string, RawBuilder<unknown>>, R>(
  build: (db: Kysely<Database>, rows: T[]) => Compilable<R>, row: T,
  forms: { readonly postgres?: (db: Kysely<Database>, rows: T[]) => Compilable<R> } = {},
): { query(rows: number): Compiled<R> } {
  const byCount = new Map<number, Compiled<R>>();
  return {
    query(rows) {
      let q = byCount.get(rows);
      if (!q) {
        const list = Array.from({ length: rows }, () => row);
        const postgres = forms.postgres;
        q = compiled((db) => build(db, list), postgres ? { postgres: (db) => postgres(db, list) } : {});
        byCount.set(rows, q);
      }
      return q;
    },
  };
}
