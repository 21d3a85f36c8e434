/**
 * Read models for the desktop app and the browser harness: the views `shared/api.ts` promises
 * that no other service builds. Plain Node over db/queries and the summary functions; no logic of
 * its own beyond shaping (the rules stay in shared/rules, the summaries in summaries.ts).
 */
import type {
  AppInfo, AuditView, EntryForm, EntryTaskView, PeriodView, PlanView, SettingsView, TrendView, UnitDetail,
} from '../../shared/api';
import { FREQUENCY_LABELS, indicatorFields, type Light, type ReportingFrequency, type Role } from '../../shared/domain';
import { LedgerError } from '../../shared/errors';
import { hasStarted } from '../../shared/rules/periods';
import { overallCompletion, scheduleCounts } from '../../shared/rules/headline';
import { indicatorLight, meanCompletion, taskLight } from '../../shared/rules/progress';
import { reportingGroup, type IndicatorSummary } from '../../shared/summaries';
import { appendAudit, listAudit } from '../../db/queries/audit';
import { listPeriods, planHasReports, setPlanFrequency, type PlanModel } from '../../db/queries/plan';
import { getSetting, setSetting } from '../../db/queries/settings';
import { dueOfPeriod, ruleDueOf, settleDueDates } from './deadlines';
import { unitStart, unitStarts } from './entry/starts';
import { activePlan, checkedOfficeName, dueDayOf, nowIso, requireRole, roleOf, thresholdsOf, today, type Ctx } from './context';
import { entryUnit, fieldsOf, loadUnitPeriod, priorSubmissions, resolveUnit, rolesOfUnit, selfUnit } from './entry/entry';
import { header, indicatorSummary, isComplete, loadArea, loadPeriodData, owedNow, owesPeriod, summaryByTask, summaryByUnit, valueOf } from './summaries/summaries';

/** Version shown in the app (package.json's, injected by the caller). */
export async function appInfo(ctx: Ctx | null, version: string, readOnlyYear: number | null = null): Promise<AppInfo> {
  if (ctx === null) {
    return { role: null, planTitle: null, year: null, unit: null, officeName: null, fingerprint: null, officeFingerprint: null, version, readOnlyYear: null };
  }
  const role = await roleOf(ctx);
  const plan = await activePlan(ctx);
  return {
    role,
    planTitle: plan.title,
    year: plan.year,
    unit: role === 'unit' ? await getSetting(ctx.db, 'self_unit') : null,
    officeName: await getSetting(ctx.db, 'office_name'),
    fingerprint: await getSetting(ctx.db, 'fingerprint'),
    officeFingerprint: role === 'unit' ? await getSetting(ctx.db, 'office_fingerprint') : null,
    version,
    readOnlyYear,
  };
}

/**
 * The plan as the screens show it: categories, tasks with their units and indicators, and the
 * reporting units in the fixed order (member-unit groups left out).
 */
export async function planView(ctx: Ctx): Promise<PlanView> {
  const plan = await activePlan(ctx);
  const unitName = new Map(plan.units.map((u) => [u.id, u.name]));
  const catLabel = new Map(plan.categories.map((c) => [c.id, `${c.no}、${c.name}`]));
  return {
    id: plan.id, year: plan.year, title: plan.title, revision: plan.revision, frequency: plan.frequency,
    categories: plan.categories.map((c) => ({ no: c.no, name: c.name, taskNos: plan.tasks.filter((t) => t.categoryId === c.id).map((t) => t.no) })),
    tasks: plan.tasks.map((t) => ({
      no: t.no, title: t.title, text: t.text, category: catLabel.get(t.categoryId) ?? '',
      leadUnits: t.leadUnitIds.map((u) => unitName.get(u) ?? ''),
      coUnits: t.coUnitIds.map((u) => unitName.get(u) ?? ''),
      indicators: t.indicators.map(indicatorFields),
    })),
    units: plan.units.filter((u) => u.kind === 'unit').map((u) => u.name),
  };
}

/**
 * Every period with its due date and lock; on a unit's computer also what is done: 已导出 (the
 * last export is newer than every saved change), 草稿 (saved since) or 未填报.
 */
async function periodsWithReports(ctx: Ctx, plan: PlanModel): Promise<string[]> {
  const rows = await ctx.db.selectFrom('reports').innerJoin('periods', 'periods.id', 'reports.period_id')
    .select('periods.period').where('periods.plan_id', '=', plan.id).distinct().execute();
  return rows.map((r) => r.period);
}

export async function periodViews(ctx: Ctx): Promise<PeriodView[]> {
  const plan = await activePlan(ctx);
  const rows = await listPeriods(ctx.db, plan.id);
  const day = today(ctx);
  if ((await roleOf(ctx)) !== 'unit') {
    const withReports = new Set(await periodsWithReports(ctx, plan));
    const dueDay = await dueDayOf(ctx);
    return rows.map((p) => {
      const due = dueOfPeriod(p, dueDay);
      return {
        period: p.period, month: p.month, dueOn: p.dueOn, locked: p.locked, state: null, exportedRevision: null, hasReports: withReports.has(p.period),
        started: hasStarted(p.period, day, plan.frequency),
        dueNote: due.note, dueByHand: p.dueByHand !== null, ruleDueOn: due.workingOn, dueWarning: due.warning, beforeStart: false,
      };
    });
  }
  const unit = await resolveUnit(ctx, plan, await selfUnit(ctx));
  const start = await unitStart(ctx.db, plan, unit.id);
  const exports = await ctx.db.selectFrom('packages')
    .select(['period', (eb) => eb.fn.max('revision').as('revision'), (eb) => eb.fn.max('created_at').as('at')])
    .where('kind', '=', 'report').where('direction', '=', 'out').groupBy('period').execute();
  const saved = await ctx.db.selectFrom('reports')
    .select(['period_id', (eb) => eb.fn.max('updated_at').as('at')])
    .where('unit_id', '=', unit.id).groupBy('period_id').execute();
  const exportOf = new Map(exports.map((e) => [e.period, e]));
  const savedAt = new Map(saved.map((s) => [s.period_id, s.at]));
  // The office's date came with the 任务包, not why: where it is the usual due day moved over a holiday, say so.
  const dueDay = await dueDayOf(ctx);
  return rows.map((p) => {
    const due = dueOfPeriod(p, dueDay);
    const ex = exportOf.get(p.period);
    const changed = savedAt.get(p.id) ?? null;
    const state = changed === null ? '未填报' : ex && ex.at !== null && changed <= ex.at ? '已导出' : '草稿';
    return {
      period: p.period, month: p.month, dueOn: p.dueOn, locked: p.locked, state, exportedRevision: ex?.revision ?? null, hasReports: changed !== null,
      started: hasStarted(p.period, day, plan.frequency),
      dueNote: due.dueOn === p.dueOn ? due.note : null, dueByHand: false, ruleDueOn: null, dueWarning: null, beforeStart: p.period < start.period,
    };
  });
}

/** The value most of them carry (the first of equals), ignoring blanks; '' for none. */
function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) if (v.trim() !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = '';
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/**
 * The entry form of one unit for one period: every task it leads or cooperates on, each indicator
 * with last period's cumulative, and what is saved so far. On the unit's computer the unit is its
 * own; at the summary office it is the unit being entered for (代填).
 */
export async function entryForm(ctx: Ctx, req: { period: string; unit?: string | undefined }): Promise<EntryForm> {
  const role = await roleOf(ctx);
  const { plan, unit, period, roles, reports, previous } = await loadUnitPeriod(ctx, await entryUnit(ctx, req.unit), req.period);
  const returns = await ctx.db.selectFrom('returns').select(['task_id', 'comment'])
    .where('unit_id', '=', unit.id).where('period', '=', req.period).where('done', '=', 0).orderBy('id').execute();
  const returnOf = new Map(returns.map((r) => [r.task_id, r.comment]));

  const tasks: EntryTaskView[] = [];
  for (const t of plan.tasks) {
    const taskRole = roles.get(t.id);
    if (!taskRole) continue;
    const r = reports.get(t.id);
    tasks.push({
      no: t.no, title: t.title, text: t.text, role: taskRole,
      indicators: t.indicators.map((i) => {
        const v = r?.values.find((x) => x.indicatorId === i.id);
        return { ...indicatorFields(i), source: i.source, previous: previous.get(i.id) ?? null, value: v?.value ?? null, note: v?.note ?? '' };
      }),
      ...fieldsOf(r),
      returnComment: returnOf.get(t.id) ?? null, saved: r !== undefined,
    });
  }
  // Lead tasks first, as the unit answers for them; document order within each group.
  tasks.sort((a, b) => (a.role === b.role ? a.no - b.no : a.role === 'lead' ? -1 : 1));
  const saved = [...reports.values()];
  return {
    unit: unit.name, period: period.period, month: period.month, dueOn: period.dueOn, locked: period.locked,
    proxy: role === 'summary', tasks,
    prior: role === 'summary' ? priorSubmissions(plan, reports) : [],
    reporter: {
      contact: mostCommon(saved.map((r) => r.contact)), phone: mostCommon(saved.map((r) => r.phone)),
      // This computer's own user is who saves when no 填报人 is typed: not a name to offer back.
      filledBy: mostCommon(saved.map((r) => r.enteredBy).filter((n) => n !== ctx.actor && n !== unit.name)),
    },
  };
}

/**
 * One unit's own figures for a period, task by task: the drill-down from the unit-by-unit table.
 * Lead tasks are judged as in the unit table (no report once the due date has passed → red); a cooperating task counts only
 * when reported, since its figures are part of the lead's.
 */
export async function unitDetail(ctx: Ctx, req: { period: string; unit: string }): Promise<UnitDetail> {
  const d = await loadPeriodData(ctx, req.period);
  const unit = await resolveUnit(ctx, d.plan, req.unit);
  const row = summaryByUnit(d).find((u) => u.unit === unit.name);
  if (!row) throw new LedgerError('E_UNKNOWN_UNIT', `「${req.unit}」不是本计划的填报单位。`);
  const roles = rolesOfUnit(d.plan, unit.id);
  const owed = owedNow(d, unit.id);
  const all = new Map(summaryByTask(d).map((t) => [t.no, t]));
  const month = d.period.month;
  const tasks: UnitDetail['tasks'][number][] = [];
  for (const task of d.plan.tasks) {
    const role = roles.get(task.id);
    if (!role) continue;
    const base = all.get(task.no)!;
    const r = d.reports.get(`${unit.id}:${task.id}`);
    const indicators: IndicatorSummary[] = task.indicators.map((i) => {
      const value = valueOf(r, i.id);
      const light: Light = value !== null ? indicatorLight(i, value, month, d.thresholds) : role === 'lead' && owed ? 'red' : 'none';
      return indicatorSummary(i, value, month, light);
    });
    const reported = task.indicators
      .map((i, k) => ({ target: i, value: indicators[k]!.value }))
      .filter((x) => role === 'lead' || x.value !== null);
    const light: Light = !r && (role === 'co' || !owed)
      ? 'none'
      : taskLight({ status: r ? (r.status ?? '未开始') : null, indicators: reported }, month, d.thresholds);
    const completions = indicators.filter((i) => role === 'lead' || i.completion !== null).map((i) => i.completion ?? 0);
    tasks.push({
      ...base,
      reportedLeads: role === 'lead' && isComplete(task, r) ? 1 : 0,
      totalLeads: role === 'lead' ? 1 : 0,
      owingLeads: role === 'lead' && owesPeriod(d, unit.id) ? 1 : 0,
      overdueLeads: role === 'lead' && owedNow(d, unit.id) ? 1 : 0,
      status: r?.status ?? null,
      indicators,
      completion: meanCompletion(completions),
      light,
      progress: r?.progress ?? '', problems: r?.problems ?? '', nextSteps: r?.nextSteps ?? '',
      role: role satisfies Role, receivedOn: r?.receivedOn ?? null, proxy: r?.proxy ?? false,
    });
  }
  tasks.sort((a, b) => (a.role === b.role ? a.no - b.no : a.role === 'lead' ? -1 : 1));
  return { header: header(d), unit: row, tasks };
}

/**
 * Completion and reporting over the periods that have any report so far (and every unit's
 * completion in each), for the trend chart.
 */
export async function trendView(ctx: Ctx): Promise<TrendView> {
  const plan: PlanModel = await activePlan(ctx);
  const last = (await periodsWithReports(ctx, plan)).sort().at(-1);
  const rows = (await listPeriods(ctx.db, plan.id)).filter((p) => last !== undefined && p.period <= last);
  const thresholds = await thresholdsOf(ctx);
  const starts = await unitStarts(ctx.db, plan.id);
  const area = await loadArea(ctx, plan);
  const overall: TrendView['overall'][number][] = [];
  const byUnit = new Map<string, (number | null)[]>();
  for (const row of rows) {
    const period = row.period;
    const d = await loadPeriodData(ctx, row, { plan, thresholds, starts, area });
    const units = summaryByUnit(d).filter((u) => u.state !== '无牵头任务');
    const tasks = summaryByTask(d);
    overall.push({
      period,
      // The figures of the headline and the workbook, so the trend's last point is the headline's.
      completion: overallCompletion(units),
      onSchedule: scheduleCounts(tasks, row.month).share,
      onTime: units.filter((u) => reportingGroup(u) === 'onTime').length,
      late: units.filter((u) => reportingGroup(u) === 'late').length,
      missing: units.filter((u) => reportingGroup(u) === 'missing').length,
    });
    for (const u of units) {
      const list = byUnit.get(u.unit) ?? [];
      list.push(u.completion);
      byUnit.set(u.unit, list);
    }
  }
  return { periods: rows.map((r) => r.period), overall, units: [...byUnit].map(([unit, completion]) => ({ unit, completion })) };
}

export async function settingsView(ctx: Ctx): Promise<SettingsView> {
  return settingsOf(ctx, await activePlan(ctx));
}

async function settingsOf(ctx: Ctx, plan: PlanModel): Promise<SettingsView> {
  return {
    yellowPoints: (await thresholdsOf(ctx)).yellowPoints,
    dueDay: await dueDayOf(ctx),
    officeName: await getSetting(ctx.db, 'office_name'),
    frequency: plan.frequency,
    frequencyLocked: await planHasReports(ctx.db, plan.id),
  };
}

/**
 * Changes the light threshold, the due day, the office's name or the reporting frequency (summary office
 * only; audited). A new due day moves the due dates of the periods not yet locked (to a working day, as
 * every rule date): a closed period keeps the date it was judged by, and a date set by hand stays. A new name goes on the packages sent from now on; units that were set up
 * with the old one still report here, as a report is bound to this office by its key, not its name. A new
 * frequency makes the plan's periods again, so only while no report exists: once one does, its period
 * and the 上期 it was checked against would change under it.
 */
export async function updateSettings(ctx: Ctx, req: { yellowPoints?: number | undefined; dueDay?: number | undefined; officeName?: string | undefined; frequency?: ReportingFrequency | undefined }): Promise<SettingsView> {
  await requireRole(ctx, 'summary', '修改设置;填报端的报送期和截止日期来自任务包');
  const plan = await activePlan(ctx);
  const before = await settingsOf(ctx, plan);
  const at = nowIso(ctx);
  const officeName = req.officeName === undefined ? undefined : checkedOfficeName(req.officeName);
  const frequency = req.frequency !== undefined && req.frequency !== before.frequency ? req.frequency : undefined;
  if (frequency !== undefined && before.frequencyLocked) {
    throw new LedgerError('E_VALIDATION', `已有报送数据(填报、导入、代填或演示数据),不能再把报送频率从「${FREQUENCY_LABELS[before.frequency]}」改为「${FREQUENCY_LABELS[frequency]}」:`
      + '已报送的数据属于现有的报送期,改了频率,它们的报送期和上期数都会变。报送频率只能在开始报送之前设定;设置未做任何修改。');
  }
  await ctx.db.transaction().execute(async (trx) => {
    if (req.yellowPoints !== undefined) await setSetting(trx, 'yellow_points', String(req.yellowPoints));
    if (officeName !== undefined) await setSetting(trx, 'office_name', officeName);
    if (req.dueDay !== undefined) await setSetting(trx, 'due_day', String(req.dueDay));
    if (frequency !== undefined) {
      // Checked again inside the write: an import may have landed since settingsView read it.
      if (await planHasReports(trx, plan.id)) throw new LedgerError('E_VALIDATION', '刚刚有报送数据写入,报送频率不能再修改;设置未做任何修改。');
      await setPlanFrequency(trx, plan.id, frequency, ruleDueOf(req.dueDay ?? before.dueDay));
    } else if (req.dueDay !== undefined) {
      await settleDueDates(trx, { planId: plan.id, dueDay: req.dueDay, at, actor: ctx.actor, why: `截止日改为每月${req.dueDay}日` });
    }
    await appendAudit(trx, {
      at, actor: ctx.actor, action: 'settings.update', entity: 'settings', entityId: plan.id,
      before: { yellowPoints: before.yellowPoints, dueDay: before.dueDay, officeName: before.officeName, frequency: before.frequency },
      after: { yellowPoints: req.yellowPoints ?? before.yellowPoints, dueDay: req.dueDay ?? before.dueDay, officeName: officeName ?? before.officeName, frequency: frequency ?? before.frequency },
    });
  });
  return settingsView(ctx);
}

/** The stored indicator ids a line's values name (a report line's before and after). */
function indicatorIdsOf(line: AuditView): number[] {
  const ids: number[] = [];
  for (const side of [line.before, line.after]) {
    const values = side !== null && typeof side === 'object' ? (side as { values?: unknown }).values : undefined;
    if (Array.isArray(values)) for (const v of values) if (typeof (v as { indicatorId?: unknown })?.indicatorId === 'number') ids.push((v as { indicatorId: number }).indicatorId);
  }
  return ids;
}

/**
 * The latest audit lines, each report line with the names of the indicators it holds values of, so
 * describeAudit (shared/audit.ts) says 技能脱贫培训:120 → 150 and not a stored id.
 */
export async function auditViews(ctx: Ctx, req: { limit?: number | undefined }): Promise<AuditView[]> {
  const lines = await listAudit(ctx.db, { limit: req.limit ?? 500 });
  const ids = [...new Set(lines.flatMap(indicatorIdsOf))];
  if (ids.length === 0) return lines;
  const names = new Map<number, string>();
  // In chunks: SQLite limits the parameters of one statement.
  for (let k = 0; k < ids.length; k += 500) {
    const rows = await ctx.db.selectFrom('indicators').select(['id', 'name']).where('id', 'in', ids.slice(k, k + 500)).execute();
    for (const r of rows) names.set(r.id, r.name);
  }
  return lines.map((line) => {
    const own = indicatorIdsOf(line);
    return own.length === 0 ? line : { ...line, indicators: Object.fromEntries(own.filter((id) => names.has(id)).map((id) => [String(id), names.get(id)!])) };
  });
}
