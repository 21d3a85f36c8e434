import { sql, type Kysely } from 'kysely';

// Frozen: version 7 lets offices exchange packages between levels: a 下达包 (allocation) from an office to one of
// its subordinate offices, a 汇总包 (rollup) from a subordinate office to its parent. Never imports app code.
//
// The key of each subordinate office is pinned as a unit's is (trust on first use, one trusted at a time, a
// replaced key kept as retired); a subordinate office pins its parent's key once, when it is set up from the
// parent's 下达包. A roll-up is stored whole (its data as JSON, checked by shared/rollup.ts on the way in): one
// current row per office and period, the revisions it replaced kept in rollup_history, like reports.
const STATEMENTS = [
  `CREATE TABLE office_keys (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('trusted', 'retired')),
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    UNIQUE (office_id, public_key)
  ) STRICT`,
  `CREATE UNIQUE INDEX office_keys_one_trusted ON office_keys (office_id) WHERE status = 'trusted'`,
  // At most one parent: the office whose 下达包 set this one up. office_name is what the parent calls this
  // office in its own list (郎溪县), the name a 汇总包 is sent under.
  `CREATE TABLE parent_office (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    office_name TEXT NOT NULL CHECK (length(trim(office_name)) > 0),
    pinned_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE rollups (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    period TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    package_id TEXT NOT NULL,
    received_on TEXT,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (office_id, period)
  ) STRICT`,
  `CREATE TABLE rollup_history (
    id INTEGER PRIMARY KEY,
    rollup_id INTEGER NOT NULL REFERENCES rollups(id),
    revision INTEGER NOT NULL,
    package_id TEXT NOT NULL,
    data TEXT NOT NULL,
    replaced_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX rollup_history_by_rollup ON rollup_history (rollup_id)`,
  // packages gains the two kinds and the office a package came from or went to (SQLite cannot alter a CHECK:
  // the table is rebuilt, its rows and index kept).
  `CREATE TABLE packages_new (
    package_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('assignment', 'report', 'feedback', 'allocation', 'rollup')),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    unit_id INTEGER REFERENCES units(id),
    office_id INTEGER REFERENCES offices(id),
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
  `INSERT INTO packages_new (package_id, kind, direction, unit_id, period, revision, signer, file_name, sha256, size,
     bytes, created_at, received_at, received_on)
   SELECT package_id, kind, direction, unit_id, period, revision, signer, file_name, sha256, size, bytes, created_at,
     received_at, received_on FROM packages`,
  `DROP TABLE packages`,
  `ALTER TABLE packages_new RENAME TO packages`,
  `CREATE INDEX packages_by_unit_period ON packages (unit_id, kind, period, revision)`,
  `CREATE INDEX packages_by_office_period ON packages (office_id, kind, period, revision)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
