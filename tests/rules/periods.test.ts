import { describe, expect, it } from 'vitest';
import {
  dueDate, firstMonthOf, hasStarted, isLate, isPeriodOf, parsePeriod, periodLabel, periodShortLabel, periodStart, planPeriods,
  planPeriodsText, previousPeriod, requireStarted,
} from '../../shared/rules/periods';
import { timeProgress } from '../../shared/rules/progress';

describe('periods and due dates', () => {
  it('twelve monthly periods', () => {
    expect(planPeriods(2019, 'monthly')).toHaveLength(12);
    expect(planPeriods(2019, 'monthly')[0]).toBe('2019-01');
    expect(planPeriods(2019, 'monthly')[11]).toBe('2019-12');
  });

  it.each([
    ['2019-06', 5, '2019-07-05'],
    ['2019-12', 5, '2020-01-05'],
    ['2019-01', 31, '2019-02-28'],
    ['2020-01', 31, '2020-02-29'],
    ['2019-03', 10, '2019-04-10'],
  ])('%s due on day %i → %s', (p, day, due) => expect(dueDate(p, day)).toBe(due));

  it('parses only real months', () => {
    expect(parsePeriod('2019-13')).toBeNull();
    expect(parsePeriod('2019-6')).toBeNull();
    expect(parsePeriod('2019-06')).toEqual({ year: 2019, month: 6 });
  });

  it('January has no previous period: a plan year starts from zero', () => {
    expect(previousPeriod('2019-01', 'monthly')).toBeNull();
    expect(previousPeriod('2019-07', 'monthly')).toBe('2019-06');
  });

  it.each([
    ['received on the due date is on time', '2019-07-05', '2019-07-05', false],
    ['received the day before', '2019-07-04', '2019-07-05', false],
    ['received a day after is late', '2019-07-06', '2019-07-05', true],
    ['a timestamp is judged by its date', '2019-07-05T23:59:00', '2019-07-05', false],
  ])('%s', (_n, received, due, late) => expect(isLate(received, due)).toBe(late));

  it('a period starts on its first day (a local date): not before', () => {
    expect(periodStart('2019-12', 'monthly')).toBe('2019-12-01');
    expect(hasStarted('2019-12', '2019-07-10', 'monthly')).toBe(false);
    expect(hasStarted('2019-12', '2019-11-30', 'monthly')).toBe(false);
    expect(hasStarted('2019-12', '2019-12-01', 'monthly')).toBe(true);
    expect(hasStarted('2019-07', '2019-07-10', 'monthly')).toBe(true);
    expect(hasStarted('2019-01', '2020-03-01', 'monthly')).toBe(true);
    expect(() => requireStarted('2019-12', '2019-07-10', 'monthly', '导出填报包')).toThrow(expect.objectContaining({
      code: 'E_FUTURE_PERIOD', message: expect.stringContaining('2019年12月从 2019-12-01 才开始,本机今天是 2019-07-10,还不能导出填报包。请到该月再导出填报包'),
    }));
    expect(() => requireStarted('2019-07', '2019-07-01', 'monthly', '填报')).not.toThrow();
  });
});

describe('quarterly periods: named by the quarter’s last month, cumulative from January', () => {
  it('four periods, labelled as the office’s bulletins write them, 序时进度 3/12 … 12/12', () => {
    const quarters = planPeriods(2019, 'quarterly');
    expect(quarters).toEqual(['2019-03', '2019-06', '2019-09', '2019-12']);
    expect(quarters.map((p) => periodLabel(p, 'quarterly'))).toEqual(['2019年1-3月', '2019年1-6月', '2019年1-9月', '2019年1-12月']);
    expect(quarters.map((p) => periodShortLabel(p, 'quarterly'))).toEqual(['1-3月', '1-6月', '1-9月', '1-12月']);
    expect(quarters.map((p) => timeProgress(parsePeriod(p)!.month))).toEqual([3 / 12, 6 / 12, 9 / 12, 1]);
    expect(periodLabel('2019-06', 'monthly')).toBe('2019年6月');
    expect(periodShortLabel('2019-06', 'monthly')).toBe('6月');
  });

  it('上期 is the quarter before; the first quarter has none', () => {
    expect(previousPeriod('2019-03', 'quarterly')).toBeNull();
    expect(previousPeriod('2019-06', 'quarterly')).toBe('2019-03');
    expect(previousPeriod('2019-12', 'quarterly')).toBe('2019-09');
    expect(previousPeriod('2019-06', 'monthly')).toBe('2019-05');
  });

  it('a quarter is due on the due day of the month after it', () => {
    expect(planPeriods(2019, 'quarterly').map((p) => dueDate(p, 5))).toEqual(['2019-04-05', '2019-07-05', '2019-10-05', '2020-01-05']);
  });

  it('a quarter starts on its first month’s first day', () => {
    expect(planPeriods(2019, 'quarterly').map((p) => firstMonthOf(p, 'quarterly'))).toEqual([1, 4, 7, 10]);
    expect(periodStart('2019-09', 'quarterly')).toBe('2019-07-01');
    expect(hasStarted('2019-09', '2019-06-30', 'quarterly')).toBe(false);
    expect(hasStarted('2019-09', '2019-07-01', 'quarterly')).toBe(true);
    // The same period id read monthly would not have started until September.
    expect(hasStarted('2019-09', '2019-07-01', 'monthly')).toBe(false);
    expect(() => requireStarted('2019-09', '2019-06-30', 'quarterly', '填报')).toThrow(expect.objectContaining({
      code: 'E_FUTURE_PERIOD', message: expect.stringContaining('2019年1-9月从 2019-07-01 才开始,本机今天是 2019-06-30,还不能填报。请到该季度再填报'),
    }));
  });

  it('only a quarter’s last month is a quarterly period, and the message lists them', () => {
    expect(['2019-03', '2019-05', '2019-06', '2019-12'].map((p) => isPeriodOf(p, 'quarterly'))).toEqual([true, false, true, true]);
    expect(isPeriodOf('2019-05', 'monthly')).toBe(true);
    expect(isPeriodOf('2019-5', 'monthly')).toBe(false);
    expect(planPeriodsText(2019, 'quarterly')).toBe('按季度报送,报送期为 2019-03(2019年1-3月)、2019-06(2019年1-6月)、2019-09(2019年1-9月)、2019-12(2019年1-12月),以季度的最后一个月表示');
    expect(planPeriodsText(2019, 'monthly')).toBe('按月报送,报送期为 2019-01 至 2019-12 每月一期');
  });
});
