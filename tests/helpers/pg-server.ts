/**
 * Vitest global setup of the `postgres` project: a throw-away PostgreSQL cluster for the run
 * (scripts/pg-cluster.ts, durability off), unless LEDGER_TEST_PG already names a server to use. Each test then
 * gets a database of its own (tests/helpers/ledger.ts testLocation). The cluster is stopped and removed when
 * the run ends.
 */
import { serverBin, startCluster } from '../../scripts/pg-cluster';

// Tests that need a port nothing listens on (an unreachable server) take it from here, as before the move.
export { freePort } from '../../scripts/pg-cluster';

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.LEDGER_TEST_PG) return undefined;
  if (!serverBin()) {
    throw new Error('The postgres test project needs a PostgreSQL server: apt-get install postgresql (Debian), or set LEDGER_TEST_PG=postgres://user@host:port/db of a server whose user may CREATE DATABASE.');
  }
  const cluster = await startCluster({ durable: false });
  process.env.LEDGER_TEST_PG = cluster.url;
  return () => cluster.stop();
}
