/**
 * Storing a plan revision over the plan it revises, on either side (the office saving it, a unit importing
 * its new assignment package). Reports already stored are never rewritten: a task or an indicator the
 * revision removes is retired while a report names it, deleted only when none does.
 */
import { sql } from 'kysely';
import type { PlanDef } from '../../shared/domain';
import type { Tx } from '../schema';
import { ensureUnits, findUnitByName, indicatorColumns, insertTask, setTaskUnits, taskColumns } from './plan';

/** Where a category or unit waits while the order is set again (seq is unique, so no two may share one meanwhile). */
const PARKED = -1_000_000;

/** A retired category's seq: out of the way of the live ones, which a revision numbers 1, 2, 3 … */
const RETIRED_SEQ = 1_000_000;

/**
 * Makes the stored plan `planId` the plan `next` (revision, title, categories, tasks, indicators, units and
 * their order). `renamed` (old name → new name, from diffPlans) says which units are renamed or merged: a
 * renamed unit keeps its row, so its pinned key and reports stay its own; a merged one's reports, keys,
 * packages and returns move to the unit it is merged into (checked beforehand by mergeConflicts).
 * @example await applyPlanRevision(trx, 'langxi-2020', next, diff.renamed)
 */
export async function applyPlanRevision(db: Tx, planId: string, next: PlanDef, renamed: Readonly<Record<string, string>>): Promise<void> {
  await applyUnitNames(db, renamed);
  const unitIds = await ensureUnits(db, next.units);
  for (const u of next.units) await db.updateTable('units').set({ kind: u.kind }).where('id', '=', unitIds.get(u.name)!).execute();
  await reorderUnits(db, next.units.map((u) => unitIds.get(u.name)!));

  const revision = next.revision;
  const categories = await db.selectFrom('categories').select(['id', 'no']).where('plan_id', '=', planId).execute();
  await db.updateTable('categories').set({ seq: sql`${PARKED} - id` }).where('plan_id', '=', planId).execute();
  const categoryIds = new Map<string, number>();
  for (const c of next.categories) {
    const row = categories.find((x) => x.no === c.no);
    if (row) {
      await db.updateTable('categories').set({ name: c.name, seq: c.seq, retired_revision: null }).where('id', '=', row.id).execute();
      categoryIds.set(c.no, row.id);
    } else {
      const added = await db.insertInto('categories').values({ plan_id: planId, no: c.no, seq: c.seq, name: c.name }).returning('id').executeTakeFirstOrThrow();
      categoryIds.set(c.no, added.id);
    }
  }

  const tasks = await db.selectFrom('tasks').select(['id', 'no', 'retired_revision']).where('plan_id', '=', planId).execute();
  const kept = new Set<number>();
  for (const c of next.categories) {
    for (const t of c.tasks) {
      const row = tasks.find((x) => x.no === t.no);
      if (!row) {
        kept.add(await insertTask(db, planId, categoryIds.get(c.no)!, t, unitIds));
        continue;
      }
      kept.add(row.id);
      await db.updateTable('tasks').set({ ...taskColumns(t), category_id: categoryIds.get(c.no)!, retired_revision: null }).where('id', '=', row.id).execute();
      await setTaskUnits(db, row.id, t, unitIds);
      const indicators = await db.selectFrom('indicators').select(['id', 'no']).where('task_id', '=', row.id).execute();
      for (const i of t.indicators) {
        const existing = indicators.find((x) => x.no === i.no);
        if (existing) await db.updateTable('indicators').set({ ...indicatorColumns(i), retired_revision: null }).where('id', '=', existing.id).execute();
        else await db.insertInto('indicators').values({ task_id: row.id, ...indicatorColumns(i) }).execute();
      }
      const gone = indicators.filter((x) => !t.indicators.some((i) => i.no === x.no)).map((x) => x.id);
      await retireOrDelete(db, 'indicators', gone, revision, async (ids) => {
        const used = await db.selectFrom('report_values').select('indicator_id').distinct().where('indicator_id', 'in', ids).execute();
        return new Set(used.map((u) => u.indicator_id));
      });
    }
  }
  const goneTasks = tasks.filter((t) => !kept.has(t.id) && t.retired_revision === null).map((t) => t.id);
  await retireOrDelete(db, 'tasks', goneTasks, revision, async (ids) => {
    const reported = await db.selectFrom('reports').select('task_id').distinct().where('task_id', 'in', ids).execute();
    const returned = await db.selectFrom('returns').select('task_id').distinct().where('task_id', 'in', ids).execute();
    return new Set([...reported, ...returned].map((r) => r.task_id));
  });

  const goneCategories = categories.filter((c) => !categoryIds.has(c.no)).map((c) => c.id);
  await retireOrDelete(db, 'categories', goneCategories, revision, async (ids) => {
    const holding = await db.selectFrom('tasks').select('category_id').distinct().where('category_id', 'in', ids).execute();
    return new Set(holding.map((t) => t.category_id));
  });
  if (goneCategories.length > 0) {
    await db.updateTable('categories').set({ seq: sql`${RETIRED_SEQ} + id` }).where('id', 'in', goneCategories).execute();
  }

  await db.updateTable('plans').set({ title: next.title, issued_on: next.issuedOn, issuer: next.issuer, revision }).where('id', '=', planId).execute();
}

/** Rows a revision removes: retired (kept, with what names them) where `inUse` says so, deleted otherwise. */
async function retireOrDelete(
  db: Tx, table: 'tasks' | 'indicators' | 'categories', ids: readonly number[], revision: number,
  inUse: (ids: readonly number[]) => Promise<ReadonlySet<number>>,
): Promise<void> {
  if (ids.length === 0) return;
  const used = await inUse(ids);
  const retire = ids.filter((id) => used.has(id));
  const remove = ids.filter((id) => !used.has(id));
  if (retire.length > 0) await db.updateTable(table).set({ retired_revision: revision }).where('id', 'in', retire).execute();
  if (remove.length > 0) await db.deleteFrom(table).where('id', 'in', remove).execute();
}

/** Renames first (a unit keeps its row and id), then merges (everything of the misspelt unit moves to the right one). */
async function applyUnitNames(db: Tx, renamed: Readonly<Record<string, string>>): Promise<void> {
  const merges: [number, string][] = [];
  for (const [from, to] of Object.entries(renamed)) {
    const unit = await findUnitByName(db, from);
    if (!unit) continue;
    const target = await findUnitByName(db, to);
    if (target && target.id !== unit.id) {
      merges.push([unit.id, to]);
      continue;
    }
    // The new name may have been this unit's alias: it is its name now, and the old name its alias.
    await db.deleteFrom('unit_aliases').where('alias', '=', to).execute();
    await db.updateTable('units').set({ name: to }).where('id', '=', unit.id).execute();
    await db.insertInto('unit_aliases').values({ alias: from, unit_id: unit.id }).onConflict((oc) => oc.doNothing()).execute();
  }
  for (const [fromId, to] of merges) {
    const into = (await findUnitByName(db, to))!.id;
    const old = await db.selectFrom('units').select('name').where('id', '=', fromId).executeTakeFirstOrThrow();
    for (const table of ['reports', 'packages', 'returns', 'unit_keys', 'unit_aliases'] as const) {
      await db.updateTable(table).set({ unit_id: into }).where('unit_id', '=', fromId).execute();
    }
    // A retired task may name both: the unit it is merged into keeps its own role there.
    await sql`UPDATE OR IGNORE task_units SET unit_id = ${into} WHERE unit_id = ${fromId}`.execute(db);
    await db.deleteFrom('task_units').where('unit_id', '=', fromId).execute();
    await db.deleteFrom('units').where('id', '=', fromId).execute();
    await db.insertInto('unit_aliases').values({ alias: old.name, unit_id: into }).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** The plan's units take the places after every other unit, in the plan's order. */
async function reorderUnits(db: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('units').set({ seq: sql`${PARKED} - id` }).where('id', 'in', ids).execute();
  const others = await db.selectFrom('units').select((eb) => eb.fn.max('seq').as('m')).where('id', 'not in', ids).executeTakeFirst();
  const base = Math.max(0, others?.m ?? 0);
  for (const [i, id] of ids.entries()) await db.updateTable('units').set({ seq: base + i + 1 }).where('id', '=', id).execute();
}

/**
 * Why units cannot be merged as `renamed` asks, in Chinese, or an empty list: two units that both reported
 * the same task for the same period, or that both have a pinned key (which one is the unit's is for a person
 * to settle by phone first).
 * @example await mergeConflicts(db, { 县民证局: '县民政局' }) // ['「县民证局」和「县民政局」都报送了2020-05的任务5…']
 */
export async function mergeConflicts(db: Tx, renamed: Readonly<Record<string, string>>): Promise<string[]> {
  const out: string[] = [];
  for (const [from, to] of Object.entries(renamed)) {
    const a = await findUnitByName(db, from);
    const b = await findUnitByName(db, to);
    if (!a || !b || a.id === b.id) continue;
    const both = await db.selectFrom('reports as r1')
      .innerJoin('reports as r2', (j) => j.onRef('r2.period_id', '=', 'r1.period_id').onRef('r2.task_id', '=', 'r1.task_id'))
      .innerJoin('periods', 'periods.id', 'r1.period_id').innerJoin('tasks', 'tasks.id', 'r1.task_id')
      .select(['periods.period', 'tasks.no']).where('r1.unit_id', '=', a.id).where('r2.unit_id', '=', b.id).orderBy('periods.period').orderBy('tasks.no').execute();
    if (both.length > 0) {
      out.push(`「${from}」和「${to}」都报送了${both.slice(0, 5).map((r) => `${r.period} 的任务${r.no}`).join('、')}${both.length > 5 ? ` 等 ${both.length} 处` : ''}:合并后同一期同一任务会有两份报送,不能合并。请先确认哪一份有效,或不合并而把「${from}」作为单独的单位保留。`);
    }
    const keys = await db.selectFrom('unit_keys').select('unit_id').where('status', '=', 'trusted').where('unit_id', 'in', [a.id, b.id]).execute();
    if (keys.length === 2) {
      out.push(`「${from}」和「${to}」都已登记了密钥:合并后一个单位只能有一个现用密钥。请先电话核实哪一台电脑是该单位的,不能合并。`);
    }
  }
  return out;
}
