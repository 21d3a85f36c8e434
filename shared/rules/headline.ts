/**
 * The headline figures of a period (总体情况), from the unit and task summaries: what the summary
 * workbook's first sheet and the renderer's overview both show. Pure TypeScript.
 */
import type { IndicatorSummary, PeriodSummaryHeader, TaskSummary, UnitSummary } from '../summaries';
import { meanCompletion, scheduleClass } from './progress';

/**
 * 量化指标任务 counted as the office's bulletins count them ("量化指标任务N项,达到序时进度M项,占比P%,
 * 其中K项已完成;未达到序时进度J项"), each indicator judged in its own terms (scheduleClass).
 */
export interface ScheduleCounts {
  /** N: the quantitative indicators with a reported value; one not reported yet is in `noValue`, not here. */
  readonly total: number;
  /** M: at or ahead of what is due (a cumulative share against 序时进度, a level or growth figure its target, a milestone not overdue). */
  readonly onSchedule: number;
  /** K: of those, done for the year. */
  readonly done: number;
  /** J = N − M: behind (进展情况占比低于序时进度或增幅低于目标任务). */
  readonly behind: number;
  /** M / N, or null when nothing is reported. */
  readonly share: number | null;
  /** Indicators with no value reported yet. */
  readonly noValue: number;
}

/** An indicator of a task that is behind in its own terms (欠进度), with the task it belongs to. */
export interface BehindIndicator {
  readonly task: TaskSummary;
  readonly indicator: IndicatorSummary & { readonly value: number };
}

/**
 * Whether an indicator with a value is behind in its own terms: the one test the bulletin, the
 * workbook's 滞后事项 and the counts share.
 * @example isBehind({ kind: 'level', comparator: '>=', target: 95, unit: '%', … }, 93, 6) // true
 */
export function isBehind(i: Parameters<typeof scheduleClass>[0], value: number, month: number): boolean {
  return scheduleClass(i, value, month) === '欠进度';
}

/**
 * The counts of a period's indicators, from the task summaries (the task figure of each indicator):
 * the bulletin's 总体情况, the workbook's 总体情况 and the dashboard's headline all take them from here.
 * @example scheduleCounts(summaryByTask(d), 6) // { total: 40, onSchedule: 31, done: 4, behind: 9, share: 0.775, noValue: 22 }
 */
export function scheduleCounts(tasks: readonly Pick<TaskSummary, 'indicators' | 'owingLeads'>[], month: number): ScheduleCounts {
  let total = 0, onSchedule = 0, done = 0, noValue = 0;
  for (const t of tasks) {
    for (const i of t.indicators) {
      if (i.value === null) {
        // Not yet owed by any lead unit (未起报): not a figure missing.
        if (t.owingLeads > 0) noValue++;
        continue;
      }
      total++;
      const c = scheduleClass(i, i.value, month);
      if (c === '欠进度') continue;
      onSchedule++;
      if (c === '已完成') done++;
    }
  }
  return { total, onSchedule, done, behind: total - onSchedule, share: total === 0 ? null : onSchedule / total, noValue };
}

/**
 * The indicators behind in their own terms, task by task in plan order.
 * @example behindIndicators(summaryByTask(d), 6).map((b) => b.indicator.name)
 */
export function behindIndicators(tasks: readonly TaskSummary[], month: number): BehindIndicator[] {
  return tasks.flatMap((task) => task.indicators.flatMap((i) =>
    i.value !== null && isBehind(i, i.value, month) ? [{ task, indicator: { ...i, value: i.value } }] : []));
}

export interface Headline {
  readonly period: string;
  readonly month: number;
  readonly dueOn: string;
  /** 序时进度, 0…1 */
  readonly timeProgress: number;
  readonly tasks: number;
  /** Tasks with at least one quantitative indicator; the others are judged by status. */
  readonly tasksWithIndicators: number;
  readonly indicators: number;
  /** Reporting units of the plan, and those that lead at least one task. */
  readonly units: number;
  readonly leadUnits: number;
  /** Units by report state (units with lead tasks only). */
  readonly unitsReported: number;
  readonly unitsPartial: number;
  readonly unitsMissing: number;
  /** Units with nothing in while the due date has not passed (待报送): not 未报送 yet. */
  readonly unitsWaiting: number;
  /** Names of units that sent nothing, and of units with at least one late report, in the fixed order. */
  readonly missingUnitNames: readonly string[];
  readonly partialUnitNames: readonly string[];
  readonly lateUnitNames: readonly string[];
  /** Lead-task reports due, and how they came in (onTime + late + missing + waiting = due). */
  readonly due: number;
  readonly onTime: number;
  readonly late: number;
  readonly missing: number;
  readonly waiting: number;
  /** Task lights. */
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  /**
   * Overall completion: the mean of the units' completions (units with lead indicators), 0…1. It
   * mixes kinds (a level's completion is value/target), so it ranks and trends but is never set
   * against 序时进度: `counts` says what is on schedule.
   */
  readonly completion: number | null;
  readonly counts: ScheduleCounts;
}

/**
 * Overall completion of a period: the mean over units that lead tasks with numbers, so every
 * unit weighs the same however many indicators it carries. The trend sheet uses the same figure.
 * @example overallCompletion([{ completion: 0.5 }, { completion: null }, { completion: 0.7 }]) // 0.6
 */
export function overallCompletion(units: readonly Pick<UnitSummary, 'completion'>[]): number | null {
  return meanCompletion(units.map((u) => u.completion).filter((c): c is number => c !== null));
}

/**
 * Headline figures of a period.
 * @example headlineOf(header(d), summaryByUnit(d), summaryByTask(d)).counts.behind
 */
export function headlineOf(h: PeriodSummaryHeader, units: readonly UnitSummary[], tasks: readonly TaskSummary[]): Headline {
  // A unit that starts later in the year (未起报) owes nothing this period and is not counted as one that should report.
  const leading = units.filter((u) => u.leadTasks > 0 && u.state !== '未起报');
  const sum = (pick: (u: UnitSummary) => number) => leading.reduce((a, u) => a + pick(u), 0);
  return {
    period: h.period, month: h.month, dueOn: h.dueOn, timeProgress: h.timeProgress,
    tasks: tasks.length,
    tasksWithIndicators: tasks.filter((t) => t.indicators.length > 0).length,
    indicators: tasks.reduce((a, t) => a + t.indicators.length, 0),
    units: units.length,
    leadUnits: leading.length,
    unitsReported: leading.filter((u) => u.state === '已报送').length,
    unitsPartial: leading.filter((u) => u.state === '部分报送').length,
    unitsMissing: leading.filter((u) => u.state === '未报送').length,
    unitsWaiting: leading.filter((u) => u.state === '待报送').length,
    missingUnitNames: leading.filter((u) => u.state === '未报送').map((u) => u.unit),
    partialUnitNames: leading.filter((u) => u.state === '部分报送').map((u) => u.unit),
    lateUnitNames: leading.filter((u) => u.late > 0).map((u) => u.unit),
    due: sum((u) => u.due),
    onTime: sum((u) => u.onTime),
    late: sum((u) => u.late),
    missing: sum((u) => u.missing),
    waiting: sum((u) => u.waiting),
    green: tasks.filter((t) => t.light === 'green').length,
    yellow: tasks.filter((t) => t.light === 'yellow').length,
    red: tasks.filter((t) => t.light === 'red').length,
    completion: overallCompletion(units),
    counts: scheduleCounts(tasks, h.month),
  };
}
