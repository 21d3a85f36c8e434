import type { IndicatorDef, PlanDef, ReportingFrequency, Role, SubordinateGroup, TaskDef, UnitKind } from '../../shared/domain';
import { parsePeriod, planPeriods } from '../../shared/rules/periods';
import type { PeriodId } from '../../shared/domain';
import type { PlanDiff } from '../../shared/plan-diff';
import { compiled, P } from '../compiled';
import type { Selectable } from 'kysely';
import type { PeriodsTable, Tx } from '../schema';

/** The plan as the services use it: every row with its database id, in document order. */
export interface PlanModel {
  readonly id: string;
  readonly year: number;
  readonly title: string;
  readonly issuedOn: string;
  readonly issuer: string;
  readonly revision: number;
  readonly frequency: ReportingFrequency;
  readonly categories: readonly CategoryModel[];
  readonly tasks: readonly TaskModel[];
  /** Units named by this plan's tasks, in the fixed order (units.seq). */
  readonly units: readonly UnitModel[];
}

export interface CategoryModel { readonly id: number; readonly no: string; readonly seq: number; readonly name: string }

/** An indicator of the seed's shape, with its database id. */
export interface IndicatorModel extends IndicatorDef {
  readonly id: number;
}

export interface TaskModel {
  readonly id: number;
  readonly no: number;
  readonly categoryId: number;
  readonly title: string;
  readonly text: string;
  readonly coUnitsOpenEnded: boolean;
  readonly leader: string | null;
  readonly subordinates: SubordinateGroup | null;
  /** Unit ids in document order; the first lead is the primary lead. */
  readonly leadUnitIds: readonly number[];
  readonly coUnitIds: readonly number[];
  readonly indicators: readonly IndicatorModel[];
}

export interface UnitModel {
  readonly id: number;
  readonly name: string;
  readonly kind: UnitKind;
  readonly seq: number;
  readonly aliases: readonly string[];
}

/**
 * Stores a plan with its categories, tasks, indicators, units and periods, each period due on the
 * date `dueOn` gives it (the services' due-date rule). Units are shared across plans and matched by name or alias.
 * @example await insertPlan(trx, PLAN_2019, { createdAt: now, dueOn: (p) => periodDue(p, 5, cal).dueOn })
 */
export async function insertPlan(db: Tx, plan: PlanDef, opts: { createdAt: string; dueOn: DueOf; actor?: string }): Promise<void> {
  await db
    .insertInto('plans')
    .values({
      id: plan.id, year: plan.year, title: plan.title, issued_on: plan.issuedOn, issuer: plan.issuer,
      revision: plan.revision, created_at: opts.createdAt, frequency: plan.frequency,
    })
    .execute();

  const unitIds = await ensureUnits(db, plan.units);
  for (const c of plan.categories) {
    const cat = await db
      .insertInto('categories')
      .values({ plan_id: plan.id, no: c.no, seq: c.seq, name: c.name })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const t of c.tasks) await insertTask(db, plan.id, cat.id, t, unitIds);
  }

  await insertPeriods(db, plan.id, plan.year, plan.frequency, opts.dueOn);
  await recordPlanRevision(db, { plan, at: opts.createdAt, actor: opts.actor ?? '', diff: null });
}

/**
 * Keeps a revision of a plan: the plan as it is at that revision, when, by whom, and what changed.
 * @example await recordPlanRevision(trx, { plan, at, actor: '汇总端', diff })
 */
export async function recordPlanRevision(db: Tx, r: { plan: PlanDef; at: string; actor: string; diff: PlanDiff | null }): Promise<void> {
  await db.insertInto('plan_revisions').values({
    plan_id: r.plan.id, revision: r.plan.revision, plan: JSON.stringify(r.plan), created_at: r.at, actor: r.actor,
    diff: r.diff === null ? null : JSON.stringify(r.diff),
  }).execute();
}

export interface PlanRevisionRow {
  readonly revision: number;
  readonly at: string;
  readonly actor: string;
  readonly plan: PlanDef;
  /** Null for the first revision kept (the plan as set up, or as it was when the database was upgraded). */
  readonly diff: PlanDiff | null;
}

/**
 * The plan as it was at a revision, or null where that revision was never kept (before the database kept them).
 * @example (await planAtRevision(db, 'langxi-2020', 1))?.units.map((u) => u.name)
 */
export async function planAtRevision(db: Tx, planId: string, revision: number): Promise<PlanDef | null> {
  const row = await db.selectFrom('plan_revisions').select('plan').where('plan_id', '=', planId).where('revision', '=', revision).executeTakeFirst();
  return row ? JSON.parse(row.plan) as PlanDef : null;
}

/**
 * Every kept revision of a plan, oldest first.
 * @example (await listPlanRevisions(db, 'langxi-2020')).map((r) => r.revision) // [1, 2]
 */
export async function listPlanRevisions(db: Tx, planId: string): Promise<PlanRevisionRow[]> {
  const rows = await db.selectFrom('plan_revisions').selectAll().where('plan_id', '=', planId).orderBy('revision').execute();
  return rows.map((r) => ({ revision: r.revision, at: r.created_at, actor: r.actor, plan: JSON.parse(r.plan) as PlanDef, diff: r.diff === null ? null : JSON.parse(r.diff) as PlanDiff }));
}

/** The due date of a period, as the services' rule makes it. */
export type DueOf = (period: PeriodId) => string;

/** A plan year's periods at a frequency, each due on the date `dueOn` gives it. */
async function insertPeriods(db: Tx, planId: string, year: number, frequency: ReportingFrequency, dueOn: DueOf): Promise<void> {
  await db
    .insertInto('periods')
    .values(planPeriods(year, frequency).map((p) => ({
      plan_id: planId, period: p, month: parsePeriod(p)!.month, due_on: dueOn(p),
    })))
    .execute();
}

/**
 * Changes how often a plan reports: its periods are made again at the new frequency (locks and due dates
 * with them). Only for a plan without any report yet, which the caller checks (planHasReports): a report
 * belongs to a period, and deleting its period would delete it.
 * @example await setPlanFrequency(trx, 'xuancheng-2019', 'quarterly', (p) => periodDue(p, 5, cal).dueOn)
 */
export async function setPlanFrequency(db: Tx, planId: string, frequency: ReportingFrequency, dueOn: DueOf): Promise<void> {
  const plan = await db.selectFrom('plans').select('year').where('id', '=', planId).executeTakeFirstOrThrow();
  await db.updateTable('plans').set({ frequency }).where('id', '=', planId).execute();
  await db.deleteFrom('periods').where('plan_id', '=', planId).execute();
  await insertPeriods(db, planId, plan.year, frequency, dueOn);
}

/**
 * Whether any report (entered, imported, proxy or demo) is stored for a plan's periods.
 * @example await planHasReports(db, 'xuancheng-2019') // false on a new office
 */
export async function planHasReports(db: Tx, planId: string): Promise<boolean> {
  const row = await db.selectFrom('reports').innerJoin('periods', 'periods.id', 'reports.period_id')
    .select('reports.id').where('periods.plan_id', '=', planId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Every unit of a plan's list, found or created, with its aliases: name or alias → unit id. */
export async function ensureUnits(db: Tx, units: PlanDef['units']): Promise<Map<string, number>> {
  const unitIds = new Map<string, number>();
  for (const u of units) {
    const id = await ensureUnit(db, u.name, u.kind, u.aliases);
    unitIds.set(u.name, id);
    for (const a of u.aliases) unitIds.set(a, id);
  }
  return unitIds;
}

/** Stores one task of a plan with its indicators and units (by name or alias, as `ensureUnits` found them). */
export async function insertTask(db: Tx, planId: string, categoryId: number, t: TaskDef, unitIds: ReadonlyMap<string, number>): Promise<number> {
  const task = await db
    .insertInto('tasks')
    .values({ plan_id: planId, category_id: categoryId, no: t.no, ...taskColumns(t) })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (t.indicators.length > 0) await db.insertInto('indicators').values(t.indicators.map((i) => ({ task_id: task.id, ...indicatorColumns(i) }))).execute();
  await setTaskUnits(db, task.id, t, unitIds);
  return task.id;
}

/** A task's own columns, as a revision sets them again. */
export function taskColumns(t: TaskDef) {
  return {
    title: t.title, text: t.text, co_units_open_ended: t.coUnitsOpenEnded ? 1 : 0,
    leader: t.leader, subordinate_role: t.subordinates?.role ?? null, subordinate_phrase: t.subordinates?.phrase ?? null,
  };
}

/** An indicator's own columns (its number included), as a revision sets them again. */
export function indicatorColumns(i: IndicatorDef) {
  return {
    no: i.no, name: i.name, comparator: i.comparator, target: i.target, target_max: i.targetMax, unit: i.unit,
    additive: i.additive ? 1 : 0, source: i.source, kind: i.kind, deadline: i.deadline,
  };
}

/** A task's lead and cooperating units, in the document's order (the first lead is the primary one), replacing any before. */
export async function setTaskUnits(db: Tx, taskId: number, t: TaskDef, unitIds: ReadonlyMap<string, number>): Promise<void> {
  await db.deleteFrom('task_units').where('task_id', '=', taskId).execute();
  const roles: [string, Role][] = [
    ...t.leadUnits.map((n): [string, Role] => [n, 'lead']),
    ...t.coUnits.map((n): [string, Role] => [n, 'co']),
  ];
  let seq = 0;
  for (const [name, role] of roles) {
    const unitId = unitIds.get(name);
    if (unitId === undefined) throw new Error(`task ${t.no} names unknown unit ${name}`);
    await db.insertInto('task_units').values({ task_id: taskId, unit_id: unitId, role, seq: seq++ }).execute();
  }
}

async function ensureUnit(db: Tx, name: string, kind: UnitKind, aliases: readonly string[]): Promise<number> {
  const existing = await findUnitByName(db, name);
  let id: number;
  if (existing) {
    id = existing.id;
  } else {
    const next = await db.selectFrom('units').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    const row = await db
      .insertInto('units')
      .values({ name, kind, seq: (next?.m ?? 0) + 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  }
  for (const alias of aliases) {
    await db.insertInto('unit_aliases').values({ alias, unit_id: id }).onConflict((oc) => oc.doNothing()).execute();
  }
  return id;
}

const unitByName = compiled((db) => db.selectFrom('units').select(['id', 'name', 'kind']).where('name', '=', P));
const unitByAlias = compiled((db) => db
  .selectFrom('unit_aliases')
  .innerJoin('units', 'units.id', 'unit_aliases.unit_id')
  .select(['units.id', 'units.name', 'units.kind'])
  .where('unit_aliases.alias', '=', P));

/** Finds a unit by its name or any alias (市教体厅 finds 市教体局). */
export async function findUnitByName(db: Tx, name: string): Promise<{ id: number; name: string; kind: UnitKind } | null> {
  const [direct] = await unitByName.run(db, [name]);
  if (direct) return direct;
  const [viaAlias] = await unitByAlias.run(db, [name]);
  return viaAlias ?? null;
}

/** Loads a whole plan with ids, in document order. Returns null for an unknown plan id. */
export async function loadPlanModel(db: Tx, planId: string): Promise<PlanModel | null> {
  const plan = await db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
  if (!plan) return null;
  // What a revision retired stays stored with its reports, and is no longer the plan (docs: README 计划修订).
  const categories = await db.selectFrom('categories').selectAll().where('plan_id', '=', planId).where('retired_revision', 'is', null).orderBy('seq').execute();
  const tasks = await db.selectFrom('tasks').selectAll().where('plan_id', '=', planId).where('retired_revision', 'is', null).orderBy('no').execute();
  const indicators = await db
    .selectFrom('indicators')
    .innerJoin('tasks', 'tasks.id', 'indicators.task_id')
    .selectAll('indicators')
    .where('tasks.plan_id', '=', planId)
    .where('tasks.retired_revision', 'is', null)
    .where('indicators.retired_revision', 'is', null)
    .orderBy('indicators.task_id')
    .orderBy('indicators.no')
    .execute();
  const roles = await db
    .selectFrom('task_units')
    .innerJoin('tasks', 'tasks.id', 'task_units.task_id')
    .select(['task_units.task_id', 'task_units.unit_id', 'task_units.role'])
    .where('tasks.plan_id', '=', planId)
    .where('tasks.retired_revision', 'is', null)
    .orderBy('task_units.task_id')
    .orderBy('task_units.seq')
    .execute();
  const unitIds = [...new Set(roles.map((r) => r.unit_id))];
  const units = unitIds.length === 0 ? [] : await db.selectFrom('units').selectAll().where('id', 'in', unitIds).orderBy('seq').execute();
  const aliases = unitIds.length === 0 ? [] : await db.selectFrom('unit_aliases').selectAll().where('unit_id', 'in', unitIds).orderBy('alias').execute();

  // Grouped once: a plan with hundreds of units has thousands of roles (filtering them per task was quadratic).
  const group = <T>(rows: readonly T[], key: (r: T) => number) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const list = m.get(key(r));
      if (list) list.push(r);
      else m.set(key(r), [r]);
    }
    return (k: number): readonly T[] => m.get(k) ?? [];
  };
  const rolesOf = group(roles, (r) => r.task_id);
  const indicatorsOf = group(indicators, (i) => i.task_id);
  const aliasesOf = group(aliases, (a) => a.unit_id);

  return {
    id: plan.id, year: plan.year, title: plan.title, issuedOn: plan.issued_on, issuer: plan.issuer, revision: plan.revision, frequency: plan.frequency,
    categories: categories.map((c) => ({ id: c.id, no: c.no, seq: c.seq, name: c.name })),
    tasks: tasks.map((t) => ({
      id: t.id, no: t.no, categoryId: t.category_id, title: t.title, text: t.text,
      coUnitsOpenEnded: t.co_units_open_ended === 1,
      leader: t.leader,
      subordinates: t.subordinate_role === null || t.subordinate_phrase === null ? null : { role: t.subordinate_role, phrase: t.subordinate_phrase },
      leadUnitIds: rolesOf(t.id).filter((r) => r.role === 'lead').map((r) => r.unit_id),
      coUnitIds: rolesOf(t.id).filter((r) => r.role === 'co').map((r) => r.unit_id),
      indicators: indicatorsOf(t.id).map((i) => ({
        id: i.id, no: i.no, name: i.name, comparator: i.comparator, target: i.target, targetMax: i.target_max,
        unit: i.unit, additive: i.additive === 1, source: i.source, kind: i.kind, deadline: i.deadline,
      })),
    })),
    units: units.map((u) => ({
      id: u.id, name: u.name, kind: u.kind, seq: u.seq,
      aliases: aliasesOf(u.id).map((a) => a.alias),
    })),
  };
}

/** The plan back in the shape of the seed (PlanDef), e.g. for `ledger plan --json`. */
export function planModelToDef(m: PlanModel): PlanDef {
  const unitName = new Map(m.units.map((u) => [u.id, u.name]));
  const name = (id: number) => unitName.get(id) ?? String(id);
  return {
    id: m.id, year: m.year, title: m.title, issuedOn: m.issuedOn, issuer: m.issuer, revision: m.revision, frequency: m.frequency,
    categories: m.categories.map((c) => ({
      no: c.no, seq: c.seq, name: c.name,
      tasks: m.tasks.filter((t) => t.categoryId === c.id).map((t) => ({
        no: t.no, title: t.title, text: t.text,
        leadUnits: t.leadUnitIds.map(name), coUnits: t.coUnitIds.map(name), coUnitsOpenEnded: t.coUnitsOpenEnded,
        leader: t.leader, subordinates: t.subordinates,
        indicators: t.indicators.map((i) => ({
          no: i.no, name: i.name, comparator: i.comparator, target: i.target, targetMax: i.targetMax,
          unit: i.unit, additive: i.additive, source: i.source, kind: i.kind, deadline: i.deadline,
        })),
      })),
    })),
    units: m.units.map((u) => ({ name: u.name, aliases: u.aliases, kind: u.kind })),
  };
}

export interface PeriodRow {
  readonly id: number;
  readonly period: string;
  readonly month: number;
  readonly dueOn: string;
  readonly locked: boolean;
  /** The office's reason when it set dueOn by hand; null when dueOn is the rule's (or, at a unit, the office's package's). */
  readonly dueByHand: string | null;
}

function periodRow(r: Selectable<PeriodsTable>): PeriodRow {
  return { id: r.id, period: r.period, month: r.month, dueOn: r.due_on, locked: r.locked === 1, dueByHand: r.due_by_hand === 1 ? (r.due_reason ?? '') : null };
}

export async function listPeriods(db: Tx, planId: string): Promise<PeriodRow[]> {
  const rows = await db.selectFrom('periods').selectAll().where('plan_id', '=', planId).orderBy('period').execute();
  return rows.map(periodRow);
}

/** Sets the due dates of a plan's periods (from an assignment package). */
export async function setDueDates(db: Tx, planId: string, periods: readonly { period: string; dueOn: string }[]): Promise<void> {
  for (const p of periods) await db.updateTable('periods').set({ due_on: p.dueOn }).where('plan_id', '=', planId).where('period', '=', p.period).execute();
}

export async function findPeriod(db: Tx, planId: string, period: string): Promise<PeriodRow | null> {
  const r = await db.selectFrom('periods').selectAll().where('plan_id', '=', planId).where('period', '=', period).executeTakeFirst();
  return r ? periodRow(r) : null;
}
