/**
 * The period a unit starts reporting from, and its opening cumulative values. A unit named in the plan
 * when the office set it up reports from the plan's first period. A unit set up from its assignment (its
 * own computer), or added to the plan by a revision (the office), starts from the first period still due
 * on that day: earlier periods are not 未报送 for it. The office (or the unit) can set it by hand,
 * audited. Opening values are 上期累计 of the unit's first period, so its first report's increase is right.
 */
import type * as z from 'zod';
import { openingValuesSchema } from '../../../shared/entry-items';
import type { PeriodId } from '../../../shared/domain';
import { LedgerError } from '../../../shared/errors';
import { isPeriodOf, periodLabel, planPeriods, planPeriodsText } from '../../../shared/rules/periods';
import { appendAudit } from '../../../db/queries/audit';
import { listPeriods, type PlanModel } from '../../../db/queries/plan';
import type { Tx } from '../../../db/schema';
import { activePlan, nowIso, type Ctx } from '../context';
import { entryUnit, resolveUnit } from './entry';

export type StartHow = 'plan' | 'setup' | 'revision' | 'hand';

export interface UnitStart {
  readonly period: PeriodId;
  /** plan: named when the plan was set up; setup: its computer was set up then; revision: added by one; hand: set by a person. */
  readonly how: StartHow;
  readonly reason: string | null;
}

const HOW_WORDS: Readonly<Record<StartHow, string>> = {
  plan: '计划建立时即有此单位,从第一期起报送',
  setup: '从本机建库(导入任务包)时尚未截止的第一期起报送',
  revision: '计划修订时新增此单位,从修订时尚未截止的第一期起报送',
  hand: '手工设定',
};

/** The start in words, for the screens and the command line. */
export function startWords(s: UnitStart): string {
  return s.how === 'hand' && s.reason ? `${HOW_WORDS.hand}:${s.reason}` : HOW_WORDS[s.how];
}

/**
 * The first period a unit set up (or added) on `day` owes: the first whose due date is that day or later,
 * so a unit set up on 7月2日 still owes June (due 7月5日) and one set up on 10月12日 starts with October.
 * After the year's last due date it owes the whole year: it is set up for a report of that year.
 * @example firstOwedPeriod([{ period: '2019-09', dueOn: '2019-10-08' }, { period: '2019-10', dueOn: '2019-11-05' }], '2019-10-12') // '2019-10'
 */
export function firstOwedPeriod(periods: readonly { period: string; dueOn: string }[], day: string): PeriodId {
  return (periods.find((p) => p.dueOn >= day) ?? periods[0]!).period;
}

/** Every unit's start that is not the plan's first period, by unit id. */
export async function unitStarts(db: Tx, planId: string): Promise<Map<number, PeriodId>> {
  const rows = await db.selectFrom('unit_starts').select(['unit_id', 'period']).where('plan_id', '=', planId).execute();
  return new Map(rows.map((r) => [r.unit_id, r.period]));
}

/** One unit's start. */
export async function unitStart(db: Tx, plan: PlanModel, unitId: number): Promise<UnitStart> {
  const row = await db.selectFrom('unit_starts').selectAll().where('plan_id', '=', plan.id).where('unit_id', '=', unitId).executeTakeFirst();
  return row ? { period: row.period, how: row.how, reason: row.reason } : { period: planPeriods(plan.year, plan.frequency)[0]!, how: 'plan', reason: null };
}

/** Records a start found by the app (set up, added by a revision); one set by hand is never replaced this way. */
export async function recordStart(db: Tx, opts: { planId: string; unitId: number; period: PeriodId; how: 'setup' | 'revision'; at: string; actor: string; unit: string }): Promise<void> {
  const existing = await db.selectFrom('unit_starts').select('how').where('plan_id', '=', opts.planId).where('unit_id', '=', opts.unitId).executeTakeFirst();
  if (existing) return;
  await db.insertInto('unit_starts').values({ plan_id: opts.planId, unit_id: opts.unitId, period: opts.period, how: opts.how, reason: null }).execute();
  await appendAudit(db, { at: opts.at, actor: opts.actor, action: 'unit.start', entity: 'unit', entityId: opts.unit, after: { period: opts.period, how: HOW_WORDS[opts.how] } });
}

/**
 * Sets the period a unit starts reporting from, with a reason (audited before → after).
 * @example await setUnitStart(ctx, { unit: '市数据资源局', period: '2019-10', reason: '10月新设立' })
 */
export async function setUnitStart(ctx: Ctx, req: { unit?: string | undefined; period: string; reason: string }): Promise<UnitStart & { unit: string }> {
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, await entryUnit(ctx, req.unit));
  if (!isPeriodOf(req.period, plan.frequency) || !planPeriods(plan.year, plan.frequency).includes(req.period)) {
    throw new LedgerError('E_VALIDATION', `起报期「${req.period}」不是本计划的报送期:本计划${planPeriodsText(plan.year, plan.frequency)}。`);
  }
  const reason = req.reason.trim();
  if (reason === '') throw new LedgerError('E_VALIDATION', `请写明为什么${unit.name}从${periodLabel(req.period, plan.frequency)}起报送(记入审计日志)。`);
  const before = await unitStart(ctx.db, plan, unit.id);
  // Moving the start changes whether the unit owed each period between the two: a locked period's counts stay as locked.
  const [lo, hi] = before.period <= req.period ? [before.period, req.period] : [req.period, before.period];
  const locked = (await listPeriods(ctx.db, plan.id)).filter((p) => p.locked && p.period >= lo && p.period < hi);
  if (locked.length > 0) {
    throw new LedgerError('E_PERIOD_LOCKED', `改起报期会改变${unit.name}在已关账的${locked.map((p) => periodLabel(p.period, plan.frequency)).join('、')}是否应报,未修改。如确需修改,请先由汇总端重新开启这些报送期。`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('unit_starts').values({ plan_id: plan.id, unit_id: unit.id, period: req.period, how: 'hand', reason })
      .onConflict((oc) => oc.columns(['plan_id', 'unit_id']).doUpdateSet({ period: req.period, how: 'hand', reason })).execute();
    await appendAudit(trx, {
      at, actor: ctx.actor, action: 'unit.start.set', entity: 'unit', entityId: unit.name,
      before: { period: before.period, how: startWords(before) }, after: { period: req.period, reason },
    });
  });
  return { unit: unit.name, period: req.period, how: 'hand', reason };
}

/** A unit's opening cumulative values (上期累计 of its first period), by indicator id. */
export async function openingValues(db: Tx, unitId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('opening_values').select(['indicator_id', 'value']).where('unit_id', '=', unitId).execute();
  return new Map(rows.map((r) => [r.indicator_id, r.value]));
}

/** Opening values as `ledger opening --values` and units:setOpening take them. */
export const OpeningValuesSchema = openingValuesSchema;
export type OpeningValueInput = z.infer<typeof openingValuesSchema>[number];

/**
 * Sets a unit's opening cumulative values: what it had done before its first period here (null clears
 * one). Only cumulative indicators of tasks it leads or cooperates on; audited.
 * @example await setOpeningValues(ctx, { values: [{ task: 1, indicator: 1, value: 180 }] })
 */
export async function setOpeningValues(ctx: Ctx, req: { unit?: string | undefined; values: readonly OpeningValueInput[] }): Promise<{ unit: string; start: PeriodId; values: number }> {
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, await entryUnit(ctx, req.unit));
  const start = await unitStart(ctx.db, plan, unit.id);
  const problems: string[] = [];
  const rows: { indicatorId: number; label: string; value: number | null }[] = [];
  for (const v of req.values) {
    const task = plan.tasks.find((t) => t.no === v.task);
    const ind = task?.indicators.find((i) => i.no === v.indicator);
    if (!task || !ind) { problems.push(`计划中没有任务${v.task}的第${v.indicator}个指标。`); continue; }
    if (!task.leadUnitIds.includes(unit.id) && !task.coUnitIds.includes(unit.id)) { problems.push(`任务${task.no}「${task.title}」不是${unit.name}牵头或协同的任务。`); continue; }
    if (ind.kind !== 'cumulative') { problems.push(`任务${task.no}指标${ind.no}「${ind.name}」不是累计类指标,没有期初累计数。`); continue; }
    if (v.value !== null && (!Number.isFinite(v.value) || v.value < 0)) { problems.push(`任务${task.no}指标${ind.no}「${ind.name}」的期初累计数不能为负数。`); continue; }
    rows.push({ indicatorId: ind.id, label: `任务${task.no}指标${ind.no}「${ind.name}」`, value: v.value });
  }
  if (problems.length > 0) throw new LedgerError('E_VALIDATION', `期初累计数有 ${problems.length} 处问题,未保存:\n${problems.map((p) => `· ${p}`).join('\n')}`);
  const before = await openingValues(ctx.db, unit.id);
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    for (const r of rows) {
      if (r.value === null) await trx.deleteFrom('opening_values').where('unit_id', '=', unit.id).where('indicator_id', '=', r.indicatorId).execute();
      else await trx.insertInto('opening_values').values({ unit_id: unit.id, indicator_id: r.indicatorId, value: r.value })
        .onConflict((oc) => oc.columns(['unit_id', 'indicator_id']).doUpdateSet({ value: r.value! })).execute();
    }
    await appendAudit(trx, {
      at, actor: ctx.actor, action: 'unit.opening', entity: 'unit', entityId: unit.name,
      before: Object.fromEntries(rows.map((r) => [r.label, before.get(r.indicatorId) ?? null])),
      after: { start: start.period, ...Object.fromEntries(rows.map((r) => [r.label, r.value])) },
    });
  });
  return { unit: unit.name, start: start.period, values: rows.length };
}

/** On a unit's computer set up from its assignment on `day`: it starts from the first period still due then. */
export async function recordSetupStart(db: Tx, opts: { planId: string; unitId: number; unit: string; at: string; actor: string; day: string }): Promise<void> {
  await recordStart(db, { planId: opts.planId, unitId: opts.unitId, period: firstOwedPeriod(await listPeriods(db, opts.planId), opts.day), how: 'setup', at: opts.at, actor: opts.actor, unit: opts.unit });
}
