import { sql, type Kysely } from 'kysely';

// Frozen: version 2 adds signed packages, pinned keys and returned tasks. Never imports app code.
const STATEMENTS = [
  // One trusted key per unit at a time; a replaced key is kept as retired, never deleted.
  `CREATE TABLE unit_keys (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('trusted', 'retired')),
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    UNIQUE (unit_id, public_key)
  ) STRICT`,
  `CREATE UNIQUE INDEX unit_keys_one_trusted ON unit_keys (unit_id) WHERE status = 'trusted'`,
  // Every package merged here or exported from here: id, hash and (incoming) the file itself.
  `CREATE TABLE packages (
    package_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('assignment', 'report', 'feedback')),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    unit_id INTEGER REFERENCES units(id),
    period TEXT,
    revision INTEGER NOT NULL,
    signer TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_on TEXT
  ) STRICT`,
  `CREATE INDEX packages_by_unit_period ON packages (unit_id, kind, period, revision)`,
  // Tasks returned (退回) with a comment: issued at the summary office, received at the unit.
  `CREATE TABLE returns (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    comment TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    feedback_package_id TEXT,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
  ) STRICT`,
  `CREATE INDEX returns_by_unit ON returns (unit_id, period)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
