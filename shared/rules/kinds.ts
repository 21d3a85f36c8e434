import type { IndicatorDef, IndicatorKind } from '../domain';

/**
 * The kind of an indicator whose plan does not say (an assignment package from before kinds existed):
 * a growth target names 增长/增幅; what does not add up across units (rates, shares, per-person
 * amounts) is a level; everything else is cumulative. Migration 003 applies the same rule in SQL.
 * @example inferKind({ name: '农村常住居民人均可支配收入增长', source: '…增长9%左右', additive: false }) // 'growth'
 */
export function inferKind(i: Pick<IndicatorDef, 'name' | 'source' | 'additive'>): IndicatorKind {
  if (i.additive) return 'cumulative';
  return /增长|增幅/.test(i.name) || /增长|增幅/.test(i.source) ? 'growth' : 'level';
}

/**
 * Why an indicator's kind does not fit its other fields, or null: a level or growth figure never adds up
 * across units, and only a milestone has a deadline month (1…12), which it must have.
 */
export function kindProblem(i: Pick<IndicatorDef, 'kind' | 'deadline' | 'additive'>): string | null {
  if ((i.kind === 'level' || i.kind === 'growth') && i.additive) return '水平类和增幅类指标不能跨单位相加';
  if (i.kind === 'milestone') {
    if (i.deadline === null || !Number.isInteger(i.deadline) || i.deadline < 1 || i.deadline > 12) return '节点类指标须有完成时限(1至12月)';
  } else if (i.deadline !== null) {
    return '只有节点类指标有完成时限';
  }
  return null;
}
