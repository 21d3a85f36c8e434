/**
 * Due dates of periods: the day of the month the office set (due_day), moved to the next working day
 * when it falls on a weekend or a public holiday (调休 working days count as working days), unless the
 * office set a date by hand. Pure: the holiday data comes in as a WorkCalendar (the services build it
 * from the chinese-days package), so the rule runs and is tested without it.
 */
import type { PeriodId } from '../domain';
import { calendarDateProblem, dueDate } from './periods';

/** Which days are off in the years a holiday data set knows. */
export interface WorkCalendar {
  /** Where the data comes from, for a message: chinese-days 1.5.7. */
  readonly source: string;
  /** The years the data covers; outside them only weekends are known. */
  readonly firstYear: number;
  readonly lastYear: number;
  /** Public holidays (放假), date → the holiday's name: '2019-10-05' → '国庆节'. */
  readonly holidays: Readonly<Record<string, string>>;
  /** 调休 working days falling on a weekend, date → the holiday they make up for: '2019-09-29' → '国庆节'. */
  readonly workdays: Readonly<Record<string, string>>;
}

/** A calendar that knows no year: weekends only. */
export const WEEKENDS_ONLY: WorkCalendar = { source: '', firstYear: 0, lastYear: -1, holidays: {}, workdays: {} };

const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** 10月5日, the way a clerk writes a date inside a year everyone knows. */
export function monthDay(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** Whether the calendar has the holiday arrangement of a date's year. */
export function knowsYear(cal: WorkCalendar, date: string): boolean {
  const y = Number(date.slice(0, 4));
  return y >= cal.firstYear && y <= cal.lastYear;
}

/**
 * Why a day is not a working day (国庆节假期, 星期六), or null for a working day: a 调休 Saturday is one.
 * @example dayOffReason(cal, '2019-10-05') // '国庆节假期'; dayOffReason(cal, '2019-10-12') // null
 */
export function dayOffReason(cal: WorkCalendar, date: string): string | null {
  if (cal.workdays[date] !== undefined) return null;
  const holiday = cal.holidays[date];
  if (holiday !== undefined) return `${holiday}假期`;
  const w = weekday(date);
  return w === 0 || w === 6 ? WEEKDAY_NAMES[w]! : null;
}

export interface WorkingDay {
  /** The first working day on or after the date. */
  readonly on: string;
  /** Why it moved, in words (10月5日为国庆节假期,顺延至10月8日), or null when the date itself is a working day. */
  readonly movedBecause: string | null;
  /** Said when a year on the way is not in the holiday data: only weekends were skipped there. */
  readonly warning: string | null;
}

/**
 * The first working day on or after `date`.
 * @example nextWorkingDay(cal, '2019-10-05') // { on: '2019-10-08', movedBecause: '10月5日为国庆节假期,顺延至10月8日', warning: null }
 */
export function nextWorkingDay(cal: WorkCalendar, date: string): WorkingDay {
  const first = dayOffReason(cal, date);
  let on = date;
  while (dayOffReason(cal, on) !== null) on = nextDay(on);
  const unknown = [date, on].filter((d) => !knowsYear(cal, d)).map((d) => Number(d.slice(0, 4)));
  const warning = unknown.length === 0 ? null
    : `${[...new Set(unknown)].join('、')}年的法定节假日和调休安排不在本程序的节假日数据中(${cal.lastYear >= cal.firstYear ? `只有${cal.firstYear}–${cal.lastYear}年` : '没有节假日数据'}),截止日期只按周末顺延;如遇节假日,请在「报送期」页手工设定截止日期,或升级本程序。`;
  return { on, movedBecause: first === null ? null : `${monthDay(date)}为${first},顺延至${monthDay(on)}`, warning };
}

/** A due date the office set by hand for a period, with its reason. */
export interface HandDue {
  readonly on: string;
  readonly reason: string;
}

export interface PeriodDue {
  readonly period: PeriodId;
  /** The due day of the month after the period (due_day), before any moving. */
  readonly ruleOn: string;
  /** The rule's date moved to a working day. */
  readonly workingOn: string;
  readonly movedBecause: string | null;
  readonly warning: string | null;
  /** The office's own date, which wins over the rule. */
  readonly byHand: HandDue | null;
  /** The date reports are judged by: the hand date, else the working day. */
  readonly dueOn: string;
  /** What the periods page says beside the date: why it moved, or that the office set it and why; null when nothing moved. */
  readonly note: string | null;
}

/**
 * The due date of a period: due_day of the month after it, moved to the next working day, unless the
 * office set one by hand (which wins, holiday or not).
 * @example periodDue('2019-09', 5, cal).dueOn // '2019-10-08' (10月5日为国庆节假期)
 * @example periodDue('2019-09', 5, cal, { on: '2019-10-10', reason: '国庆后统一报送' }).dueOn // '2019-10-10'
 */
export function periodDue(period: PeriodId, dueDay: number, cal: WorkCalendar, byHand: HandDue | null = null): PeriodDue {
  const ruleOn = dueDate(period, dueDay);
  const w = nextWorkingDay(cal, ruleOn);
  const note = byHand !== null
    ? `汇总端设定为${monthDay(byHand.on)}(按规则为${monthDay(w.on)}):${byHand.reason}`
    : w.movedBecause;
  return { period, ruleOn, workingOn: w.on, movedBecause: w.movedBecause, warning: byHand === null ? w.warning : null, byHand, dueOn: byHand?.on ?? w.on, note };
}

/**
 * Why a date the office means to set cannot be a period's due date, or null: it must be a real date
 * after the period has ended.
 * @example handDueProblem('2019-09', '2019-09-30') // '截止日期应在报送期结束之后(2019-10-01 或以后)'
 */
export function handDueProblem(period: PeriodId, on: string): string | null {
  const bad = calendarDateProblem(on);
  if (bad !== null) return bad;
  const after = dueDate(period, 1);
  return on < after ? `截止日期应在报送期结束之后(${after} 或以后)` : null;
}
