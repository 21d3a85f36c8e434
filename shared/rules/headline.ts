/**
 * The headline figures of a period (总体情况), from the unit and task summaries: what the summary
 * workbook's first sheet and the renderer's overview both show. Pure TypeScript.
 */
import type { PeriodSummaryHeader, TaskSummary, UnitSummary } from '../summaries';
import { meanCompletion, scheduleClass, type ScheduleClass } from './progress';

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
  /** Names of units that sent nothing, and of units with at least one late report, in the fixed order. */
  readonly missingUnitNames: readonly string[];
  readonly partialUnitNames: readonly string[];
  readonly lateUnitNames: readonly string[];
  /** Lead-task reports due, and how they came in. */
  readonly due: number;
  readonly onTime: number;
  readonly late: number;
  readonly missing: number;
  /** Task lights. */
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  /** Overall completion: the mean of the units' completions (units with lead indicators), 0…1. */
  readonly completion: number | null;
  /** Overall completion against 序时进度, in percentage points (negative = behind). */
  readonly gapPoints: number | null;
  /** Indicators with a value, by 超进度 / 达进度 / 欠进度 / 已完成. */
  readonly schedule: Readonly<Record<ScheduleClass, number>>;
  /** Indicators with no value reported yet. */
  readonly noValue: number;
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
 * @example headlineOf(header(d), summaryByUnit(d), summaryByTask(d)).schedule['欠进度']
 */
export function headlineOf(h: PeriodSummaryHeader, units: readonly UnitSummary[], tasks: readonly TaskSummary[]): Headline {
  const leading = units.filter((u) => u.leadTasks > 0);
  const schedule: Record<ScheduleClass, number> = { 超进度: 0, 达进度: 0, 欠进度: 0, 已完成: 0 };
  let noValue = 0;
  for (const t of tasks) {
    for (const i of t.indicators) {
      if (i.value === null) noValue++;
      else schedule[scheduleClass(i, i.value, h.month)]++;
    }
  }
  const completion = overallCompletion(units);
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
    missingUnitNames: leading.filter((u) => u.state === '未报送').map((u) => u.unit),
    partialUnitNames: leading.filter((u) => u.state === '部分报送').map((u) => u.unit),
    lateUnitNames: leading.filter((u) => u.late > 0).map((u) => u.unit),
    due: sum((u) => u.due),
    onTime: sum((u) => u.onTime),
    late: sum((u) => u.late),
    missing: sum((u) => u.missing),
    green: tasks.filter((t) => t.light === 'green').length,
    yellow: tasks.filter((t) => t.light === 'yellow').length,
    red: tasks.filter((t) => t.light === 'red').length,
    completion,
    gapPoints: completion === null ? null : Math.round((completion - h.timeProgress) * 10000) / 100,
    schedule,
    noValue,
  };
}
