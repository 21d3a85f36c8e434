/**
 * PostgreSQL's own client programs, where the ledger needs what only they do: `pg_dump` for a backup (the
 * server's consistent snapshot, in its custom format) and `pg_restore --list` to check what was written. A
 * password never goes on their command line: the address carries none (location.ts refuses it), and
 * PGPASSWORD or ~/.pgpass reach them through the environment they inherit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LedgerError } from '../../shared/errors';

export type PgTool = 'pg_dump' | 'pg_restore';

/**
 * Where a client program is run from: `LEDGER_PG_BIN` (a folder, e.g. `C:\Program Files\PostgreSQL\16\bin`,
 * which Windows installers leave off PATH), else PATH.
 */
export function pgToolPath(tool: PgTool, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LEDGER_PG_BIN?.trim();
  return dir ? join(dir, process.platform === 'win32' ? `${tool}.exe` : tool) : tool;
}

/** What to tell a clerk whose computer lacks PostgreSQL's client programs. */
export function missingToolMessage(tool: PgTool, env: NodeJS.ProcessEnv = process.env): string {
  const where = env.LEDGER_PG_BIN?.trim() ? `文件夹 ${env.LEDGER_PG_BIN!.trim()}(环境变量 LEDGER_PG_BIN)里` : '本机(PATH)上';
  return `${where}找不到 PostgreSQL 的客户端程序 ${tool},无法备份服务器上的台账。请安装与服务器同版本或更新的 PostgreSQL 客户端工具(Windows:PostgreSQL 安装包中的 Command Line Tools;统信/麒麟/Debian:postgresql-client),或把它所在的文件夹写入环境变量 LEDGER_PG_BIN 后再试。`;
}

/**
 * Runs a client program and answers its standard output; refuses with Chinese words when it is missing
 * (E_NOT_FOUND) or fails (its own first lines of stderr, which never hold a password, are kept in `detail`).
 */
export function runPgTool(tool: PgTool, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(pgToolPath(tool, env), args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' || e.code === 'EACCES' ? new LedgerError('E_NOT_FOUND', missingToolMessage(tool, env)) : e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(Object.assign(new Error(Buffer.concat(err).toString('utf8').trim() || `${tool} 退出码 ${code}`), { tool, exitCode: code }));
    });
  });
}

/** Whether pg_dump's complaint is about reaching or logging in to the server (rather than about the file it writes). */
export function isConnectionComplaint(text: string): boolean {
  return /connection to server|could not connect|connection refused|password authentication failed|no password supplied|does not exist|could not translate host name|server version mismatch|timeout expired/i.test(text);
}

/**
 * `pg_dump -Fc` of the database at `url` into `file`: one consistent snapshot, readers and writers going on
 * meanwhile. The URL goes as `--dbname` (it carries no password).
 */
export async function pgDump(url: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runPgTool('pg_dump', ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${url}`], env);
}

/** The table of contents of a custom-format dump: fails when the file is not one, or is cut short. */
export function pgDumpContents(file: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return runPgTool('pg_restore', ['--list', file], env);
}
