import { describe, expect, it } from 'vitest';
import { dayOffReason, handDueProblem, nextWorkingDay, periodDue, WEEKENDS_ONLY } from '../../shared/rules/deadlines';
import { isLate, isOverdue, reportTiming } from '../../shared/rules/periods';
import { workCalendar } from '../../electron/services/calendar';

const cal = workCalendar();

describe('due dates move to the next working day (chinese-days)', () => {
  it('knows the years its data covers', () => {
    expect(cal.firstYear).toBe(2004);
    expect(cal.lastYear).toBeGreaterThanOrEqual(2026);
    expect(cal.source).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
  });

  it.each([
    // period, due day, due on, why
    ['2019-09', 5, '2019-10-08', '10月5日为国庆节假期,顺延至10月8日'], // the repro: inside National Day
    ['2019-01', 5, '2019-02-11', '2月5日为春节假期,顺延至2月11日'], // Spring Festival
    ['2019-03', 5, '2019-04-08', '4月5日为清明假期,顺延至4月8日'], // Qingming, then a weekend
    ['2019-07', 3, '2019-08-05', '8月3日为星期六,顺延至8月5日'], // a plain weekend
    ['2019-04', 5, '2019-05-05', null], // a Sunday that was a 调休 working day (Labour Day 2019)
    ['2019-09', 29, '2019-10-29', null], // 10月29日 Tuesday: nothing to move
    ['2019-08', 29, '2019-09-29', null], // 9月29日 Sunday, a 调休 working day before National Day
    ['2019-06', 5, '2019-07-05', null], // Friday
  ] as const)('%s due on day %i → %s', (period, day, on, why) => {
    const due = periodDue(period, day, cal);
    expect(due.dueOn).toBe(on);
    expect(due.movedBecause).toBe(why);
    expect(due.note).toBe(why);
    expect(due.warning).toBeNull();
  });

  it('a date the office sets by hand wins, even on a holiday, and says why', () => {
    const due = periodDue('2019-09', 5, cal, { on: '2019-10-06', reason: '国庆值班期间统一报送' });
    expect(due.dueOn).toBe('2019-10-06');
    expect(due.workingOn).toBe('2019-10-08');
    expect(due.note).toBe('汇总端设定为10月6日(按规则为10月8日):国庆值班期间统一报送');
  });

  it('a year outside the data: weekends only, with a warning that names the years it has', () => {
    const year = cal.lastYear + 1;
    // 1 January is a holiday every year, but the data does not know this year's arrangement.
    const jan1 = `${year}-01-01`;
    const w = nextWorkingDay(cal, jan1);
    const weekend = [0, 6].includes(new Date(`${jan1}T00:00:00Z`).getUTCDay());
    expect(w.on === jan1).toBe(!weekend);
    expect(w.warning).toContain(`${year}年的法定节假日和调休安排不在本程序的节假日数据中(只有2004–${cal.lastYear}年)`);
    expect(w.warning).toContain('手工设定截止日期');
    // A December period of the last known year is due in the next, unknown year: warned too.
    expect(periodDue(`${cal.lastYear}-12`, 5, cal).warning).not.toBeNull();
    expect(periodDue(`${cal.lastYear}-06`, 5, cal).warning).toBeNull();
  });

  it('with no data at all only weekends move', () => {
    expect(nextWorkingDay(WEEKENDS_ONLY, '2019-10-05').on).toBe('2019-10-07');
    expect(dayOffReason(WEEKENDS_ONLY, '2019-10-01')).toBeNull();
    expect(dayOffReason(cal, '2019-10-01')).toBe('国庆节假期');
  });

  it('due today is not late and not overdue; the day after is', () => {
    const { dueOn } = periodDue('2019-09', 5, cal);
    expect(isLate('2019-10-08', dueOn)).toBe(false);
    expect(isLate('2019-10-09', dueOn)).toBe(true);
    expect(isOverdue(dueOn, '2019-10-08')).toBe(false);
    expect(isOverdue(dueOn, '2019-10-09')).toBe(true);
  });

  it.each([
    // today, a report in full received on (null: none yet), how it stands against the due date moved to 10月8日
    ['2019-10-07', null, 'waiting'], // the day before: nothing in is 待报, not 未报
    ['2019-10-08', null, 'waiting'], // the due date itself: the unit still has the day
    ['2019-10-09', null, 'missing'], // the day after: 未报
    ['2019-10-07', '2019-10-07', 'onTime'],
    ['2019-10-08', '2019-10-08', 'onTime'], // received on the moved due date: on time, though 10月5日 has passed
    ['2019-10-09', '2019-10-09', 'late'],
    ['2019-10-12', '2019-10-08', 'onTime'], // judged by when it came in, not by today
  ] as const)('on %s, a report received %s is %s', (today, receivedOn, timing) => {
    const { dueOn } = periodDue('2019-09', 5, cal);
    expect(reportTiming(receivedOn === null ? null : { receivedOn }, dueOn, today)).toBe(timing);
  });

  it('a report in full with no received date recorded (entered at the office) is on time; by hand, the hand date is the one judged', () => {
    expect(reportTiming({ receivedOn: null }, '2019-10-08', '2019-12-31')).toBe('onTime');
    const { dueOn } = periodDue('2019-09', 5, cal, { on: '2019-10-10', reason: '国庆后统一报送' });
    expect(reportTiming(null, dueOn, '2019-10-09')).toBe('waiting');
    expect(reportTiming(null, dueOn, '2019-10-10')).toBe('waiting');
    expect(reportTiming(null, dueOn, '2019-10-11')).toBe('missing');
    expect(reportTiming({ receivedOn: '2019-10-10' }, dueOn, '2019-10-11')).toBe('onTime');
  });

  it.each([
    ['2019-09', '2019-09-30', '截止日期应在报送期结束之后(2019-10-01 或以后)'],
    ['2019-09', '2019-02-30', '「2019-02-30」不是有效日期,应写成 YYYY-MM-DD,例如 2019-10-08'],
    ['2019-09', '2019/10/8', '「2019/10/8」不是有效日期,应写成 YYYY-MM-DD,例如 2019-10-08'],
    ['2019-09', '2019-10-01', null],
  ])('a hand date for %s of %s: %s', (period, on, problem) => expect(handDueProblem(period, on)).toBe(problem));
});
