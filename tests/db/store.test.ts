import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, APPLICATION_ID } from '../../db/open';
import { LATEST_VERSION, MIGRATIONS } from '../../db/migrations';
import { PLAN_2019 } from '../../seeds/plan2019';
import { appendAudit, listAudit } from '../../db/queries/audit';
import { loadPlanModel, planModelToDef } from '../../db/queries/plan';
import { createTestDb, tempDir, testDialect } from '../helpers/ledger';
import { readIdentity } from '../../db/dialect/postgres';
import { sql } from 'kysely';

describe('the store', () => {
  it('is migrated to the latest version, with WAL, full sync and foreign keys (PostgreSQL: its identity row)', async () => {
    const h = await createTestDb();
    if (h.sqlite) {
      expect(h.sqlite.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(h.sqlite.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      expect(h.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(h.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      expect(h.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    } else {
      expect(await readIdentity(h.db)).toEqual({ applicationId: APPLICATION_ID, version: LATEST_VERSION, hasTables: true });
    }
  });

  it('lists migrations with strictly increasing versions', () => {
    // Strictly increasing, not necessarily consecutive: 6 (subordinate offices) was written beside 5 (plan revisions).
    MIGRATIONS.forEach((m, i) => expect(m.version).toBeGreaterThan(MIGRATIONS[i - 1]?.version ?? 0));
  });

  // PostgreSQL's column types are always strict: the next test shows it refusing text.
  it.skipIf(testDialect() === 'postgres')('has only STRICT tables', async () => {
    const { sqlite } = await createTestDb();
    const tables = sqlite!.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`).all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
  });

  it('refuses text in a number column', async () => {
    const { db, dialect } = await createTestDb();
    await expect(sql`INSERT INTO plans (id, year, title, issued_on, issuer, revision, created_at) VALUES ('p', 'twenty', 't', '2019-01-01', 'x', 1, 'now')`.execute(db))
      .rejects.toThrow(dialect === 'sqlite' ? /cannot store TEXT/ : /invalid input syntax for type integer/);
  });

  it('refuses a period that is not YYYY-MM, by the schema', async () => {
    const { db } = await createTestDb();
    await sql`INSERT INTO plans (id, year, title, issued_on, issuer, revision, created_at) VALUES ('p', 2019, 't', '2019-01-01', 'x', 1, 'now')`.execute(db);
    await sql`INSERT INTO periods (plan_id, period, month, due_on) VALUES ('p', '2019-07', 7, '2019-08-05')`.execute(db);
    await expect(sql`INSERT INTO periods (plan_id, period, month, due_on) VALUES ('p', '2019-7', 7, '2019-08-05')`.execute(db)).rejects.toThrow(/CHECK|check constraint/);
  });

  it('refuses a database written by a newer version of the app, without touching it', async () => {
    const file = join(tempDir(), 'future.db');
    const h = await openDatabase(file);
    await h.close();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    await expect(openDatabase(file)).rejects.toMatchObject({ code: 'E_DB_FROM_FUTURE', message: expect.stringContaining('更新版本') });
    const again = new BetterSqlite3(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    again.close();
  });

  it('refuses another program’s SQLite file', async () => {
    const file = join(tempDir(), 'other.db');
    const raw = new BetterSqlite3(file);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    await expect(openDatabase(file)).rejects.toMatchObject({ code: 'E_NOT_LEDGER_DB' });
  });

  it('keeps the audit log append-only', async () => {
    const { db, dialect } = await createTestDb();
    await appendAudit(db, { at: '2019-07-01T00:00:00Z', actor: '测试', action: 'x', entity: 'y', entityId: '1', before: null, after: { a: 1 } });
    await expect(sql`UPDATE audit_log SET actor = 'z'`.execute(db)).rejects.toThrow(/只能追加/);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/只能追加/);
    if (dialect === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/只能追加/);
    const rows = await listAudit(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: '测试', after: { a: 1 } });
  });
});

/** A database file migrated to `version` only, as an older program left it, with its raw handle. */
async function databaseAtVersion(name: string, version: number) {
  const file = join(tempDir(), name);
  const raw = new BetterSqlite3(file);
  const { Kysely, SqliteDialect, sql } = await import('kysely');
  const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: raw }) });
  for (const m of MIGRATIONS.slice(0, version)) await m.up(db);
  await sql.raw(`PRAGMA application_id = ${APPLICATION_ID}`).execute(db);
  await sql.raw(`PRAGMA user_version = ${version}`).execute(db);
  return { file, raw, db };
}

describe('migrations', () => {
  it('2 keeps version-1 data: migrate to 1, insert rows, migrate to 2, the rows are there and the new tables work', async () => {
    const { file, raw, db } = await databaseAtVersion('v1.db', 1);
    raw.exec(`INSERT INTO units (id, name, kind, seq) VALUES (1, '市残联', 'unit', 1)`);
    raw.exec(`INSERT INTO settings VALUES ('role', 'summary')`);
    await db.destroy();

    const h = await openDatabase(file);
    expect(h.sqlite!.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(h.sqlite!.prepare('SELECT name FROM units').all()).toEqual([{ name: '市残联' }]);
    h.sqlite!.exec(`INSERT INTO unit_keys (unit_id, public_key, fingerprint, status, accepted_at, accepted_by) VALUES (1, 'k1', 'F1', 'trusted', 'now', 't')`);
    // one trusted key per unit, enforced by the schema
    expect(() => h.sqlite!.exec(`INSERT INTO unit_keys (unit_id, public_key, fingerprint, status, accepted_at, accepted_by) VALUES (1, 'k2', 'F2', 'trusted', 'now', 't')`)).toThrow(/UNIQUE/);
    await h.close();
  });

  it('9 keeps a version-7 database’s periods and returns: due dates are the rule’s (not set by hand), returns open, no unit starts late', async () => {
    const { file, raw, db } = await databaseAtVersion('v7.db', 7);
    raw.exec(`INSERT INTO plans (id, year, title, issued_on, issuer, revision, created_at, frequency) VALUES ('xuancheng-2019', 2019, 't', '2019-04-24', 'i', 1, 'now', 'monthly')`);
    raw.exec(`INSERT INTO periods (id, plan_id, period, month, due_on, locked) VALUES (9, 'xuancheng-2019', '2019-09', 9, '2019-10-05', 0)`);
    raw.exec(`INSERT INTO units (id, name, kind, seq) VALUES (1, '市残联', 'unit', 1)`);
    raw.exec(`INSERT INTO categories (id, plan_id, no, seq, name) VALUES (1, 'xuancheng-2019', '一', 1, 'c')`);
    raw.exec(`INSERT INTO tasks (id, plan_id, category_id, no, title, text) VALUES (24, 'xuancheng-2019', 1, 24, 't', 'x')`);
    raw.exec(`INSERT INTO returns (unit_id, period, task_id, comment, created_at, created_by, feedback_package_id, done) VALUES (1, '2019-06', 24, '请核实', 'now', '汇总端', 'pkg-1', 1)`);
    await db.destroy();

    const h = await openDatabase(file);
    expect(h.sqlite!.prepare('SELECT due_on, due_by_hand, due_reason FROM periods').get()).toEqual({ due_on: '2019-10-05', due_by_hand: 0, due_reason: null });
    expect(h.sqlite!.prepare('SELECT feedback_package_id, answered_revision, closed_at FROM returns').get()).toEqual({ feedback_package_id: 'pkg-1', answered_revision: null, closed_at: null });
    expect(h.sqlite!.prepare('SELECT COUNT(*) AS n FROM unit_starts').get()).toEqual({ n: 0 });
    expect(() => h.sqlite!.exec(`INSERT INTO unit_starts (plan_id, unit_id, period, how) VALUES ('xuancheng-2019', 1, '2019-10', 'guess')`)).toThrow(/CHECK/);
    h.sqlite!.exec(`INSERT INTO unit_starts (plan_id, unit_id, period, how) VALUES ('xuancheng-2019', 1, '2019-10', 'setup')`);
    expect(() => h.sqlite!.exec(`UPDATE periods SET due_by_hand = 2`)).toThrow(/CHECK/);
    await h.close();
  });

  it('3 gives a version-2 database of the 2019 plan the hand-checked kinds of seeds/plan2019.ts, and the plan reports monthly', async () => {
    const { file, raw, db } = await databaseAtVersion('v2.db', 2);
    // The plan's rows as version 2 stored them: no kind, no deadline, no frequency.
    raw.exec(`INSERT INTO plans (id, year, title, issued_on, issuer, revision, created_at) VALUES ('${PLAN_2019.id}', 2019, 't', '2019-04-24', 'i', 1, 'now')`);
    raw.exec(`INSERT INTO categories (id, plan_id, no, seq, name) VALUES (1, '${PLAN_2019.id}', '一', 1, 'c')`);
    const tasks = PLAN_2019.categories.flatMap((c) => c.tasks);
    const insertTask = raw.prepare(`INSERT INTO tasks (id, plan_id, category_id, no, title, text) VALUES (?, '${PLAN_2019.id}', 1, ?, 't', 'x')`);
    const insertIndicator = raw.prepare('INSERT INTO indicators (task_id, no, name, comparator, target, target_max, unit, additive, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const t of tasks) {
      insertTask.run(t.no, t.no);
      for (const i of t.indicators) insertIndicator.run(t.no, i.no, i.name, i.comparator, i.target, i.targetMax, i.unit, i.additive ? 1 : 0, i.source);
    }
    await db.destroy();

    const h = await openDatabase(file);
    const stored = h.sqlite!.prepare('SELECT task_id AS task, no, kind, deadline FROM indicators ORDER BY task_id, no').all();
    expect(stored).toEqual(tasks.flatMap((t) => t.indicators.map((i) => ({ task: t.no, no: i.no, kind: i.kind, deadline: i.deadline }))));
    expect(stored.filter((r) => (r as { kind: string }).kind !== 'cumulative')).toHaveLength(17);
    expect(h.sqlite!.prepare('SELECT frequency FROM plans').get()).toEqual({ frequency: 'monthly' });
    expect(() => h.sqlite!.exec(`UPDATE indicators SET kind = 'rate'`)).toThrow(/CHECK/);
    await h.close();
  });

  it('5 keeps a version-4 database’s plan as it is as its current revision, with nothing retired, and a kept revision cannot be rewritten', async () => {
    const { file, raw, db } = await databaseAtVersion('v4.db', 4);
    raw.exec(`INSERT INTO plans (id, year, title, issued_on, issuer, revision, created_at, frequency) VALUES ('langxi-2020', 2020, '2020年全县民生工作要点', '2020-03-20', '郎溪县人民政府', 3, '2020-03-21T01:00:00.000Z', 'quarterly')`);
    raw.exec(`INSERT INTO categories (id, plan_id, no, seq, name) VALUES (1, 'langxi-2020', '一', 1, '稳定和扩大就业')`);
    raw.exec(`INSERT INTO units (id, name, kind, seq) VALUES (1, '县人社局', 'unit', 2), (2, '县教体局', 'unit', 1)`);
    raw.exec(`INSERT INTO unit_aliases (alias, unit_id) VALUES ('县教育局', 2)`);
    raw.exec(`INSERT INTO tasks (id, plan_id, category_id, no, title, text, co_units_open_ended, leader, subordinate_role, subordinate_phrase) VALUES (1, 'langxi-2020', 1, 1, '开展职业技能培训', '开展职业技能培训。', 1, '副县长 张三', 'co', '各乡镇人民政府')`);
    raw.exec(`INSERT INTO indicators (task_id, no, name, comparator, target, target_max, unit, additive, source, kind, deadline) VALUES (1, 1, '职业技能培训', '>=', 1200, NULL, '人', 1, '开展职业技能培训1200人', 'cumulative', NULL)`);
    raw.exec(`INSERT INTO task_units (task_id, unit_id, role, seq) VALUES (1, 1, 'lead', 0), (1, 2, 'co', 1)`);
    await db.destroy();

    const h = await openDatabase(file);
    const kept = h.sqlite!.prepare('SELECT plan_id, revision, created_at, actor, diff, plan FROM plan_revisions').all() as { plan: string }[];
    expect(kept).toEqual([{ plan_id: 'langxi-2020', revision: 3, created_at: '2020-03-21T01:00:00.000Z', actor: '升级程序', diff: null, plan: expect.any(String) }]);
    const plan = JSON.parse(kept[0]!.plan);
    expect(plan).toEqual(planModelToDef((await loadPlanModel(h.db, 'langxi-2020'))!));
    expect(plan).toMatchObject({
      revision: 3, frequency: 'quarterly',
      units: [{ name: '县教体局', aliases: ['县教育局'], kind: 'unit' }, { name: '县人社局', aliases: [], kind: 'unit' }],
      categories: [{ tasks: [{ leadUnits: ['县人社局'], coUnits: ['县教体局'], coUnitsOpenEnded: true, leader: '副县长 张三', subordinates: { role: 'co', phrase: '各乡镇人民政府' } }] }],
    });
    expect(h.sqlite!.prepare('SELECT retired_revision FROM tasks UNION ALL SELECT retired_revision FROM indicators UNION ALL SELECT retired_revision FROM categories').all()).toEqual([{ retired_revision: null }, { retired_revision: null }, { retired_revision: null }]);
    expect(() => h.sqlite!.exec(`UPDATE plan_revisions SET actor = 'x'`)).toThrow(/只能追加/);
    await h.close();
  });
});
