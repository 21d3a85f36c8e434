/**
 * A throw-away PostgreSQL cluster in a temporary folder (Debian's postgresql package: initdb and pg_ctl), for
 * the `postgres` test project (tests/helpers/pg-server.ts) and for `npm run bench` (scripts/bench.ts). It
 * listens on 127.0.0.1 only, at a free port; `stop()` stops it and removes the folder.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';

export interface PgCluster {
  /** postgres://ledger@127.0.0.1:<port>/postgres: a superuser without password (trust, loopback only). */
  readonly url: string;
  /** The server's major version, from the folder of its binaries. */
  readonly version: string;
  /** The settings it was started with beyond PostgreSQL's defaults, as given to `postgres -c`. */
  readonly settings: string;
  stop(): void;
}

/** The newest installed server's binaries (/usr/lib/postgresql/<version>/bin), or null when there is none. */
export function serverBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** A TCP port on 127.0.0.1 nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster. `durable: false` (tests) turns fsync and synchronous commit off: nothing survives a
 * crash, and nothing needs to. `durable: true` (the bench) keeps PostgreSQL's defaults, which commit as
 * the app commits on SQLite (synchronous=FULL): a committed import survives a power cut.
 * @example const cluster = await startCluster({ durable: false }); … cluster.stop();
 */
export async function startCluster(opts: { durable: boolean }): Promise<PgCluster> {
  const bin = serverBin();
  if (!bin) {
    throw new Error('no PostgreSQL server is installed: apt-get install postgresql (Debian), or name a server to use');
  }
  const dir = mkdtempSync(join(tmpdir(), 'ledger-pg-'));
  // initdb refuses to run as root: the cluster then belongs to Debian's postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  let started = false;
  try {
    if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    run(join(bin, 'initdb'), ['-D', data, '-U', 'ledger', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const settings = `-c max_connections=200${opts.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'}`;
    run(join(bin, 'pg_ctl'), ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${settings}`, '-l', join(dir, 'server.log'), '-w', 'start']);
    started = true;
    return {
      url: `postgres://ledger@127.0.0.1:${port}/postgres`,
      version: bin.split('/').at(-2)!,
      settings,
      stop: () => {
        try {
          run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } finally {
    if (!started) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creates an empty database `name` on the server `admin` is connected to (its user may CREATE DATABASE) and
 * gives its URL: the server's URL with the database in place of its own.
 * @example const where = await createDatabase(admin, 'postgres://ledger@127.0.0.1:5432/postgres', 't_summary');
 */
export async function createDatabase(admin: Pick<pg.Pool, 'query'>, server: string, name: string): Promise<string> {
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
