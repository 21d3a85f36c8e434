import { sql, type Kysely } from 'kysely';

// Frozen: version 5 keeps every revision of a plan (the plan as it then was, when, by whom, and what changed
// from the one before), and retires instead of deleting a task or an indicator a revision removes once reports
// name it (reports already stored are never rewritten). Never imports app code: the snapshot of a database's
// current plan below is built here from the rows, in the shape of PlanDef as it is at version 5.
const STATEMENTS = [
  `CREATE TABLE plan_revisions (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    plan TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    diff TEXT,
    PRIMARY KEY (plan_id, revision)
  ) STRICT`,
  // A revision is history: like the audit log, it is written once.
  `CREATE TRIGGER plan_revisions_no_update BEFORE UPDATE ON plan_revisions
   BEGIN SELECT RAISE(ABORT, '计划修订记录只能追加,不能修改'); END`,
  `ALTER TABLE categories ADD COLUMN retired_revision INTEGER CHECK (retired_revision IS NULL OR retired_revision >= 2)`,
  `ALTER TABLE tasks ADD COLUMN retired_revision INTEGER CHECK (retired_revision IS NULL OR retired_revision >= 2)`,
  `ALTER TABLE indicators ADD COLUMN retired_revision INTEGER CHECK (retired_revision IS NULL OR retired_revision >= 2)`,
];

interface Row { [k: string]: any }

/** Each stored plan as it is now, recorded as its current revision. */
async function recordCurrentPlans(db: Kysely<any>): Promise<void> {
  const plans = await db.selectFrom('plans').selectAll().execute() as Row[];
  for (const p of plans) {
    const categories = await db.selectFrom('categories').selectAll().where('plan_id', '=', p.id).orderBy('seq').execute() as Row[];
    const tasks = await db.selectFrom('tasks').selectAll().where('plan_id', '=', p.id).orderBy('no').execute() as Row[];
    const indicators = await db.selectFrom('indicators').innerJoin('tasks', 'tasks.id', 'indicators.task_id')
      .selectAll('indicators').where('tasks.plan_id', '=', p.id).orderBy('indicators.no').execute() as Row[];
    const roles = await db.selectFrom('task_units').innerJoin('tasks', 'tasks.id', 'task_units.task_id')
      .innerJoin('units', 'units.id', 'task_units.unit_id')
      .select(['task_units.task_id', 'task_units.role', 'units.id as unit_id', 'units.name', 'units.kind', 'units.seq'])
      .where('tasks.plan_id', '=', p.id).orderBy('task_units.seq').execute() as Row[];
    const unitIds = [...new Set(roles.map((r) => r.unit_id as number))];
    const units = unitIds.length === 0 ? [] : await db.selectFrom('units').selectAll().where('id', 'in', unitIds).orderBy('seq').execute() as Row[];
    const aliases = unitIds.length === 0 ? [] : await db.selectFrom('unit_aliases').selectAll().where('unit_id', 'in', unitIds).orderBy('alias').execute() as Row[];
    const plan = {
      id: p.id, year: p.year, title: p.title, issuedOn: p.issued_on, issuer: p.issuer, revision: p.revision, frequency: p.frequency,
      categories: categories.map((c) => ({
        no: c.no, seq: c.seq, name: c.name,
        tasks: tasks.filter((t) => t.category_id === c.id).map((t) => ({
          no: t.no, title: t.title, text: t.text,
          leadUnits: roles.filter((r) => r.task_id === t.id && r.role === 'lead').map((r) => r.name),
          coUnits: roles.filter((r) => r.task_id === t.id && r.role === 'co').map((r) => r.name),
          coUnitsOpenEnded: t.co_units_open_ended === 1,
          leader: t.leader,
          subordinates: t.subordinate_role === null ? null : { role: t.subordinate_role, phrase: t.subordinate_phrase },
          indicators: indicators.filter((i) => i.task_id === t.id).map((i) => ({
            no: i.no, name: i.name, comparator: i.comparator, target: i.target, targetMax: i.target_max, unit: i.unit,
            additive: i.additive === 1, source: i.source, kind: i.kind, deadline: i.deadline,
          })),
        })),
      })),
      units: units.map((u) => ({ name: u.name, aliases: aliases.filter((a) => a.unit_id === u.id).map((a) => a.alias), kind: u.kind })),
    };
    await db.insertInto('plan_revisions').values({
      plan_id: p.id, revision: p.revision, plan: JSON.stringify(plan), created_at: p.created_at, actor: '升级程序', diff: null,
    }).execute();
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
  await recordCurrentPlans(db);
}
