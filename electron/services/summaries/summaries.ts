import { indicatorFields, type Light, type TaskStatus } from '../../../shared/domain';
import { officeTarget } from '../../../shared/levels';
import { rollupBasis, rollupDataSchema, type RollupData } from '../../../shared/rollup';
import { listOffices, loadQuotas } from '../../../db/queries/levels';
import { listRollups } from '../../../db/queries/rollups';
import { completion, gapPoints, indicatorLight, meanCompletion, taskLight, timeProgress, type Thresholds } from '../../../shared/rules/progress';
import { isOverdue, reportTiming, type ReportTiming } from '../../../shared/rules/periods';
import type { PeriodId } from '../../../shared/domain';
import { headlineOf, isBehind, type Headline } from '../../../shared/rules/headline';
import type { AreaPart, CategorySummary, IndicatorSummary, PeriodSummaryHeader, ReportState, TaskSummary, UnitSummary } from '../../../shared/summaries';
import type { IndicatorModel, PeriodRow, PlanModel, TaskModel } from '../../../db/queries/plan';
import { isComplete, listReports, type Report } from '../../../db/queries/reports';
import { activePlan, thresholdsOf, today, type Ctx } from '../context';
import { resolvePeriod } from '../entry/entry';
import { unitStarts } from '../entry/starts';

/** A subordinate office's current roll-up of the period, as stored. */
export interface ReceivedRollup {
  readonly revision: number;
  readonly receivedOn: string | null;
  readonly data: RollupData;
}

/** A subordinate office (县区) of this one, with its current roll-up of the period and the quotas it is held to. */
export interface SubOffice {
  readonly id: number;
  readonly name: string;
  /** Null while none came in (or a stored one is not of the shape this code knows). */
  readonly rollup: ReceivedRollup | null;
  /** Its target of an indicator by indicator id (officeTarget: null = 无任务). */
  target(i: IndicatorModel): number | null;
}

/**
 * The office's area: its subordinate offices and the quotas 本级 and each office are held to. The same for
 * every period of the plan, so a caller going over several periods reads it once.
 */
export interface Area {
  readonly offices: readonly { readonly id: number; readonly name: string }[];
  /** The target of an indicator for 本级 (null) or an office (its id): officeTarget of its quota, null = 无任务. */
  target(i: IndicatorModel, officeId: number | null): number | null;
}

/** Everything one period's summaries are computed from, read once. */
export interface PeriodData {
  readonly plan: PlanModel;
  readonly period: PeriodRow;
  readonly thresholds: Thresholds;
  /** report by `${unitId}:${taskId}` */
  readonly reports: ReadonlyMap<string, Report>;
  /** Today by the injected clock: before the period's due date has passed, nothing missing is 未报送 yet. */
  readonly today: string;
  /** The period each unit set up or added mid-year starts from (unit id → period); the others start with the plan. */
  readonly starts: ReadonlyMap<number, PeriodId>;
  readonly area: Area;
  /** The office's subordinate offices (none for a unit, or an office without 县区), in their order. */
  readonly offices: readonly SubOffice[];
}

/** What a caller going over several periods has already read, so each period costs one query for its reports (and roll-ups). */
export interface KnownData {
  readonly plan?: PlanModel;
  readonly thresholds?: Thresholds;
  readonly starts?: ReadonlyMap<number, PeriodId>;
  readonly area?: Area;
}

/** A period's data; `known` is what the caller has already read (the plan, the thresholds, the starts, the area). */
export async function loadPeriodData(ctx: Ctx, period: string | PeriodRow, known: KnownData = {}): Promise<PeriodData> {
  const p = known.plan ?? (await activePlan(ctx));
  const row = typeof period === 'string' ? await resolvePeriod(ctx, p, period) : period;
  const reports = await listReports(ctx.db, row.id);
  const area = known.area ?? (await loadArea(ctx, p));
  return {
    plan: p, period: row, thresholds: known.thresholds ?? (await thresholdsOf(ctx)),
    reports: new Map(reports.map((r) => [`${r.unitId}:${r.taskId}`, r])),
    today: today(ctx), starts: known.starts ?? (await unitStarts(ctx.db, p.id)),
    area, offices: await subOffices(ctx, area, row.period),
  };
}

/** The office's subordinate offices and the one quota lookup of 本级 and each of them. */
export async function loadArea(ctx: Ctx, plan: PlanModel): Promise<Area> {
  const offices = await listOffices(ctx.db);
  const { quotas } = await loadQuotas(ctx.db, plan.id);
  const quotaOf = new Map(quotas.map((q) => [`${q.indicatorId}:${q.officeId ?? 'own'}`, q.value]));
  return {
    offices: offices.map((o) => ({ id: o.id, name: o.name })),
    target: (i, officeId) => officeTarget(i, quotaOf.get(`${i.id}:${officeId ?? 'own'}`) ?? null),
  };
}

/** The area's offices with their roll-ups of the period (one more query only where it has any). */
async function subOffices(ctx: Ctx, area: Area, period: string): Promise<SubOffice[]> {
  const offices = area.offices;
  if (offices.length === 0) return [];
  const stored = new Map((await listRollups(ctx.db, period)).map((r) => [r.officeId, r]));
  return offices.map((o) => {
    const r = stored.get(o.id);
    // A stored row is parsed again: it is never trusted to be of the shape this code knows.
    const parsed = r ? rollupDataSchema.safeParse(JSON.parse(r.data)) : null;
    return {
      id: o.id, name: o.name,
      rollup: r && parsed?.success ? { revision: r.revision, receivedOn: r.receivedOn, data: parsed.data } : null,
      target: (i: IndicatorModel) => area.target(i, o.id),
    };
  });
}

/** An office's figure of an indicator from its roll-up (by the plan's task and indicator numbers); null: none. */
export function rollupValue(o: SubOffice, task: TaskModel, indicator: IndicatorModel): { readonly value: number | null; readonly units: number } | null {
  return o.rollup?.data.indicators.find((x) => x.task === task.no && x.indicator === indicator.no) ?? null;
}

/** A sum of figures, rounded as stored figures are (1e-6), so 0.1 + 0.2 reads 0.3; null when none is present. */
export function sumOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.round(present.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
}

/** Whether a unit owes this period at all: not for periods before the one it started from. */
export function owesPeriod(d: PeriodData, unitId: number): boolean {
  const start = d.starts.get(unitId);
  return start === undefined || start <= d.period.period;
}

/**
 * Whether a unit's missing report of this period is 未报送 (red) now: it owes the period and the due date
 * has passed. On the due date itself the unit still has the day.
 */
export function owedNow(d: PeriodData, unitId: number): boolean {
  return owesPeriod(d, unitId) && isOverdue(d.period.dueOn, d.today);
}

export function header(d: PeriodData): PeriodSummaryHeader {
  return {
    planId: d.plan.id, planTitle: d.plan.title, period: d.period.period, frequency: d.plan.frequency, month: d.period.month,
    dueOn: d.period.dueOn, timeProgress: timeProgress(d.period.month),
  };
}

/** A period's header, unit and task summaries and headline: what the workbook and the bulletin start from. */
export function periodFigures(d: PeriodData): { head: PeriodSummaryHeader; units: UnitSummary[]; tasks: TaskSummary[]; headline: Headline } {
  const head = header(d);
  const units = summaryByUnit(d);
  const tasks = summaryByTask(d);
  return { head, units, tasks, headline: headlineOf(head, units, tasks) };
}

export { isComplete };

/** A report's value of one indicator; null when not reported. */
export function valueOf(r: Report | undefined, indicatorId: number): number | null {
  return r?.values.find((v) => v.indicatorId === indicatorId)?.value ?? null;
}

/** An indicator's figures for a value (null: not reported) in a month; the light is judged by the caller. */
export function indicatorSummary(i: IndicatorModel, value: number | null, month: number, light: Light): IndicatorSummary {
  return {
    ...indicatorFields(i), value,
    completion: value === null ? null : completion(i, value),
    gapPoints: value === null ? null : gapPoints(i, value, month),
    light,
  };
}

function unitTaskLight(d: PeriodData, task: TaskModel, r: Report | undefined, owed: boolean): Light {
  if (!r && !owed) return 'none';
  return taskLight(
    {
      status: r ? r.status ?? '未开始' : null,
      indicators: task.indicators.map((i) => ({ target: i, value: valueOf(r, i.id) })),
    },
    d.period.month,
    d.thresholds,
  );
}

/**
 * The unit-by-unit summary: every reporting unit of the plan in the fixed order, including units
 * that sent nothing. Counts are of the unit's lead tasks.
 * @example summaryByUnit(await loadPeriodData(ctx, '2019-06'))
 */
export function summaryByUnit(d: PeriodData): UnitSummary[] {
  const out: UnitSummary[] = [];
  let seq = 0;
  for (const unit of d.plan.units) {
    if (unit.kind !== 'unit') continue;
    const lead = d.plan.tasks.filter((t) => t.leadUnitIds.includes(unit.id));
    const co = d.plan.tasks.filter((t) => t.coUnitIds.includes(unit.id));
    const owes = owesPeriod(d, unit.id);
    const owed = owes && isOverdue(d.period.dueOn, d.today);
    const counts: Record<ReportTiming, number> = { onTime: 0, late: 0, missing: 0, waiting: 0 };
    let green = 0, yellow = 0, red = 0, indicatorsReported = 0, indicatorsBehind = 0;
    let receivedOn: string | null = null;
    const completions: number[] = [];
    for (const task of lead) {
      const r = d.reports.get(`${unit.id}:${task.id}`);
      const complete = isComplete(task, r);
      // A period the unit does not owe counts only what it did report in full.
      if (complete || owes) counts[reportTiming(complete ? r : null, d.period.dueOn, d.today)]++;
      if (complete && r.receivedOn !== null && (receivedOn === null || r.receivedOn > receivedOn)) receivedOn = r.receivedOn;
      const light = unitTaskLight(d, task, r, owed);
      if (light === 'green') green++;
      else if (light === 'yellow') yellow++;
      else if (light === 'red') red++;
      for (const i of task.indicators) {
        const v = valueOf(r, i.id);
        // A unit that does not owe the period yet weighs only with what it did report.
        if (v !== null || owes) completions.push(v === null ? 0 : completion(i, v));
        if (v === null) continue;
        indicatorsReported++;
        if (isBehind(i, v, d.period.month)) indicatorsBehind++;
      }
    }
    const { onTime, late, missing, waiting } = counts;
    const done = onTime + late;
    const state: ReportState = lead.length === 0 ? '无牵头任务'
      : done === lead.length ? '已报送'
        : done > 0 ? '部分报送'
          : !owes ? '未起报'
            : owed ? '未报送' : '待报送';
    out.push({
      unit: unit.name, seq: ++seq, leadTasks: lead.length, coTasks: co.length, due: owes ? lead.length : 0,
      onTime, late, missing, waiting, completion: meanCompletion(completions), indicatorsReported, indicatorsBehind, green, yellow, red, state,
      receivedOn, dueOn: d.period.dueOn,
    });
  }
  return out;
}

/** Combined status of a task's lead reports: 已完成 only when every lead unit says so. */
function combinedStatus(reports: readonly (Report | undefined)[]): TaskStatus | null {
  const present = reports.filter((r): r is Report => r !== undefined && r.status !== null);
  if (present.length === 0) return null;
  if (present.length === reports.length && present.every((r) => r.status === '已完成')) return '已完成';
  return present.some((r) => r.status !== '未开始') ? '推进中' : '未开始';
}

function joinNarrative(parts: readonly { unit: string; text: string }[]): string {
  const filled = parts.filter((p) => p.text.trim() !== '');
  if (filled.length <= 1) return filled[0]?.text ?? '';
  return filled.map((p) => `【${p.unit}】${p.text}`).join('\n');
}

/**
 * Task by task for the office's whole area (全市, 全县): where it has subordinate offices, a cumulative
 * indicator's figure is 本级's plus each office's from its current 汇总包, judged against the plan's target
 * for the whole area: the total `summary --by office` shows and the figure the office's own 汇总包 sends up,
 * so no view judges 本级's share alone against the whole area's target. Any other kind stays 本级's lead
 * unit's figure (never an average of offices). Status and narratives are 本级's lead units'.
 * Without subordinate offices it is ownTaskSummaries.
 */
export function summaryByTask(d: PeriodData): TaskSummary[] {
  const own = ownTaskSummaries(d);
  if (d.offices.length === 0) return own;
  const month = d.period.month;
  return own.map((t, k) => {
    const task = d.plan.tasks[k]!;
    if (!task.indicators.some((i) => rollupBasis(i.kind) === 'sum')) return t;
    const owed = task.leadUnitIds.some((u) => owedNow(d, u));
    const nothingOwn = task.leadUnitIds.every((u) => !d.reports.has(`${u}:${task.id}`));
    const indicators = t.indicators.map((s, j): IndicatorSummary => {
      const i = task.indicators[j]!;
      if (rollupBasis(i.kind) !== 'sum') return s;
      const figures = d.offices.map((o) => ({ owes: o.target(i) !== null, value: rollupValue(o, task, i)?.value ?? null }));
      // No office has a share of it or sent a figure: the area's figure is 本级's, nothing to show beside it.
      if (figures.every((f) => !f.owes && f.value === null)) return s;
      const fromOffices = sumOf(figures.map((f) => f.value));
      const value = sumOf([s.value, ...figures.map((f) => f.value)]);
      const area: AreaPart = {
        own: s.value, offices: fromOffices,
        owing: figures.filter((f) => f.owes).length, reported: figures.filter((f) => f.owes && f.value !== null).length,
        unshared: figures.filter((f) => !f.owes && f.value !== null).length,
      };
      // 本级 owes the period and sent nothing: red as before, whatever the offices sent.
      const light: Light = value === null || (nothingOwn && owed) ? s.light : indicatorLight(i, value, month, d.thresholds);
      return { ...indicatorSummary(i, value, month, light), area };
    });
    const light = t.status === null && !owed ? 'none' : taskLight(
      { status: t.status, indicators: task.indicators.map((i, j) => ({ target: i, value: indicators[j]!.value })) }, month, d.thresholds,
    );
    return { ...t, indicators, light, completion: meanCompletion(indicators.map((i) => i.completion ?? 0)) };
  });
}

/**
 * Task by task, 本级 alone: the office's own units. With several lead units, additive figures are the sum of
 * the lead units' own values; a rate is never summed or averaged: the primary (first-named) lead's value stands.
 * Cooperating units' figures are contributions already inside the lead's, so never added.
 */
export function ownTaskSummaries(d: PeriodData): TaskSummary[] {
  const unitName = new Map(d.plan.units.map((u) => [u.id, u.name]));
  const catName = new Map(d.plan.categories.map((c) => [c.id, `${c.no}、${c.name}`]));
  return d.plan.tasks.map((task) => {
    const leadReports = task.leadUnitIds.map((u) => d.reports.get(`${u}:${task.id}`));
    const owed = task.leadUnitIds.some((u) => owedNow(d, u));
    const complete = leadReports.filter((r) => isComplete(task, r));
    const status = combinedStatus(leadReports);
    const indicators: IndicatorSummary[] = task.indicators.map((i) => {
      const values = leadReports.map((r) => valueOf(r, i.id));
      let value: number | null;
      if (i.additive) {
        const present = values.filter((v): v is number => v !== null);
        value = present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
      } else {
        value = values.find((v) => v !== null) ?? null;
      }
      const light = leadReports.every((r) => r === undefined) ? (owed ? 'red' : 'none') : indicatorLight(i, value, d.period.month, d.thresholds);
      return indicatorSummary(i, value, d.period.month, light);
    });
    const light = status === null && !owed ? 'none' : taskLight(
      { status, indicators: task.indicators.map((i, k) => ({ target: i, value: indicators[k]!.value })) },
      d.period.month,
      d.thresholds,
    );
    const narrative = (pick: (r: Report) => string) =>
      joinNarrative(task.leadUnitIds.map((u, k) => ({ unit: unitName.get(u) ?? '', text: leadReports[k] ? pick(leadReports[k]!) : '' })));
    return {
      no: task.no, title: task.title, category: catName.get(task.categoryId) ?? '',
      leadUnits: task.leadUnitIds.map((u) => unitName.get(u) ?? ''),
      coUnits: task.coUnitIds.map((u) => unitName.get(u) ?? ''),
      reportedLeads: complete.length, totalLeads: task.leadUnitIds.length, owingLeads: task.leadUnitIds.filter((u) => owesPeriod(d, u)).length,
      overdueLeads: task.leadUnitIds.filter((u) => owedNow(d, u)).length, status,
      indicators,
      completion: meanCompletion(indicators.map((i) => i.completion ?? 0)),
      light,
      progress: narrative((r) => r.progress),
      problems: narrative((r) => r.problems),
      nextSteps: narrative((r) => r.nextSteps),
    };
  });
}

/** Category by category, from the task summaries. */
export function summaryByCategory(d: PeriodData, tasks: readonly TaskSummary[] = summaryByTask(d)): CategorySummary[] {
  const notIn = reportTiming(null, d.period.dueOn, d.today);
  return d.plan.categories.map((c) => {
    const label = `${c.no}、${c.name}`;
    const mine = tasks.filter((t) => t.category === label);
    // A task none of whose lead units has started (未起报) is owed by nobody yet.
    const unreported = mine.filter((t) => t.reportedLeads === 0 && t.owingLeads > 0).length;
    const completions = mine.flatMap((t) => t.indicators.map((i) => i.completion ?? 0));
    return {
      no: c.no, name: c.name, tasks: mine.length, indicators: completions.length,
      completion: meanCompletion(completions),
      green: mine.filter((t) => t.light === 'green').length,
      yellow: mine.filter((t) => t.light === 'yellow').length,
      red: mine.filter((t) => t.light === 'red').length,
      missing: notIn === 'missing' ? unreported : 0,
      waiting: notIn === 'waiting' ? unreported : 0,
    };
  });
}
