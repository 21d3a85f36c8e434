/**
 * Where a ledger's store is: a SQLite file (the default, one office on one PC) or a PostgreSQL database
 * (`postgres://user@host:port/db`, an office working on an intranet server). The one place that tells them
 * apart by what a user typed after `--db` or chose in the settings.
 */
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { LedgerError } from '../shared/errors';

export type Dialect = 'sqlite' | 'postgres';

export type Location =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | {
    readonly dialect: 'postgres';
    /** The connection string as given (it may hold a password: never print it, use `shown`). */
    readonly url: string;
    /** user@host:port/db, without any password: what messages and logs name. */
    readonly shown: string;
    /**
     * A path on this PC standing for the database where files live beside it: the office's signing key
     * (`<local>.key`), backups (`<local>.backups/`), received packages. Keys never go into the shared database.
     */
    readonly local: string;
  };

const PG_SCHEMES = ['postgres:', 'postgresql:'];

export function isPostgresUrl(s: string): boolean {
  return PG_SCHEMES.some((p) => s.toLowerCase().startsWith(`${p}//`));
}

/**
 * The folder on this PC for the files of PostgreSQL ledgers: `LEDGER_HOME` when set (the app's settings set it
 * too), else `~/.minsheng-ledger`.
 */
export function ledgerHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.LEDGER_HOME?.trim() || join(homedir(), '.minsheng-ledger');
}

/**
 * Reads a `--db` argument. A password written into the URL is refused: it would stay in the shell's
 * history and in every process list; PGPASSWORD or ~/.pgpass give it instead.
 * @example parseLocation('S.db') // { dialect: 'sqlite', file: 'S.db' }
 * @example parseLocation('postgres://clerk@10.0.0.5/ledger').shown // 'clerk@10.0.0.5:5432/ledger'
 */
export function parseLocation(s: string, env: NodeJS.ProcessEnv = process.env): Location {
  if (!isPostgresUrl(s)) return { dialect: 'sqlite', file: s };
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new LedgerError('E_VALIDATION', `数据库地址「${redactPassword(s)}」无法识别。PostgreSQL 地址的写法:postgres://用户名@服务器:端口/数据库名。`);
  }
  // libpq also takes a password as ?password=…: refused for the same reason as one before the @.
  if (url.password || [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'password')) {
    throw new LedgerError('E_VALIDATION', '数据库地址里不能写密码(会留在命令记录和进程列表里)。请把密码放在环境变量 PGPASSWORD 或 .pgpass 文件中,地址只写 postgres://用户名@服务器/数据库名。');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new LedgerError('E_VALIDATION', `数据库地址「${s}」没有写数据库名:postgres://用户名@服务器:端口/数据库名。`);
  const host = url.hostname || 'localhost';
  const port = url.port || '5432';
  const user = decodeURIComponent(url.username);
  const shown = `${user ? `${user}@` : ''}${host}:${port}/${database}`;
  // One name per server and database, safe as a file name on Windows too.
  const safe = `${database}@${host}-${port}`.replace(/[^\p{L}\p{N}@._-]/gu, '_');
  return { dialect: 'postgres', url: s, shown, local: join(ledgerHome(env), safe) };
}

/**
 * The path files live beside for a store given as typed: the SQLite file itself, or a PostgreSQL database's
 * place under LEDGER_HOME.
 */
export function localBase(s: string): string {
  const loc = parseLocation(s);
  return loc.dialect === 'sqlite' ? loc.file : loc.local;
}

/** What to call the store in a message: the file, or the server database without any password. */
export function shownLocation(loc: Location): string {
  return loc.dialect === 'sqlite' ? loc.file : `PostgreSQL ${loc.shown}`;
}

/**
 * What a message calls a store given as typed: the file's name, or `PostgreSQL user@host:port/db` (never a
 * password).
 * @example storeName('/data/S2019.db') // 'S2019.db'
 */
export function storeName(s: string): string {
  const loc = parseLocation(s);
  return loc.dialect === 'sqlite' ? basename(loc.file) : shownLocation(loc);
}

/**
 * What to type after `--db` to name the store again, for a hint a command prints: the file's name, or the
 * server database's address without any password (user, host, port and database are all a clerk needs).
 * @example typedStore('postgres://clerk@10.0.0.5/ledger') // 'postgres://clerk@10.0.0.5:5432/ledger'
 */
export function typedStore(s: string): string {
  const loc = parseLocation(s);
  return loc.dialect === 'sqlite' ? basename(loc.file) : `postgres://${loc.shown}`;
}

function redactPassword(s: string): string {
  return s.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
