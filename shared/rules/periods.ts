import type { PeriodId, ReportingFrequency } from '../domain';
import { LedgerError } from '../errors';

/** Day of the following month a monthly report is due, unless configured otherwise. */
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

/** @example periodId(2019, 3) // '2019-03' */
export function periodId(year: number, month: number): PeriodId {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The twelve monthly periods of a plan year, in order. */
export function monthlyPeriods(year: number): PeriodId[] {
  return Array.from({ length: 12 }, (_, i) => periodId(year, i + 1));
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

/** The first month a period covers: itself monthly, the first month of its quarter quarterly. */
export function firstMonthOf(period: PeriodId, frequency: ReportingFrequency = 'monthly'): number {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period ${period}`);
  return p.month - MONTHS_PER_PERIOD[frequency] + 1;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Due date of a monthly period: the given day of the next month (clamped to that month's length).
 * @example dueDate('2019-12') // '2020-01-05'
 */
export function dueDate(period: PeriodId, dueDay = DEFAULT_DUE_DAY): string {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period ${period}`);
  const year = p.month === 12 ? p.year + 1 : p.year;
  const month = p.month === 12 ? 1 : p.month + 1;
  const day = Math.min(Math.max(1, Math.trunc(dueDay)), daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The period before, or null for the year's first (a new plan year starts from zero). */
export function previousPeriod(period: PeriodId, frequency: ReportingFrequency = 'monthly'): PeriodId | null {
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
 * The day a period starts: its first day, a local date.
 * @example periodStart('2019-12') // '2019-12-01'
 */
export function periodStart(period: PeriodId, frequency: ReportingFrequency = 'monthly'): string {
  return `${period.slice(0, 4)}-${String(firstMonthOf(period, frequency)).padStart(2, '0')}-01`;
}

/**
 * Whether a period has started by `today` (a local date, YYYY-MM-DD, from the injected clock). Nothing
 * can be reported for a month that has not begun: entry, export, import and the period picker all ask here.
 * @example hasStarted('2019-12', '2019-07-10') // false; hasStarted('2019-07', '2019-07-01') // true
 */
export function hasStarted(period: PeriodId, today: string, frequency: ReportingFrequency = 'monthly'): boolean {
  return today.slice(0, 10) >= periodStart(period, frequency);
}

/**
 * Refuses to `doing` (填报, 导出填报包 …) a period that has not started by `today`, naming both dates.
 * @example requireStarted('2019-12', '2019-07-10', '填报') // throws E_FUTURE_PERIOD
 */
export function requireStarted(period: PeriodId, today: string, doing: string): void {
  if (hasStarted(period, today)) return;
  throw new LedgerError('E_FUTURE_PERIOD', `${periodLabel(period)}从 ${periodStart(period)} 才开始,本机今天是 ${today.slice(0, 10)},还不能${doing}。请到该月再${doing};如果本机日期不对,请先改正电脑的日期。`);
}

/**
 * Display label: 2019年6月, or for a quarter what the office's bulletins write, 2019年1-3月 (cumulative
 * from January: 1-6月 for the second quarter's report).
 * @example periodLabel('2019-06', 'quarterly') // '2019年1-6月'
 */
export function periodLabel(period: PeriodId, frequency: ReportingFrequency = 'monthly'): string {
  const p = parsePeriod(period);
  if (!p) return period;
  return frequency === 'quarterly' ? `${p.year}年1-${p.month}月` : `${p.year}年${p.month}月`;
}
