import { sql, type Kysely } from 'kysely';

// Frozen: version 3 says how each indicator is judged (kind, a milestone's deadline) and how often a
// plan reports. Never imports app code.
const STATEMENTS = [
  `ALTER TABLE indicators ADD COLUMN kind TEXT NOT NULL DEFAULT 'cumulative'
     CHECK (kind IN ('cumulative', 'level', 'growth', 'milestone'))`,
  `ALTER TABLE indicators ADD COLUMN deadline INTEGER CHECK (deadline IS NULL OR deadline BETWEEN 1 AND 12)`,
  `ALTER TABLE plans ADD COLUMN frequency TEXT NOT NULL DEFAULT 'monthly' CHECK (frequency IN ('monthly', 'quarterly'))`,
  // Existing plans get their kinds from what they already say: a growth target names 增长/增幅, and the
  // indicators that do not add up across units (rates, shares, per-person amounts) are levels. For the
  // embedded 2019 plan this is exactly the hand-checked classification of seeds/plan2019.ts.
  `UPDATE indicators SET kind = CASE
     WHEN additive = 0 AND (name LIKE '%增长%' OR name LIKE '%增幅%' OR source LIKE '%增长%' OR source LIKE '%增幅%') THEN 'growth'
     WHEN additive = 0 THEN 'level'
     ELSE 'cumulative' END`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
