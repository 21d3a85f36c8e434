/**
 * Each kind judged in its own terms (issue 11): a cumulative figure against 序时进度, a level or growth
 * figure against its target whatever the month, a milestone by its deadline. Every case is written out
 * by hand from the rule, not computed: kind × comparator at months 1, 6 and 12 and at the quarter ends.
 */
import { describe, expect, it } from 'vitest';
import type { Comparator, IndicatorKind, Light } from '../../shared/domain';
import { PLAN_2019 } from '../../seeds/plan2019';
import { completion, expectedShare, gapPoints, indicatorLight, scheduleClass, type IndicatorTarget } from '../../shared/rules/progress';
import { inferKind, kindProblem } from '../../shared/rules/kinds';

const ind = (kind: IndicatorKind, comparator: Comparator, target: number, unit: string, extra: Partial<IndicatorTarget> = {}): IndicatorTarget =>
  ({ kind, comparator, target, targetMax: null, unit, deadline: null, ...extra });

type Row = readonly [string, IndicatorTarget, number, readonly (readonly [number, Light])[]];

// [case, indicator, value, [month, light] …] — threshold 10 points.
const TABLE: readonly Row[] = [
  // cumulative: share of the annual target against m/12
  ['cumulative >= 100个, 50 done', ind('cumulative', '>=', 100, '个'), 50, [[1, 'green'], [3, 'green'], [6, 'green'], [9, 'red'], [12, 'red']]],
  ['cumulative >= 100个, 20 done', ind('cumulative', '>=', 100, '个'), 20, [[1, 'green'], [3, 'yellow'], [6, 'red'], [12, 'red']]],
  ['cumulative <= 10起 ceiling, 8', ind('cumulative', '<=', 10, '起'), 8, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['cumulative <= 10起 ceiling, 12', ind('cumulative', '<=', 10, '起'), 12, [[1, 'red'], [6, 'red'], [12, 'red']]],
  ['cumulative ~ 100人次, 47.5 (half of 95 %)', ind('cumulative', '~', 100, '人次'), 47.5, [[1, 'green'], [6, 'green'], [12, 'red']]],
  ['cumulative range 1-2家, none', ind('cumulative', 'range', 1, '家', { targetMax: 2 }), 0, [[1, 'yellow'], [3, 'red'], [6, 'red'], [12, 'red']]],
  ['cumulative range 1-2家, one', ind('cumulative', 'range', 1, '家', { targetMax: 2 }), 1, [[1, 'green'], [12, 'green']]],
  ['cumulative = 2个 named, one', ind('cumulative', '=', 2, '个'), 1, [[1, 'green'], [6, 'green'], [9, 'red'], [12, 'red']]],
  // level: the latest value against the target itself, the same in every month
  ['level >= 95%, 93 (2 points short)', ind('level', '>=', 95, '%'), 93, [[1, 'yellow'], [3, 'yellow'], [6, 'yellow'], [12, 'yellow']]],
  ['level >= 95%, 85 (10 points short)', ind('level', '>=', 95, '%'), 85, [[1, 'red'], [6, 'red'], [12, 'red']]],
  ['level >= 95%, 96', ind('level', '>=', 95, '%'), 96, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['level <= 5.46‰ ceiling, 5', ind('level', '<=', 5.46, '‰'), 5, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['level <= 5.46‰ ceiling, 5.5', ind('level', '<=', 5.46, '‰'), 5.5, [[1, 'red'], [6, 'red'], [12, 'red']]],
  ['level ~ 75%, 73 (within 5 % of it)', ind('level', '~', 75, '%'), 73, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['level ~ 75%, 70 (5 points short)', ind('level', '~', 75, '%'), 70, [[1, 'yellow'], [6, 'yellow'], [12, 'yellow']]],
  ['level range 2-3%, 1.5', ind('level', 'range', 2, '%', { targetMax: 3 }), 1.5, [[1, 'yellow'], [12, 'yellow']]],
  ['level = 100%, 90.8', ind('level', '=', 100, '%'), 90.8, [[1, 'yellow'], [6, 'yellow'], [12, 'yellow']]],
  ['level >= 5000元 per head, 4600 (8 % short)', ind('level', '>=', 5000, '元'), 4600, [[1, 'yellow'], [12, 'yellow']]],
  ['level >= 5000元 per head, 4000 (20 % short)', ind('level', '>=', 5000, '元'), 4000, [[1, 'red'], [12, 'red']]],
  ['level <= 3000元 cap, 3200', ind('level', '<=', 3000, '元'), 3200, [[1, 'red'], [12, 'red']]],
  // 提高5个百分点 as a target: behind by points, 2 points short (not 40 % of the target)
  ['level >= 5百分点, 3 (2 points short)', ind('level', '>=', 5, '百分点'), 3, [[1, 'yellow'], [6, 'yellow'], [12, 'yellow']]],
  ['level >= 2个百分点, 1.5', ind('level', '>=', 2, '个百分点'), 1.5, [[1, 'yellow'], [12, 'yellow']]],
  // an exact target of 0 (零事故 written "= 0"): a ceiling, not a floor every figure reaches
  ['cumulative = 0起, 1', ind('cumulative', '=', 0, '起'), 1, [[1, 'red'], [6, 'red'], [12, 'red']]],
  ['cumulative = 0起, 0', ind('cumulative', '=', 0, '起'), 0, [[1, 'green'], [6, 'green'], [12, 'green']]],
  // growth: growth to date against the target growth, the same in every month
  ['growth ~ 9%, 5 (4 points short)', ind('growth', '~', 9, '%'), 5, [[1, 'yellow'], [3, 'yellow'], [6, 'yellow'], [12, 'yellow']]],
  ['growth >= 9%, -2 (11 points short)', ind('growth', '>=', 9, '%'), -2, [[1, 'red'], [6, 'red'], [12, 'red']]],
  ['growth >= 9%, 9.5', ind('growth', '>=', 9, '%'), 9.5, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['growth <= 3% ceiling, 2.5', ind('growth', '<=', 3, '%'), 2.5, [[6, 'green']]],
  ['growth range 6-8%, 6.5', ind('growth', 'range', 6, '%', { targetMax: 8 }), 6.5, [[6, 'green']]],
  ['growth = 5%, 4', ind('growth', '=', 5, '%'), 4, [[6, 'yellow']]],
  // milestone: no penalty before its deadline month, red from then on until done; done is done
  ['milestone 6月底前 1项, not done', ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, [[1, 'green'], [3, 'green'], [5, 'green'], [6, 'red'], [7, 'red'], [12, 'red']]],
  ['milestone 6月底前 1项, done', ind('milestone', '>=', 1, '项', { deadline: 6 }), 1, [[1, 'green'], [6, 'green'], [12, 'green']]],
  ['milestone 年内 3个, 2 done', ind('milestone', '>=', 3, '个', { deadline: 12 }), 2, [[6, 'green'], [9, 'green'], [11, 'green'], [12, 'red']]],
  ['milestone ~ 年内约10个, 9.5', ind('milestone', '~', 10, '个', { deadline: 12 }), 9.5, [[12, 'green']]],
  ['milestone range 9月底前 1-2个, none', ind('milestone', 'range', 1, '个', { targetMax: 2, deadline: 9 }), 0, [[8, 'green'], [9, 'red']]],
  ['milestone = 2个 by 6月, one', ind('milestone', '=', 2, '个', { deadline: 6 }), 1, [[5, 'green'], [6, 'red']]],
  ['milestone <= ceiling, over it', ind('milestone', '<=', 3, '起', { deadline: 6 }), 4, [[1, 'red'], [12, 'red']]],
];

describe('lights by kind × comparator × month (threshold 10 points)', () => {
  for (const [name, target, value, months] of TABLE) {
    it.each(months)(`${name}: month %i → %s`, (month, light) => {
      expect(indicatorLight(target, value, month)).toBe(light);
    });
  }
});

describe('each kind in its own terms', () => {
  it('what is due: m/12 of a cumulative target, the whole target of a level or growth rate, a milestone from its deadline', () => {
    expect(expectedShare(ind('cumulative', '>=', 1, '个'), 3)).toBe(0.25);
    expect(expectedShare(ind('level', '>=', 1, '%'), 3)).toBe(1);
    expect(expectedShare(ind('growth', '~', 1, '%'), 3)).toBe(1);
    expect(expectedShare(ind('milestone', '>=', 1, '项', { deadline: 6 }), 5)).toBe(0);
    expect(expectedShare(ind('milestone', '>=', 1, '项', { deadline: 6 }), 6)).toBe(1);
  });

  it('points behind: against 序时进度 for a cumulative figure; percentage points of a % level; per cent of target otherwise', () => {
    expect(gapPoints(ind('cumulative', '>=', 100, '个'), 45, 6)).toBe(-5);
    expect(gapPoints(ind('level', '>=', 95, '%'), 93, 1)).toBe(-2);
    expect(gapPoints(ind('level', '>=', 95, '%'), 93, 12)).toBe(-2);
    expect(gapPoints(ind('level', '<=', 5.46, '‰'), 5, 6)).toBe(0.46);
    expect(gapPoints(ind('growth', '~', 9, '%'), 5, 6)).toBe(-4);
    expect(gapPoints(ind('level', '>=', 5000, '元'), 4600, 6)).toBe(-8);
    expect(gapPoints(ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 5)).toBe(0);
    expect(gapPoints(ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 6)).toBe(-100);
  });

  it('the threshold applies to each kind in its own points', () => {
    const rate = ind('level', '>=', 95, '%');
    expect(indicatorLight(rate, 88, 6, { yellowPoints: 10 })).toBe('yellow');
    expect(indicatorLight(rate, 88, 6, { yellowPoints: 5 })).toBe('red');
  });

  it('bulletin classes: a level met is 达进度 until the year is out; a milestone before its deadline is not behind', () => {
    expect(scheduleClass(ind('level', '>=', 95, '%'), 96, 6)).toBe('达进度');
    expect(scheduleClass(ind('level', '>=', 95, '%'), 96, 12)).toBe('已完成');
    expect(scheduleClass(ind('level', '>=', 95, '%'), 93, 6)).toBe('欠进度');
    expect(scheduleClass(ind('growth', '~', 9, '%'), 9, 6)).toBe('达进度');
    expect(scheduleClass(ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 5)).toBe('达进度');
    expect(scheduleClass(ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 6)).toBe('欠进度');
    expect(scheduleClass(ind('milestone', '>=', 1, '项', { deadline: 6 }), 1, 3)).toBe('已完成');
  });
});

describe('the three examples of issue 11, on the embedded plan', () => {
  const find = (task: number, no: number) => {
    const t = PLAN_2019.categories.flatMap((c) => c.tasks).find((x) => x.no === task)!;
    return t.indicators.find((i) => i.no === no)!;
  };

  it('农村常住居民人均可支配收入增长9%左右 at 5 % in June is not green', () => {
    const i = find(5, 1);
    expect(i.kind).toBe('growth');
    expect(indicatorLight(i, 5, 6)).toBe('yellow');
    expect(completion(i, 5)).toBeLessThan(1);
  });

  it('城乡居民基本医疗保险参保率95%以上 at 93 % is not green, in any month', () => {
    const i = find(18, 1);
    expect(i.kind).toBe('level');
    for (const m of [1, 6, 12]) expect(indicatorLight(i, 93, m)).toBe('yellow');
  });

  it('符合条件人员养老金发放率100% at 90.8 % in January is not green', () => {
    const i = find(20, 2);
    expect(i.kind).toBe('level');
    expect(indicatorLight(i, 90.8, 1)).toBe('yellow');
  });
});

describe('kinds of plans that do not say (older packages, migration 003)', () => {
  it('the inferred kind is the hand-checked kind for every indicator of the 2019 plan', () => {
    const all = PLAN_2019.categories.flatMap((c) => c.tasks.flatMap((t) => t.indicators.map((i) => ({ task: t.no, ...i }))));
    expect(all).toHaveLength(62);
    expect(all.filter((i) => inferKind(i) !== i.kind).map((i) => `${i.task}.${i.no}`)).toEqual([]);
    expect(all.filter((i) => kindProblem(i) !== null)).toEqual([]);
  });

  it('what does not fit is named', () => {
    expect(kindProblem({ kind: 'level', additive: true, deadline: null })).toContain('不能跨单位相加');
    expect(kindProblem({ kind: 'milestone', additive: true, deadline: null })).toContain('完成时限');
    expect(kindProblem({ kind: 'milestone', additive: true, deadline: 13 })).toContain('完成时限');
    expect(kindProblem({ kind: 'cumulative', additive: true, deadline: 6 })).toContain('只有节点类');
  });
});
