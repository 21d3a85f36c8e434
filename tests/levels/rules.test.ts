/**
 * The shared rules of issue 13 items 1-2: what an office calls its own departments (one rule from its name),
 * and 合计/差额 per kind, where a blank quota is 无任务 (left out), never 0.
 */
import { describe, expect, it } from 'vitest';
import { blankQuotaText, isSplit, officeTarget, ownLabel, quotaProblem, quotaTotals, scopeWord, type QuotaRowInput } from '../../shared/levels';
import { recipientsOf } from '../../shared/bulletin';

describe('ownLabel: the word for the office’s own departments, from its level', () => {
  it.each([
    ['市民生工作办公室', '市本级'],
    ['宣城市民生工作办公室', '市本级'],
    ['郎溪县民生工作办公室', '县本级'],
    ['县民生办', '县本级'],
    ['宣州区民生工作办公室', '区本级'],
    ['杭州市民生工作办公室', '市本级'],
    ['广德市民生工作办公室', '市本级'],
    ['安徽省民生工作办公室', '省本级'],
    ['广西壮族自治区民生办', '区本级'],
    ['延边朝鲜族自治州民生办', '州本级'],
    ['锡林郭勒盟民生办', '盟本级'],
    ['阿荣旗民生办', '旗本级'],
    ['梅渚镇人民政府', '镇本级'],
    // A level word that begins the name with another close behind is part of a place name.
    ['镇江市民生工作办公室', '市本级'],
    ['乡宁县民生办', '县本级'],
    ['市中区民生办', '区本级'],
    // What follows the first place name does not change its level.
    ['郎溪县乡村振兴局', '县本级'],
    ['民生工作办公室', '本级'],
  ])('%s → %s', (name, label) => {
    expect(ownLabel(name)).toBe(label);
  });
});

const row = (over: Partial<QuotaRowInput>): QuotaRowInput => ({ kind: 'cumulative', comparator: '>=', target: 250, targetMax: null, own: null, quotas: [null, null, null], ...over });

describe('quotaTotals: 合计 and 差额 per kind', () => {
  it('a cumulative target: 本级 plus the offices, blanks left out; 差额 = 合计 − 目标', () => {
    expect(quotaTotals(row({ own: 50, quotas: [100, null, 100] }))).toEqual({ split: true, total: 250, difference: 0, needsReason: false });
    expect(quotaTotals(row({ own: 50, quotas: [100, null, 120] }))).toEqual({ split: true, total: 270, difference: 20, needsReason: true });
    expect(quotaTotals(row({ quotas: [100, null, 100] }))).toEqual({ split: true, total: 200, difference: -50, needsReason: true });
  });

  it('nothing set is 未分解, not a difference of −目标', () => {
    expect(quotaTotals(row({}))).toEqual({ split: true, total: null, difference: null, needsReason: false });
  });

  it('a blank is not 0: the same quotas with a blank or with nothing beside them add up the same, and sums read as people read them', () => {
    expect(quotaTotals(row({ own: null, quotas: [125, null, 125] })).total).toBe(250);
    expect(quotaTotals(row({ target: 0.3, own: 0.1, quotas: [0.2, null, null] }))).toMatchObject({ total: 0.3, difference: 0, needsReason: false });
  });

  it('a range target (1-2家) adds up anywhere inside it; outside, 差额 is to the nearer bound', () => {
    const range = (quotas: (number | null)[]) => quotaTotals(row({ comparator: 'range', target: 1, targetMax: 2, quotas }));
    expect(range([1, 1, null])).toMatchObject({ total: 2, difference: 0, needsReason: false });
    expect(range([1, null, null])).toMatchObject({ total: 1, difference: 0 });
    expect(range([1, 1, 1])).toMatchObject({ total: 3, difference: 1, needsReason: true });
  });

  it('level, growth and milestone targets are not split: no 合计, no 差额, no reason asked', () => {
    for (const kind of ['level', 'growth', 'milestone'] as const) {
      expect(isSplit(kind)).toBe(false);
      expect(quotaTotals(row({ kind, target: 95, own: 96, quotas: [97, null, 90] }))).toEqual({ split: false, total: null, difference: null, needsReason: false });
    }
  });
});

describe('what an office is held to, and what a quota may be', () => {
  it('a blank cumulative quota is 无任务 (null); a blank level quota is the target as it is; a set quota is itself', () => {
    expect(officeTarget({ kind: 'cumulative', target: 250 }, null)).toBeNull();
    expect(officeTarget({ kind: 'level', target: 95 }, null)).toBe(95);
    expect(officeTarget({ kind: 'growth', target: 9 }, null)).toBe(9);
    expect(officeTarget({ kind: 'level', target: 95 }, 97)).toBe(97);
    expect(officeTarget({ kind: 'cumulative', target: 250 }, 40)).toBe(40);
    expect(blankQuotaText('cumulative')).toBe('无任务');
    expect(blankQuotaText('level')).toBe('同目标');
  });

  it('refuses a cumulative 0 (blank is 无任务), a negative, a non-number', () => {
    expect(quotaProblem('cumulative', 0)).toBe('不能为0:没有任务请留空(无任务)');
    expect(quotaProblem('level', 0)).toBeNull();
    expect(quotaProblem('cumulative', -1)).toBe('不能为负数');
    expect(quotaProblem('cumulative', Number.NaN)).toBe('不是数字');
    expect(quotaProblem('cumulative', 12.5)).toBeNull();
  });
});

describe('what a headline and a bulletin call the office’s area and whom it addresses', () => {
  it.each([
    ['市民生工作办公室', '全市', '各县、市、区人民政府,市政府各部门、各直属机构:'],
    ['郎溪县民生工作办公室', '全县', '各乡镇人民政府,县政府各部门、各直属机构:'],
    ['宣州区民生办', '全区', '各街道办事处、乡镇人民政府,区政府各部门、各直属机构:'],
    ['安徽省民生工作领导小组办公室', '全省', '各市人民政府,省政府各部门、各直属机构:'],
    ['民生工作办公室', '全市', '各县、市、区人民政府,市政府各部门、各直属机构:'],
  ])('%s: %s', (office, scope, recipients) => {
    expect(scopeWord(office)).toBe(scope);
    expect(recipientsOf(office)).toBe(recipients);
  });
});
