import type { IndicatorFields, Light, ReportingFrequency, TaskStatus } from './domain';
import type { TimingCounts } from './rules/periods';

/**
 * Whether a unit has reported a period: every lead task saved (status and every value), some, or none;
 * none before the due date has passed is 待报送 (the due date itself included), and none for a period
 * before the one a unit set up mid-year starts from is 未起报 (it owes nothing there).
 */
export type ReportState = '已报送' | '部分报送' | '未报送' | '待报送' | '未起报' | '无牵头任务';

/**
 * One row of the unit-by-unit summary; counts are of the unit's lead tasks for the period (`due`: none before
 * the unit's first period).
 */
export interface UnitSummary extends TimingCounts {
  readonly unit: string;
  /** Position in the fixed unit order (1-based). */
  readonly seq: number;
  readonly leadTasks: number;
  readonly coTasks: number;
  /** Mean completion (0…1) of the lead tasks' indicators; null when they have none. */
  readonly completion: number | null;
  /**
   * The unit's own lead indicators with a value, and those of them behind in their own terms: what says
   * a unit is behind, as a mean completion mixing kinds cannot be set against 序时进度.
   */
  readonly indicatorsReported: number;
  readonly indicatorsBehind: number;
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  readonly state: ReportState;
  /** Latest date the summary office received a report of this unit for the period. */
  readonly receivedOn: string | null;
  readonly dueOn: string;
}

/**
 * Where a unit stands in a period's reporting, as the dashboard and the trend count it, from its task counts:
 * late if any lead task came in late; missing if any is 未报 (the due date has passed without it); waiting while
 * what is not in yet is only 待报 (nothing in, or part of it, before the due date has passed); otherwise on time.
 * Null for a unit that leads no task or owes nothing yet (未起报).
 * @example reportingGroup({ state: '部分报送', onTime: 1, late: 0, missing: 0, waiting: 6, … }) // 'waiting'
 */
export function reportingGroup(u: UnitSummary): 'onTime' | 'late' | 'missing' | 'waiting' | null {
  if (u.state === '无牵头任务' || u.state === '未起报') return null;
  if (u.late > 0) return 'late';
  if (u.missing > 0) return 'missing';
  return u.waiting > 0 ? 'waiting' : 'onTime';
}

export interface IndicatorSummary extends IndicatorFields {
  /** Task figure: additive indicators sum the lead units' values; a rate takes the primary lead's. */
  readonly value: number | null;
  readonly completion: number | null;
  /** 超欠进度, each kind in its own terms (progress.ts gapPoints; worded by format.ts gapText), negative = behind. */
  readonly gapPoints: number | null;
  readonly light: Light;
  /** For an office with subordinate offices, a cumulative figure's parts: `value` is 本级's plus the offices'. */
  readonly area?: AreaPart;
}

/** What a whole area's cumulative figure is made of (本级 + 县区汇总包). */
export interface AreaPart {
  /** 本级's own units' figure. */
  readonly own: number | null;
  /** The offices' figures from their current 汇总包, summed; null while none came in. */
  readonly offices: number | null;
  /** Offices with a target (quota) of the indicator, and how many of them have sent a figure. */
  readonly owing: number;
  readonly reported: number;
  /** Offices without a share of it that sent a figure anyway (their share withdrawn after they reported): in the sum too. */
  readonly unshared: number;
}

/**
 * The parts of an area figure in words, for the task views; `own` is the office's 本级 label (ownLabel).
 * @example areaPartWords({ own: 35, offices: 70, owing: 3, reported: 2, unshared: 0 }, '人', '市本级') // { sum: '市本级 35人 + 下级汇总 70人', note: '(有任务的下级已报 2/3)' }
 */
export function areaPartWords(a: AreaPart, unit: string, own = '本级'): { readonly sum: string; readonly note: string } {
  const fig = (v: number | null) => (v === null ? '未报' : `${v}${unit}`);
  // An office with no share of it may still send a figure: it counts in the sum, as summary --by office totals it, and is said.
  const unshared = a.unshared > 0 ? `含无分解任务的下级 ${a.unshared} 个报送的数` : '';
  return {
    sum: `${own} ${fig(a.own)} + 下级汇总 ${fig(a.offices)}`,
    note: a.owing === 0 ? '(下级无分解任务)' : `(有任务的下级已报 ${a.reported}/${a.owing}${unshared ? `;${unshared}` : ''})`,
  };
}

/** areaPartWords on one line. @example areaPartText({ own: 35, offices: 70, owing: 3, reported: 2, unshared: 0 }, '人', '市本级') // '市本级 35人 + 下级汇总 70人(有任务的下级已报 2/3)' */
export function areaPartText(a: AreaPart, unit: string, own = '本级'): string {
  const w = areaPartWords(a, unit, own);
  return `${w.sum}${w.note}`;
}

export interface TaskSummary {
  readonly no: number;
  readonly title: string;
  readonly category: string;
  readonly leadUnits: readonly string[];
  readonly coUnits: readonly string[];
  /** Lead units that sent a complete report / lead units in all. */
  readonly reportedLeads: number;
  readonly totalLeads: number;
  /** Lead units that owe the period (it is not before their start): none means the task is 未起报, not 未报送. */
  readonly owingLeads: number;
  /** Of those, the ones whose due date has passed (owedNow): none means a task without a report is 待报送, not 未报送 yet. */
  readonly overdueLeads: number;
  readonly status: TaskStatus | null;
  readonly indicators: readonly IndicatorSummary[];
  readonly completion: number | null;
  readonly light: Light;
  /** Narratives of the lead units, joined, each marked with its unit when there are several. */
  readonly progress: string;
  readonly problems: string;
  readonly nextSteps: string;
}

export interface CategorySummary {
  readonly no: string;
  readonly name: string;
  readonly tasks: number;
  readonly indicators: number;
  readonly completion: number | null;
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  /** Tasks with no lead report in full, by reportTiming: 未报 once the due date has passed, 待报 until then. */
  readonly missing: number;
  readonly waiting: number;
}

export interface PeriodSummaryHeader {
  readonly planId: string;
  readonly planTitle: string;
  readonly period: string;
  /** The plan's: how the period is named (2019年6月, or 2019年1-6月 for a quarter). */
  readonly frequency: ReportingFrequency;
  /** The period's (last) month: 序时进度 is month/12. */
  readonly month: number;
  readonly dueOn: string;
  /** 序时进度, 0…1 */
  readonly timeProgress: number;
}

/**
 * The light a row's completion is coloured by, on every table and chart alike (its bar in the table, its
 * bar in 各单位完成度): a unit or a category by the worst light of its tasks (a task due and not reported is
 * red), so the same light is the same colour wherever it is drawn. 'none' where it has no task with a light.
 * @example rowLight({ green: 3, yellow: 1, red: 0 }) // 'yellow'
 */
/**
 * A task's 推进状态 as printed and shown in text: 未报送 with no report; with several lead units of which only
 * some have reported, how many ("推进中(1/2家已报)"): its figures then hold only theirs.
 * @example taskStatusText({ status: '推进中', reportedLeads: 1, totalLeads: 2, owingLeads: 2 }) // '推进中（1/2家已报）'
 */
/**
 * A task's status; for none reported 未起报 while none of its lead units owes the period yet, 待报送 while the due
 * date has not passed (as the unit view says of its lead units), then 未报送.
 */
export function statusWord(t: Pick<TaskSummary, 'status' | 'owingLeads' | 'overdueLeads'>): string {
  return t.status ?? (t.owingLeads === 0 ? '未起报' : t.overdueLeads === 0 ? '待报送' : '未报送');
}

export function taskStatusText(t: Pick<TaskSummary, 'status' | 'reportedLeads' | 'totalLeads' | 'owingLeads' | 'overdueLeads'>): string {
  const status = statusWord(t);
  return t.totalLeads > 1 && t.reportedLeads < t.totalLeads && t.status !== null
    ? `${status}（${t.reportedLeads}/${t.totalLeads}家已报）`
    : status;
}

export function rowLight(r: { readonly green: number; readonly yellow: number; readonly red: number }): Light {
  return r.red > 0 ? 'red' : r.yellow > 0 ? 'yellow' : r.green > 0 ? 'green' : 'none';
}
