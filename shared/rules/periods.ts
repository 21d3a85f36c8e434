import type { PeriodId } from '../domain';

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

/** The period before, or null for January (a new plan year starts from zero). */
export function previousPeriod(period: PeriodId): PeriodId | null {
  const p = parsePeriod(period);
  if (!p || p.month === 1) return null;
  return periodId(p.year, p.month - 1);
}

/**
 * Late is judged by the date the summary office received the report (YYYY-MM-DD), never by the
 * unit's own clock. Received on the due date is on time.
 * @example isLate('2019-07-06', '2019-07-05') // true
 */
export function isLate(receivedOn: string, dueOn: string): boolean {
  return receivedOn.slice(0, 10) > dueOn.slice(0, 10);
}

/** Display label, e.g. 2019年6月. */
export function periodLabel(period: PeriodId): string {
  const p = parsePeriod(period);
  return p ? `${p.year}年${p.month}月` : period;
}
