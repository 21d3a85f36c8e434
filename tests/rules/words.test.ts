/**
 * The words each kind's figures go by (issue 11), written out by hand: what a value is called, what a
 * 序时进度 column says, and 超欠进度 against what is due. The workbook's number formats are built from
 * the same words; SheetJS renders them here as Excel would, to show paper and screen read alike.
 */
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { Comparator, IndicatorKind } from '../../shared/domain';
import { deadlineText, gapText, gapWords, scheduleWord, valueWord } from '../../shared/format';
import { completion, gapPoints, type IndicatorTarget } from '../../shared/rules/progress';
import { gapFormat } from '../../electron/services/summaries/reports';

const ind = (kind: IndicatorKind, comparator: Comparator, target: number, unit: string, extra: Partial<IndicatorTarget> = {}): IndicatorTarget =>
  ({ kind, comparator, target, targetMax: null, unit, deadline: null, ...extra });

/** An indicator with its figures for a value in a month, as the summaries carry it. */
const figures = (i: IndicatorTarget, value: number, month: number) => ({ ...i, completion: completion(i, value), gapPoints: gapPoints(i, value, month) });

// [case, indicator, value, month, 超欠进度 in words]
const GAPS: readonly (readonly [string, IndicatorTarget, number, number, string])[] = [
  ['cumulative behind', ind('cumulative', '>=', 100, '个'), 45, 6, '落后序时进度5.0个百分点'],
  ['cumulative ahead', ind('cumulative', '>=', 100, '个'), 60, 6, '超序时进度10.0个百分点'],
  ['cumulative on the dot', ind('cumulative', '>=', 100, '个'), 50, 6, '与序时进度持平'],
  ['cumulative ceiling under it', ind('cumulative', '<=', 10, '起'), 8, 6, '未超上限'],
  ['cumulative ceiling over it', ind('cumulative', '<=', 10, '起'), 12, 6, '超出上限'],
  ['level % short of its target, any month', ind('level', '>=', 95, '%'), 93, 1, '低于目标2.0个百分点'],
  ['level % short of its target in June too', ind('level', '>=', 95, '%'), 93, 6, '低于目标2.0个百分点'],
  ['level % above its target', ind('level', '>=', 60, '%'), 61.5, 6, '高于目标1.5个百分点'],
  ['level % at its target', ind('level', '=', 100, '%'), 100, 6, '达到目标'],
  ['level ~ within 5 % of it', ind('level', '~', 75, '%'), 74, 6, '基本达到目标(差1.0个百分点)'],
  ['level ‰ ceiling under it', ind('level', '<=', 5.46, '‰'), 5, 6, '低于上限0.5个千分点'],
  ['level ‰ ceiling over it', ind('level', '<=', 0.4, '‰'), 0.5, 6, '超出上限0.1个千分点'],
  ['level per head, per cent of target', ind('level', '>=', 5000, '元'), 4600, 6, '低于目标8.0%'],
  ['level cap in 元 under it', ind('level', '<=', 3000, '元'), 2700, 6, '低于上限10.0%'],
  ['growth short of its target', ind('growth', '~', 9, '%'), 5, 6, '低于目标4.0个百分点'],
  ['growth above its target', ind('growth', '>=', 9, '%'), 9.5, 3, '高于目标0.5个百分点'],
  ['milestone before its deadline', ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 5, '未到时限(6月底前)'],
  ['milestone at its deadline, not done', ind('milestone', '>=', 1, '项', { deadline: 6 }), 0, 6, '逾期未完成(6月底前)'],
  ['milestone done', ind('milestone', '>=', 1, '项', { deadline: 6 }), 1, 3, '已完成'],
];

describe('超欠进度 in each kind\'s words', () => {
  it.each(GAPS)('%s', (_, i, value, month, words) => {
    expect(gapText(figures(i, value, month))).toBe(words);
  });

  it('nothing reported reads —', () => {
    expect(gapText({ ...ind('level', '>=', 95, '%'), completion: null, gapPoints: null })).toBe('—');
  });

  it('the workbook\'s number format shows what the screen shows, for every case a number can carry', () => {
    let formatted = 0;
    for (const [name, i, value, month, words] of GAPS) {
      const f = figures(i, value, month);
      if (i.kind === 'milestone' || (f.gapPoints < 0 && f.completion >= 1)) continue; // words only in the workbook
      expect(XLSX.SSF.format(gapFormat(gapWords(i)), f.gapPoints), name).toBe(words);
      formatted++;
    }
    expect(formatted).toBe(15);
  });
});

describe('what a value is called and what it is held to', () => {
  it('累计完成 only where values add up; 当前值 for a level, 增幅 for growth, 完成情况 with its deadline for a milestone', () => {
    expect(valueWord(ind('cumulative', '>=', 1, '个'))).toBe('累计完成');
    expect(valueWord(ind('level', '>=', 95, '%'))).toBe('当前值');
    expect(valueWord(ind('growth', '~', 9, '%'))).toBe('增幅');
    expect(valueWord(ind('milestone', '>=', 1, '项', { deadline: 6 }))).toBe('完成情况(6月底前)');
    expect(deadlineText(12)).toBe('12月底前');
  });

  it('a 序时进度 column: m/12 only for a cumulative target; 目标值 for a level or growth rate; the deadline for a milestone; — for a ceiling', () => {
    expect(scheduleWord(ind('cumulative', '>=', 1, '个'))).toBeNull();
    expect(scheduleWord(ind('cumulative', 'range', 1, '家', { targetMax: 2 }))).toBeNull();
    expect(scheduleWord(ind('level', '>=', 95, '%'))).toBe('目标值');
    expect(scheduleWord(ind('growth', '~', 9, '%'))).toBe('目标值');
    expect(scheduleWord(ind('milestone', '>=', 1, '项', { deadline: 9 }))).toBe('9月底前');
    expect(scheduleWord(ind('level', '<=', 5.46, '‰'))).toBe('—');
    expect(scheduleWord(ind('cumulative', '<=', 10, '起'))).toBe('—');
  });
});
