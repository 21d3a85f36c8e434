/**
 * Vitest global setup of the `postgres` project: a throw-away PostgreSQL cluster for the run (Debian's
 * postgresql package: initdb and pg_ctl), unless LEDGER_TEST_PG already names a server to use. Each test then
 * gets a database of its own (tests/helpers/ledger.ts testLocation). The cluster lives in a temporary folder,
 * durability off (fsync), and is stopped and removed when the run ends.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function serverBin(): string | null {
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

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.LEDGER_TEST_PG) return undefined;
  const bin = serverBin();
  if (!bin) {
    throw new Error('The postgres test project needs a PostgreSQL server: apt-get install postgresql (Debian), or set LEDGER_TEST_PG=postgres://user@host:port/db of a server whose user may CREATE DATABASE.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'ledger-pg-'));
  // initdb refuses to run as root: the cluster then belongs to Debian's postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const run = (cmd: string, args: string[]) => execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'ledger', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start']);
  process.env.LEDGER_TEST_PG = `postgres://ledger@127.0.0.1:${port}/postgres`;
  return () => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
