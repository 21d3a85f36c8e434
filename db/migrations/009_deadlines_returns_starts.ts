import { sql, type Kysely } from 'kysely';

// Frozen: version 9 (issue 14). Never imports app code.
// - A period's due date the office set by hand (due_by_hand, with its reason): the rule's dates are made by
//   the services from the holiday data, which grows with each release, so no date is computed here.
// - A return's life after its feedback package: the revision that answered it (已重报) and its closing.
// - The period a unit starts reporting from (a unit set up or added mid-year), and its opening cumulative
//   values (上期累计 before its first period).
const STATEMENTS = [
  `ALTER TABLE periods ADD COLUMN due_by_hand INTEGER NOT NULL DEFAULT 0 CHECK (due_by_hand IN (0, 1))`,
  `ALTER TABLE periods ADD COLUMN due_reason TEXT`,
  `ALTER TABLE returns ADD COLUMN answered_revision INTEGER`,
  `ALTER TABLE returns ADD COLUMN answered_at TEXT`,
  `ALTER TABLE returns ADD COLUMN closed_at TEXT`,
  `ALTER TABLE returns ADD COLUMN closed_by TEXT`,
  `CREATE TABLE unit_starts (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    how TEXT NOT NULL CHECK (how IN ('setup', 'revision', 'hand')),
    reason TEXT,
    PRIMARY KEY (plan_id, unit_id)
  ) STRICT`,
  `CREATE TABLE opening_values (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    value REAL NOT NULL,
    PRIMARY KEY (unit_id, indicator_id)
  ) STRICT`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
