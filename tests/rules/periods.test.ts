import { describe, expect, it } from 'vitest';
import { dueDate, hasStarted, isLate, monthlyPeriods, parsePeriod, periodStart, previousPeriod, requireStarted } from '../../shared/rules/periods';

describe('periods and due dates', () => {
  it('twelve monthly periods', () => {
    expect(monthlyPeriods(2019)).toHaveLength(12);
    expect(monthlyPeriods(2019)[0]).toBe('2019-01');
    expect(monthlyPeriods(2019)[11]).toBe('2019-12');
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
    expect(previousPeriod('2019-01')).toBeNull();
    expect(previousPeriod('2019-07')).toBe('2019-06');
  });

  it.each([
    ['received on the due date is on time', '2019-07-05', '2019-07-05', false],
    ['received the day before', '2019-07-04', '2019-07-05', false],
    ['received a day after is late', '2019-07-06', '2019-07-05', true],
    ['a timestamp is judged by its date', '2019-07-05T23:59:00', '2019-07-05', false],
  ])('%s', (_n, received, due, late) => expect(isLate(received, due)).toBe(late));

  it('a period starts on its first day (a local date): not before', () => {
    expect(periodStart('2019-12')).toBe('2019-12-01');
    expect(hasStarted('2019-12', '2019-07-10')).toBe(false);
    expect(hasStarted('2019-12', '2019-11-30')).toBe(false);
    expect(hasStarted('2019-12', '2019-12-01')).toBe(true);
    expect(hasStarted('2019-07', '2019-07-10')).toBe(true);
    expect(hasStarted('2019-01', '2020-03-01')).toBe(true);
    expect(() => requireStarted('2019-12', '2019-07-10', '导出填报包')).toThrow(expect.objectContaining({
      code: 'E_FUTURE_PERIOD', message: expect.stringContaining('2019年12月从 2019-12-01 才开始,本机今天是 2019-07-10,还不能导出填报包'),
    }));
    expect(() => requireStarted('2019-07', '2019-07-01', '填报')).not.toThrow();
  });
});
