import { sql, type Kysely } from 'kysely';

// Frozen: version 6 gives a summary office its subordinate offices (下级汇总端) and the quotas it hands them
// (任务分解). Never imports app code.
//
// A blank quota is 无任务, not 0: it is no row at all, and a stored quota is never 0 for a cumulative target
// (the services refuse it). Quotas keep their office (no cascade): an office with quotas is not removed.
// Quotas go with their indicator, since a plan's indicators are its rows.
const STATEMENTS = [
  `CREATE TABLE offices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    seq INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE quotas (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    value REAL NOT NULL,
    PRIMARY KEY (indicator_id, office_id)
  ) STRICT`,
  `CREATE INDEX quotas_by_office ON quotas (office_id)`,
  // 本级's own share of a target (the office's own departments), blank likewise.
  `CREATE TABLE own_quotas (
    indicator_id INTEGER PRIMARY KEY REFERENCES indicators(id) ON DELETE CASCADE,
    value REAL NOT NULL
  ) STRICT`,
  // Why a cumulative target's quotas do not add up to it (cities often over-assign).
  `CREATE TABLE quota_reasons (
    indicator_id INTEGER PRIMARY KEY REFERENCES indicators(id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
  ) STRICT`,
  // An office already on the embedded 2019 plan (宣城市) gets its seven county-level divisions, as a new one does.
  `INSERT INTO offices (name, seq)
   SELECT v.name, v.seq FROM (
     SELECT '宣州区' AS name, 1 AS seq UNION ALL SELECT '郎溪县', 2 UNION ALL SELECT '广德市', 3 UNION ALL
     SELECT '宁国市', 4 UNION ALL SELECT '泾县', 5 UNION ALL SELECT '绩溪县', 6 UNION ALL SELECT '旌德县', 7
   ) AS v
   WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'role' AND value = 'summary')
     AND EXISTS (SELECT 1 FROM settings WHERE key = 'plan_id' AND value = 'xuancheng-2019')`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
