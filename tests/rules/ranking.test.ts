import { describe, expect, it } from 'vitest';
import { competitionRanks, rankLabel, rankUnitsByCompletion } from '../../shared/rules/ranking';

describe('competition ranking (1, 2, 2, 4)', () => {
  const cases: { name: string; scores: (number | null)[]; ranks: (number | null)[]; order?: 'asc' | 'desc' }[] = [
    { name: 'distinct scores', scores: [0.3, 0.9, 0.5], ranks: [3, 1, 2] },
    { name: 'a tie for second skips third', scores: [0.9, 0.5, 0.5, 0.2], ranks: [1, 2, 2, 4] },
    { name: 'a tie for first skips second', scores: [0.7, 0.7, 0.4], ranks: [1, 1, 3] },
    { name: 'a tie for last', scores: [0.8, 0.1, 0.1], ranks: [1, 2, 2] },
    { name: 'three tied', scores: [0.6, 0.6, 0.9, 0.6, 0.2], ranks: [2, 2, 1, 2, 5] },
    { name: 'all equal', scores: [0.5, 0.5, 0.5], ranks: [1, 1, 1] },
    { name: 'nulls are unranked and take no place', scores: [null, 0.4, null, 0.9], ranks: [null, 2, null, 1] },
    { name: 'all null', scores: [null, null], ranks: [null, null] },
    { name: 'empty', scores: [], ranks: [] },
    { name: 'zero is a score, not a missing one', scores: [0, null, 0.1], ranks: [2, null, 1] },
    { name: 'NaN is unranked', scores: [Number.NaN, 0.3], ranks: [null, 1] },
    { name: 'floating-point noise does not split a tie', scores: [0.1 + 0.2, 0.3, 0.2], ranks: [1, 1, 3] },
    { name: 'ascending: lowest first', scores: [3, 1, 1, 2], ranks: [4, 1, 1, 3], order: 'asc' },
  ];
  it.each(cases)('$name', ({ scores, ranks, order }) => {
    expect(competitionRanks(scores, order ? { order } : {})).toEqual(ranks);
  });

  it('ranks on the given number of decimals', () => {
    expect(competitionRanks([0.5294, 0.5286, 0.51], { decimals: 3 })).toEqual([1, 1, 3]);
    expect(competitionRanks([0.5294, 0.5286, 0.51], { decimals: 4 })).toEqual([1, 2, 3]);
  });
});

describe('ranking units by completion', () => {
  const cases: { name: string; units: { leadTasks: number; completion: number | null }[]; ranks: (number | null)[] }[] = [
    {
      name: 'units without lead tasks are unranked (—)',
      units: [{ leadTasks: 3, completion: 0.6 }, { leadTasks: 0, completion: null }, { leadTasks: 1, completion: 0.7 }],
      ranks: [2, null, 1],
    },
    {
      name: 'lead tasks with no number (completion null) are unranked',
      units: [{ leadTasks: 2, completion: null }, { leadTasks: 1, completion: 0.2 }],
      ranks: [null, 1],
    },
    {
      name: 'ties as printed (0.1%): 52.94% and 52.86% both print 52.9%',
      units: [{ leadTasks: 1, completion: 0.5294 }, { leadTasks: 1, completion: 0.5286 }, { leadTasks: 1, completion: 0.6 }, { leadTasks: 1, completion: 0.3 }],
      ranks: [2, 2, 1, 4],
    },
    {
      name: 'a unit that sent nothing (0%) is ranked last, not dropped',
      units: [{ leadTasks: 3, completion: 0 }, { leadTasks: 1, completion: 0.5 }, { leadTasks: 2, completion: 0 }],
      ranks: [2, 1, 2],
    },
  ];
  it.each(cases)('$name', ({ units, ranks }) => {
    expect(rankUnitsByCompletion(units)).toEqual(ranks);
  });

  it('prints an unranked unit as —', () => {
    expect(rankLabel(null)).toBe('—');
    expect(rankLabel(4)).toBe('4');
  });
});
