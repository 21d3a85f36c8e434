import { FREQUENCY_LABELS, type PeriodId, type ReportingFrequency } from '../domain';
import { LedgerError } from '../errors';

/** Day of the month after a period (a month, or a quarter's last month) its report is due, unless configured otherwise. */
export const DEFAULT_DUE_DAY = 5;

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Parses a period id.
 * @example parsePeriod('2019-06') // { year: 2019, month: 6 }
 */
export function parsePeriod(period: string): { year: number; month: number } | null {
  const m = PERIOD_RE.exec(period);
  if (!m) return null;
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function isPeriodId(value: string): value is PeriodId {
  return PERIOD_RE.test(value);
}

/**
 * Why `on` is not a date of the calendar written YYYY-MM-DD, or null.
 * @example calendarDateProblem('2019-02-30') // '「2019-02-30」不是有效日期,应写成 YYYY-MM-DD,例如 2019-10-08'
 */
export function calendarDateProblem(on: string): string | null {
  const d = new Date(`${on}T00:00:00Z`);
  const real = /^\d{4}-\d{2}-\d{2}$/.test(on) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === on;
  return real ? null : `「${on}」不是有效日期,应写成 YYYY-MM-DD,例如 2019-10-08`;
}

/**
 * Why a date typed as the day reports came in (收到日期) cannot be it, or null: a real date, not after today.
 * @example receivedOnProblem('2019-07-09', '2019-07-08') // '收到日期 2019-07-09 晚于今天(2019-07-08)'
 */
export function receivedOnProblem(on: string, today: string): string | null {
  const bad = calendarDateProblem(on);
  if (bad !== null) return `收到日期${bad}`;
  return on > today ? `收到日期 ${on} 晚于今天(${today})` : null;
}

/** @example periodId(2019, 3) // '2019-03' */
export function periodId(year: number, month: number): PeriodId {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Months per period: a quarterly plan's period is named by the last month of its quarter (2019-03 = 1-3月). */
const MONTHS_PER_PERIOD: Readonly<Record<ReportingFrequency, number>> = { monthly: 1, quarterly: 3 };

/**
 * A plan year's reporting periods, in order: twelve months, or four quarters named by their last month.
 * @example planPeriods(2019, 'quarterly') // ['2019-03', '2019-06', '2019-09', '2019-12']
 */
export function planPeriods(year: number, frequency: ReportingFrequency): PeriodId[] {
  const step = MONTHS_PER_PERIOD[frequency];
  return Array.from({ length: 12 / step }, (_, i) => periodId(year, (i + 1) * step));
}

/**
 * Whether a period id names one of a frequency's periods: any month monthly, a quarter's last month quarterly.
 * @example isPeriodOf('2019-05', 'quarterly') // false
 */
export function isPeriodOf(period: string, frequency: ReportingFrequency): boolean {
  const p = parsePeriod(period);
  return p !== null && p.month % MONTHS_PER_PERIOD[frequency] === 0;
}

/**
 * A plan year's periods in words, for a message that says which periods there are.
 * @example planPeriodsText(2019, 'quarterly') // '按季度报送,报送期为 2019-03(2019年1-3月)、2019-06(2019年1-6月)、…'
 */
export function planPeriodsText(year: number, frequency: ReportingFrequency): string {
  const list = frequency === 'monthly'
    ? `${periodId(year, 1)} 至 ${periodId(year, 12)} 每月一期`
    : planPeriods(year, frequency).map((p) => `${p}(${periodLabel(p, frequency)})`).join('、') + ',以季度的最后一个月表示';
  return `${FREQUENCY_LABELS[frequency]}报送,报送期为 ${list}`;
}

/** The first month a period covers: itself monthly, the first month of its quarter quarterly. */
export function firstMonthOf(period: PeriodId, frequency: ReportingFrequency): number {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period ${period}`);
  return p.month - MONTHS_PER_PERIOD[frequency] + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Due date of a period: the given day of the month after it (clamped to that month's length). A quarter is
 * named by its last month, so it is due in the month after the quarter.
 * @example dueDate('2019-12') // '2020-01-05'; dueDate('2019-06') // '2019-07-05' (also for 1-6月 quarterly)
 */
export function dueDate(period: PeriodId, dueDay = DEFAULT_DUE_DAY): string {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period ${period}`);
  const year = p.month === 12 ? p.year + 1 : p.year;
  const month = p.month === 12 ? 1 : p.month + 1;
  const day = Math.min(Math.max(1, Math.trunc(dueDay)), daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The period before (上期), or null for the year's first (a new plan year starts from zero).
 * @example previousPeriod('2019-06', 'monthly') // '2019-05'; previousPeriod('2019-06', 'quarterly') // '2019-03'
 */
export function previousPeriod(period: PeriodId, frequency: ReportingFrequency): PeriodId | null {
  const p = parsePeriod(period);
  const step = MONTHS_PER_PERIOD[frequency];
  if (!p || p.month <= step) return null;
  return periodId(p.year, p.month - step);
}

/**
 * Late is judged by the date the summary office received the report (YYYY-MM-DD), never by the
 * unit's own clock. Received on the due date is on time.
 * @example isLate('2019-07-06', '2019-07-05') // true
 */
export function isLate(receivedOn: string, dueOn: string): boolean {
  return receivedOn.slice(0, 10) > dueOn.slice(0, 10);
}

/**
 * Whether a period's due date has passed by `today` (a local date from the injected clock): only then is a
 * unit that has not reported 未报送. On the due date itself it still has the day.
 * @example isOverdue('2019-10-08', '2019-10-08') // false; isOverdue('2019-10-08', '2019-10-09') // true
 */
export function isOverdue(dueOn: string, today: string): boolean {
  return today.slice(0, 10) > dueOn.slice(0, 10);
}

/**
 * How one lead task's report of a period stands by `today` (the injected clock's local date), the one rule every
 * count of 按时/逾期/未报/待报 takes: a report in full is on time or late by the date the summary office received it
 * (none recorded: on time); without one it is missing only once the due date has passed, and waiting (待报) until
 * then, the due date itself included. `dueOn` is the period's due date as it stands (moved past a holiday, or set by hand).
 * @example reportTiming(null, '2019-10-08', '2019-10-08') // 'waiting'; reportTiming(null, '2019-10-08', '2019-10-09') // 'missing'
 * @example reportTiming({ receivedOn: '2019-10-09' }, '2019-10-08', '2019-10-09') // 'late'
 */
export function reportTiming(report: { readonly receivedOn: string | null } | null, dueOn: string, today: string): ReportTiming {
  if (report !== null) return report.receivedOn !== null && isLate(report.receivedOn, dueOn) ? 'late' : 'onTime';
  return isOverdue(dueOn, today) ? 'missing' : 'waiting';
}

/** 按时 / 逾期 / 未报 (due date passed, none in full) / 待报 (not due yet, none in full yet). */
export type ReportTiming = 'onTime' | 'late' | 'missing' | 'waiting';

/**
 * A period's reports counted by reportTiming, each once: onTime + late + missing + waiting = due.
 * `missing` is 未报 (the due date has passed, nothing in full); `waiting` is 待报 (not due yet, the due date
 * itself included), never counted as 未报.
 */
export interface TimingCounts {
  readonly due: number;
  readonly onTime: number;
  readonly late: number;
  readonly missing: number;
  readonly waiting: number;
}

/**
 * The day a period starts: its first day, a local date (a quarter's: its first month's).
 * @example periodStart('2019-12', 'monthly') // '2019-12-01'; periodStart('2019-12', 'quarterly') // '2019-10-01'
 */
export function periodStart(period: PeriodId, frequency: ReportingFrequency): string {
  return `${period.slice(0, 4)}-${String(firstMonthOf(period, frequency)).padStart(2, '0')}-01`;
}

/**
 * Whether a period has started by `today` (a local date, YYYY-MM-DD, from the injected clock). Nothing
 * can be reported for a period that has not begun: entry, export, import and the period picker all ask here.
 * @example hasStarted('2019-12', '2019-07-10', 'monthly') // false; hasStarted('2019-09', '2019-07-01', 'quarterly') // true
 */
export function hasStarted(period: PeriodId, today: string, frequency: ReportingFrequency): boolean {
  return today.slice(0, 10) >= periodStart(period, frequency);
}

/** A period in a sentence: 月 or 季度 (请到该季度再填报). */
export const PERIOD_UNIT_WORDS: Readonly<Record<ReportingFrequency, string>> = { monthly: '月', quarterly: '季度' };

/**
 * Refuses to `doing` (填报, 导出填报包 …) a period that has not started by `today`, naming both dates.
 * @example requireStarted('2019-12', '2019-07-10', 'monthly', '填报') // throws E_FUTURE_PERIOD
 */
export function requireStarted(period: PeriodId, today: string, frequency: ReportingFrequency, doing: string): void {
  if (hasStarted(period, today, frequency)) return;
  throw new LedgerError('E_FUTURE_PERIOD', `${periodLabel(period, frequency)}从 ${periodStart(period, frequency)} 才开始,本机今天是 ${today.slice(0, 10)},还不能${doing}。请到该${PERIOD_UNIT_WORDS[frequency]}再${doing};如果本机日期不对,请先改正电脑的日期。`);
}

/**
 * Display label: 2019年6月, or for a quarter what the office's bulletins write, 2019年1-3月 (cumulative
 * from January: 1-6月 for the second quarter's report).
 * @example periodLabel('2019-06', 'quarterly') // '2019年1-6月'
 */
export function periodLabel(period: PeriodId, frequency: ReportingFrequency): string {
  const p = parsePeriod(period);
  if (!p) return period;
  return `${p.year}年${periodShortLabel(period, frequency)}`;
}

/**
 * A period without its year, for a column of one year's periods (the trend): 6月, or 1-6月 for a quarter.
 * @example periodShortLabel('2019-06', 'quarterly') // '1-6月'
 */
export function periodShortLabel(period: PeriodId, frequency: ReportingFrequency): string {
  const p = parsePeriod(period);
  if (!p) return period;
  return frequency === 'quarterly' ? `1-${p.month}月` : `${p.month}月`;
}
