import { sql, type Kysely } from 'kysely';

// Frozen: this file describes version 1 of the store and never imports app code.
const STATEMENTS = [
  `CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issuer TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    created_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    no TEXT NOT NULL,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (plan_id, seq)
  ) STRICT`,
  `CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('unit', 'group')),
    seq INTEGER NOT NULL UNIQUE
  ) STRICT`,
  `CREATE TABLE unit_aliases (
    alias TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE
  ) STRICT`,
  `CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    no INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    co_units_open_ended INTEGER NOT NULL DEFAULT 0 CHECK (co_units_open_ended IN (0, 1)),
    UNIQUE (plan_id, no)
  ) STRICT`,
  `CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    no INTEGER NOT NULL,
    name TEXT NOT NULL,
    comparator TEXT NOT NULL CHECK (comparator IN ('>=', '<=', '~', 'range', '=')),
    target REAL NOT NULL,
    target_max REAL,
    unit TEXT NOT NULL,
    additive INTEGER NOT NULL CHECK (additive IN (0, 1)),
    source TEXT NOT NULL,
    UNIQUE (task_id, no)
  ) STRICT`,
  `CREATE TABLE task_units (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    seq INTEGER NOT NULL,
    PRIMARY KEY (task_id, unit_id)
  ) STRICT`,
  `CREATE TABLE periods (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    due_on TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    UNIQUE (plan_id, period)
  ) STRICT`,
  `CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    status TEXT CHECK (status IS NULL OR status IN ('未开始', '推进中', '已完成')),
    progress TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    funds_planned REAL,
    funds_available REAL,
    funds_spent REAL,
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    proxy INTEGER NOT NULL DEFAULT 0 CHECK (proxy IN (0, 1)),
    source TEXT NOT NULL CHECK (source IN ('entry', 'proxy', 'package', 'demo')),
    package_id TEXT,
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    received_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (period_id, unit_id, task_id)
  ) STRICT`,
  `CREATE TABLE report_values (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    value REAL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, indicator_id)
  ) STRICT`,
  `CREATE INDEX reports_by_unit ON reports (unit_id, period_id)`,
  `CREATE INDEX reports_by_task ON reports (task_id, period_id)`,
  `CREATE INDEX task_units_by_unit ON task_units (unit_id, role)`,
  // Replaced versions of a report, kept whole so nothing merged is ever lost.
  `CREATE TABLE report_history (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    replaced_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,
    after TEXT
  ) STRICT`,
  // Append-only by construction: the database itself refuses to rewrite history.
  `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
   BEGIN SELECT RAISE(ABORT, '审计日志只能追加,不能修改'); END`,
  `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
   BEGIN SELECT RAISE(ABORT, '审计日志只能追加,不能删除'); END`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
