/**
 * An office's figures for a period as one area (逐级汇总): its own units' reports (本级) and, where it has
 * subordinate offices, their current roll-ups. The one place both the 汇总包 it sends up (rollup.ts) and
 * the parent's view of its offices (summaryByOffice) are computed, so what a county sends and what the city
 * sees of it are the same numbers.
 *
 * Cumulative indicators are summed (本级's lead units, plus every office's roll-up); any other kind is the
 * lead unit's own figure, never an average of units or offices. A blank quota (无任务) is no target: the
 * indicator is left out of that office's completion and lights, never judged against 0.
 */
import { ownLabel } from '../../../shared/levels';
import { reportTiming, type ReportTiming } from '../../../shared/rules/periods';
import { completion, meanCompletion, taskLight, type IndicatorTarget } from '../../../shared/rules/progress';
import { isBehind } from '../../../shared/rules/headline';
import { gapText } from '../../../shared/format';
import { rollupBasis, type ByOfficeView, type OfficeFigure, type OfficeTaskRow, type OfficeStanding, type RollupCompleteness, type RollupData, type RollupLagging, type RollupTask } from '../../../shared/rollup';
import type { PeriodSummaryHeader, TaskSummary, UnitSummary } from '../../../shared/summaries';
import type { IndicatorModel, TaskModel } from '../../../db/queries/plan';
import { parentNames } from './offices';
import type { TaskStatus } from '../../../shared/domain';
import { officeName, type Ctx } from '../context';
import { header, indicatorSummary, isComplete, loadPeriodData, owedNow, ownTaskSummaries, rollupValue, summaryByUnit, sumOf, valueOf, type PeriodData, type SubOffice } from '../summaries/summaries';

/** One indicator for the whole area. */
export interface AreaIndicator {
  readonly task: TaskModel;
  readonly indicator: IndicatorModel;
  readonly basis: 'sum' | 'lead';
  /** 本级: the sum of the office's own lead units' values, or its primary lead's value. */
  readonly own: number | null;
  readonly ownUnits: number;
  /** Each subordinate office's figure from its roll-up, in the office order (null: none came in). */
  readonly offices: readonly (number | null)[];
  /** The area's figure: 本级 + offices for `sum`, 本级's own for `lead`. */
  readonly value: number | null;
  /** How many units' values `value` holds, down every level. */
  readonly units: number;
}

export interface AreaFigures {
  readonly data: PeriodData;
  readonly head: PeriodSummaryHeader;
  readonly officeName: string;
  /** The office's own units as its summaries show them, and 本级's own tasks (ownTaskSummaries: no office's figures in them). */
  readonly units: readonly UnitSummary[];
  readonly tasks: readonly TaskSummary[];
  readonly offices: readonly SubOffice[];
  readonly indicators: readonly AreaIndicator[];
}

/**
 * The area's figures for a period, read once; `loaded` is the period's data when the caller has it already (the
 * workbook, the bulletin), so it is not read a second time.
 * @example (await areaFigures(ctx, '2019-06')).indicators[0] // { basis: 'sum', own: 120, offices: [40, null, …], value: 160, … }
 */
export async function areaFigures(ctx: Ctx, period: string, loaded?: PeriodData): Promise<AreaFigures> {
  const data = loaded ?? await loadPeriodData(ctx, period);
  const head = header(data);
  const units = summaryByUnit(data);
  // 本级's own tasks: the area's figures are made from them here (summaryByTask is the area's view of them).
  const tasks = ownTaskSummaries(data);
  const withRollups = data.offices;
  const summaryOf = new Map(tasks.map((t) => [t.no, t]));
  const indicators: AreaIndicator[] = [];
  for (const task of data.plan.tasks) {
    const leadReports = task.leadUnitIds.map((u) => data.reports.get(`${u}:${task.id}`));
    task.indicators.forEach((indicator, k) => {
      const basis = rollupBasis(indicator.kind);
      const own = summaryOf.get(task.no)!.indicators[k]!.value;
      const leadValues = leadReports.map((r) => valueOf(r, indicator.id));
      const ownUnits = basis === 'sum' ? leadValues.filter((v) => v !== null).length : own === null ? 0 : 1;
      const fromOffices = withRollups.map((o) => rollupValue(o, task, indicator));
      const officeValues = fromOffices.map((f) => f?.value ?? null);
      indicators.push({
        task, indicator, basis, own, ownUnits, offices: officeValues,
        value: basis === 'sum' ? sumOf([own, ...officeValues]) : own,
        units: basis === 'sum' ? ownUnits + fromOffices.reduce((n, f) => n + (f?.value === null || !f ? 0 : f.units), 0) : ownUnits,
      });
    });
  }
  return { data, head, officeName: await officeName(ctx), units, tasks, offices: withRollups, indicators };
}

/** The indicator as an office is held to it: its own target (a quota) in place of the plan's. */
function heldTo(i: IndicatorModel, target: number): IndicatorTarget {
  if (target === i.target) return i;
  return { ...i, target, targetMax: null, comparator: i.comparator === 'range' ? '>=' : i.comparator };
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * What the office sends its parent for the period (the data of its 汇总包): the area's figures, each task's
 * status and narrative from its lead unit, its units' reporting completeness and its lagging items.
 * @example rollupDataOf(await areaFigures(ctx, '2019-06'), { name: '郎溪县', publicKey })
 */
export function rollupDataOf(f: AreaFigures, office: { readonly name: string; readonly publicKey: string }): RollupData {
  const month = f.head.month;
  const { thresholds } = f.data;
  const reporting = f.units.filter((u) => u.state !== '无牵头任务');
  const count = (k: keyof RollupCompleteness & keyof UnitSummary) => reporting.reduce((n, u) => n + u[k], 0);
  const byTask = new Map<number, AreaIndicator[]>();
  for (const a of f.indicators) byTask.set(a.task.no, [...(byTask.get(a.task.no) ?? []), a]);
  const tasks: RollupTask[] = f.tasks.map((t) => ({
    task: t.no,
    lead: t.leadUnits.length === 0 ? null : clip(t.leadUnits.join('、'), 200),
    status: t.status,
    progress: clip(t.progress, 4000), problems: clip(t.problems, 4000), nextSteps: clip(t.nextSteps, 4000),
    light: taskLight({ status: t.status, indicators: (byTask.get(t.no) ?? []).map((a) => ({ target: a.indicator, value: a.value })) }, month, thresholds),
  }));
  const lagging: RollupLagging[] = [];
  f.data.plan.tasks.forEach((task, k) => {
    const t = f.tasks[k]!;
    const leads = t.leadUnits.join('、') || f.officeName;
    // Lagging only once the due date has passed: before then what is not in is 待报, not 未报送 (nor for a unit not started yet).
    const unreported = t.leadUnits.filter((_, j) => owedNow(f.data, task.leadUnitIds[j]!) && !isComplete(task, f.data.reports.get(`${task.leadUnitIds[j]}:${task.id}`)));
    if (unreported.length > 0) lagging.push({ task: t.no, indicator: null, unit: clip(unreported.join('、'), 200), reason: '未报送' });
    for (const a of byTask.get(t.no) ?? []) {
      if (a.value === null || !isBehind(a.indicator, a.value, month)) continue;
      const words = gapText(indicatorSummary(a.indicator, a.value, month, 'none'));
      lagging.push({ task: t.no, indicator: a.indicator.no, unit: clip(leads, 200), reason: clip(`${a.indicator.name}${words}`, 400) });
    }
  });
  return {
    office,
    period: f.head.period,
    completeness: { units: reporting.length, due: count('due'), onTime: count('onTime'), late: count('late'), missing: count('missing'), waiting: count('waiting') },
    indicators: f.indicators.map((a) => ({ task: a.task.no, indicator: a.indicator.no, target: a.indicator.target, value: a.value, basis: a.basis, units: a.units })),
    tasks,
    lagging,
  };
}

/** One column (本级 or an office) of the by-office view, task by task. */
interface Column {
  readonly name: string;
  readonly own: boolean;
  readonly revision: number | null;
  readonly receivedOn: string | null;
  /** A task's status as the column reported it: null when nothing came in for it (red, as a unit's unreported task). */
  status(task: TaskModel): TaskStatus | null;
  /** The column's report of the task in full, with the date it came in (null: none recorded); null while not in full. */
  reported(task: TaskModel): { readonly receivedOn: string | null } | null;
  value(a: AreaIndicator): number | null;
  target(i: IndicatorModel): number | null;
  /** The lead unit's narrative of the task, as the column has it. */
  narrative(task: TaskModel): Pick<OfficeTaskRow, 'progress' | 'problems' | 'nextSteps'>;
}

function standing(f: AreaFigures, c: Column): OfficeStanding {
  const month = f.head.month;
  const counts: Record<ReportTiming, number> = { onTime: 0, late: 0, missing: 0, waiting: 0 };
  let due = 0, green = 0, yellow = 0, red = 0;
  const completions: number[] = [];
  const tasks: OfficeTaskRow[] = [];
  const byTask = new Map<number, AreaIndicator[]>();
  for (const a of f.indicators) byTask.set(a.task.id, [...(byTask.get(a.task.id) ?? []), a]);
  for (const task of f.data.plan.tasks) {
    const held = (byTask.get(task.id) ?? []).flatMap((a) => {
      const target = c.target(a.indicator);
      return target === null ? [] : [{ target: heldTo(a.indicator, target), value: c.value(a) }];
    });
    // Every indicator 无任务: the office owes nothing of the task.
    if (task.indicators.length > 0 && held.length === 0) continue;
    due++;
    const reported = reportTiming(c.reported(task), f.data.period.dueOn, f.data.today);
    counts[reported]++;
    const status = c.status(task);
    // Nothing in yet and not due yet: no light, as for a unit (a task due and not reported is red).
    const light = reported === 'waiting' && status === null ? 'none' : taskLight({ status, indicators: held }, month, f.data.thresholds);
    tasks.push({ task: task.no, title: task.title, status, reported, light, ...c.narrative(task) });
    if (light === 'green') green++;
    else if (light === 'yellow') yellow++;
    else if (light === 'red') red++;
    for (const h of held) completions.push(h.value === null ? 0 : completion(h.target, h.value));
  }
  return { office: c.name, own: c.own, revision: c.revision, receivedOn: c.receivedOn, due, ...counts, completion: meanCompletion(completions), green, yellow, red, tasks };
}

/**
 * The parent's view of its subordinate offices for a period: each office against its quotas from its current
 * roll-up (an office with none is all missing and red), 本级 from the office's own units, and per indicator
 * the area's figure (本级 + offices for a cumulative one).
 * @example (await summaryByOffice(ctx, '2019-06')).offices.map((o) => o.office) // ['宣州区', '郎溪县', …]
 */
export async function summaryByOffice(ctx: Ctx, period: string, loaded?: PeriodData): Promise<ByOfficeView> {
  const f = await areaFigures(ctx, period, loaded);
  const targetOf = f.data.area.target;
  const taskSummary = new Map(f.tasks.map((t) => [t.no, t]));

  const ownColumn: Column = {
    name: ownLabel(f.officeName), own: true, revision: null, receivedOn: null,
    status: (task) => (task.leadUnitIds.some((u) => f.data.reports.has(`${u}:${task.id}`)) ? taskSummary.get(task.no)!.status ?? '未开始' : null),
    reported: (task) => {
      const reports = task.leadUnitIds.map((u) => f.data.reports.get(`${u}:${task.id}`));
      if (!reports.every((r) => isComplete(task, r))) return null;
      // In full once the last lead's report came in: late if that one was.
      const dates = reports.flatMap((r) => (r?.receivedOn ? [r.receivedOn] : []));
      return { receivedOn: dates.length === 0 ? null : dates.reduce((a, b) => (b > a ? b : a)) };
    },
    value: (a) => a.own,
    target: (i) => targetOf(i, null),
    narrative: (task) => {
      const t = taskSummary.get(task.no)!;
      return { progress: t.progress, problems: t.problems, nextSteps: t.nextSteps };
    },
  };
  const officeColumns = f.offices.map((o, k): Column => {
    const r = o.rollup;
    const taskOf = (task: TaskModel) => r?.data.tasks.find((t) => t.task === task.no);
    return {
      name: o.name, own: false, revision: r?.revision ?? null, receivedOn: r?.receivedOn ?? null,
      status: (task) => taskOf(task)?.status ?? null,
      reported: (task) => {
        const complete = r !== null && (taskOf(task)?.status ?? null) !== null
          && task.indicators.every((i) => targetOf(i, o.id) === null || f.indicators.find((a) => a.indicator.id === i.id)!.offices[k] !== null);
        return complete ? { receivedOn: r.receivedOn } : null;
      },
      value: (a) => a.offices[k] ?? null,
      target: (i) => targetOf(i, o.id),
      narrative: (task) => {
        const t = taskOf(task);
        return { progress: t?.progress ?? '', problems: t?.problems ?? '', nextSteps: t?.nextSteps ?? '' };
      },
    };
  });
  const figure = (c: Column, a: AreaIndicator): OfficeFigure => ({ target: c.target(a.indicator), value: c.value(a) });
  return {
    head: f.head,
    parent: await parentNames(ctx),
    own: standing(f, ownColumn),
    offices: officeColumns.map((c) => standing(f, c)),
    indicators: f.indicators.map((a) => ({
      task: a.task.no, indicator: a.indicator.no, name: a.indicator.name, unit: a.indicator.unit, kind: a.indicator.kind, basis: a.basis,
      target: a.indicator.target, own: figure(ownColumn, a), offices: officeColumns.map((c) => figure(c, a)), total: a.value,
    })),
  };
}
