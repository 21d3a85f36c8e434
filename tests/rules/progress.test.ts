import { describe, expect, it } from 'vitest';
import type { Comparator } from '../../shared/domain';
import {
  completion, gapPoints, indicatorLight, isMet, meanCompletion, scheduleClass, taskLight, timeProgress, worstLight,
} from '../../shared/rules/progress';

/** A cumulative count (kinds other than cumulative: tests/rules/kinds.test.ts). */
const ind = (comparator: Comparator, target: number, targetMax: number | null = null) => ({ comparator, target, targetMax, kind: 'cumulative' as const, deadline: null, unit: '个' });

describe('序时进度', () => {
  it.each([
    [1, 1 / 12],
    [6, 0.5],
    [12, 1],
  ])('month %i → %f', (m, expected) => expect(timeProgress(m)).toBeCloseTo(expected, 10));

  it.each([0, 13, 1.5])('refuses month %s', (m) => expect(() => timeProgress(m)).toThrow());
});

describe('completion by comparator', () => {
  it.each([
    ['at least, half way', ind('>=', 250), 125, 0.5],
    ['at least, exceeded is capped at 1', ind('>=', 250), 400, 1],
    ['exactly two named counties, one done', ind('=', 2), 1, 0.5],
    ['range 1-2家, lower bound reached', ind('range', 1, 2), 1, 1],
    ['range 1-2家, nothing yet', ind('range', 1, 2), 0, 0],
    ['approximately 2700, 95% counts as reached', ind('~', 2700), 2565, 1],
    ['approximately 9%, at 4.5%', ind('~', 9), 4.5, 4.5 / (9 * 0.95)],
    ['ceiling 5.46‰, under it', ind('<=', 5.46), 3.1, 1],
    ['ceiling 5.46‰, exactly at it', ind('<=', 5.46), 5.46, 1],
    ['ceiling 0.4‰, over it', ind('<=', 0.4), 0.5, 0.8],
    ['ceiling, zero is met', ind('<=', 0.4), 0, 1],
    ['negative value gives 0', ind('>=', 100), -5, 0],
  ] as const)('%s', (_name, target, value, expected) => {
    expect(completion(target, value)).toBeCloseTo(expected, 10);
  });

  it('a ceiling is met while the value stays under it', () => {
    expect(isMet(ind('<=', 3000), 2999)).toBe(true);
    expect(isMet(ind('<=', 3000), 3001)).toBe(false);
  });
});

describe('lights against 序时进度 (threshold 10 points)', () => {
  it.each([
    ['on track in June (50% of 100 at month 6)', ind('>=', 100), 50, 6, 'green'],
    ['ahead', ind('>=', 100), 70, 6, 'green'],
    ['behind by 5 points → yellow', ind('>=', 100), 45, 6, 'yellow'],
    ['behind by exactly 10 points → red', ind('>=', 100), 40, 6, 'red'],
    ['behind by 30 points → red', ind('>=', 100), 20, 6, 'red'],
    ['month 12 needs the whole target', ind('>=', 100), 95, 12, 'yellow'],
    ['month 12, done', ind('>=', 100), 100, 12, 'green'],
    ['done early is green', ind('>=', 1800), 1800, 3, 'green'],
    ['ceiling under → green in any month', ind('<=', 5.46), 5, 1, 'green'],
    ['ceiling over → red', ind('<=', 5.46), 6, 12, 'red'],
    ['range lower bound reached', ind('range', 1, 2), 1, 4, 'green'],
  ] as const)('%s', (_n, target, value, month, light) => {
    expect(indicatorLight(target, value, month)).toBe(light);
  });

  it('the threshold is configurable', () => {
    expect(indicatorLight(ind('>=', 100), 40, 6, { yellowPoints: 15 })).toBe('yellow');
    expect(indicatorLight(ind('>=', 100), 40, 6, { yellowPoints: 5 })).toBe('red');
  });

  it('no value is red', () => expect(indicatorLight(ind('>=', 100), null, 6)).toBe('red'));

  it('gap in points against 序时进度', () => {
    expect(gapPoints(ind('>=', 100), 45, 6)).toBe(-5);
    expect(gapPoints(ind('>=', 100), 60, 6)).toBe(10);
    expect(gapPoints(ind('<=', 10), 5, 3)).toBe(0);
  });

  it('schedule classes as bulletins count them', () => {
    expect(scheduleClass(ind('>=', 100), 100, 6)).toBe('已完成');
    expect(scheduleClass(ind('>=', 100), 60, 6)).toBe('超进度');
    expect(scheduleClass(ind('>=', 100), 50, 6)).toBe('达进度');
    expect(scheduleClass(ind('>=', 100), 49, 6)).toBe('欠进度');
  });
});

describe('task light', () => {
  const t = ind('>=', 100);
  it.each([
    ['a unit with no report for a due period', { status: null, indicators: [{ target: t, value: null }] }, 'red'],
    ['no report on a task with no indicator is red too', { status: null, indicators: [] }, 'red'],
    ['a task with no number, in progress', { status: '推进中', indicators: [] }, 'green'],
    ['a task with no number, not started', { status: '未开始', indicators: [] }, 'yellow'],
    ['status 已完成 wins', { status: '已完成', indicators: [{ target: t, value: 10 }] }, 'green'],
    ['worst indicator decides', { status: '推进中', indicators: [{ target: t, value: 90 }, { target: t, value: 45 }] }, 'yellow'],
  ] as const)('%s', (_n, input, light) => {
    expect(taskLight(input, 6)).toBe(light);
  });

  it('worstLight and meanCompletion', () => {
    expect(worstLight(['green', 'red', 'yellow'])).toBe('red');
    expect(worstLight([])).toBe('none');
    expect(meanCompletion([])).toBeNull();
    expect(meanCompletion([0.5, 1])).toBe(0.75);
  });
});
