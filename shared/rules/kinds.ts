import type { IndicatorDef, IndicatorKind } from '../domain';
import { chineseNumeral } from '../numerals';

/** Units of measure counted in whole things (人, 家, 所 …): 0.3家 or 1632.75人 is a slip (a split by percentage left unrounded, a figure mistyped). */
const WHOLE_MEASURES = new Set(['人', '人次', '户', '户次', '个', '家', '所', '座', '处', '条', '件', '套', '项', '次', '辆', '台', '名', '间', '张',
  '栋', '幢', '场', '期', '批', '艘', '架', '头', '只', '口', '眼', '册', '本', '部', '支', '队', '村', '校', '园', '站', '箱', '床', '张床']);

/** Whether a unit of measure counts whole things (人, 家, 所 …). @example isWholeMeasure('家') // true */
export function isWholeMeasure(measure: string): boolean {
  return WHOLE_MEASURES.has(measure.trim());
}

/**
 * What a figure that never adds up across units is named with: a per-person or per-household amount, a ratio per
 * population (每千常住人口执业(助理)医师数, 每万人口全科医生数, 每百户), an average, a share or a rate (覆盖率), a density,
 * and a stock held at a level (耕地保有量, 存栏量): each unit's figure is a level, not a part of a sum. Not 存量 alone:
 * 完成1456户农村危房存量改造 counts work done on the stock, which adds up.
 * @example isLevelMeasure('每千常住人口执业(助理)医师数') // true
 * @example isLevelMeasure('新建公办幼儿园') // false
 */
export function isLevelMeasure(phrase: string): boolean {
  return LEVEL_MEASURE.test(phrase);
}

const LEVEL_MEASURE = /人均|户均|每人|每户|每\s*(?:十万|[十百千万]+|\d+万?)[^,,;;。\d]{0,6}?(?:人口|人|户|车|名|居民|学生|老人|儿童|婴儿|孕产妇)|个人|平均|比例|比重|占比|率|浓度|密度|强度|保有量|拥有量|存栏量/;

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

/** 6, 十, 十二 → 6, 10, 12 (a month as a notice writes it). */
function monthNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  return chineseNumeral(s) ?? 0;
}

/**
 * The month by whose end a notice's deadline phrase falls due, or null where the text names none:
 * 年内/年底前 → 12, 6月底前 → 6, 10月前 (before October) → 9, 三季度末 → 9, 上半年 → 6. A bare year
 * (2019年) is not a deadline. In a field that only holds the deadline (`{ field: true }`, 完成时限:2020年12月) a
 * month alone is one too: "12月" falls due in December, "10月1日" on that day. In running text it is not
 * ("12月开展义诊" names when, not by when).
 * @example deadlineMonth('确保6月底前完成') // 6
 * @example deadlineMonth('2020年12月', { field: true }) // 12
 */
export function deadlineMonth(text: string, opts: { readonly field?: boolean } = {}): number | null {
  for (const m of text.matchAll(/(\d{1,2}|十[一二]?|[一二三四五六七八九])月(底|末|份)?(\d{1,2}日)?(前|之前|以前)?/g)) {
    const month = monthNumber(m[1]!);
    const endOf = m[2] !== undefined && m[2] !== '份';
    const before = m[4] !== undefined;
    if (month < 1 || month > 12 || !(endOf || before || opts.field)) continue;
    // "10月前" and "10月1日前" fall due before October begins; "10月底前" and "10月15日前" within it.
    const day = m[3] ? Number(m[3].slice(0, -1)) : null;
    if (before && !endOf && (day === null || day === 1)) return Math.max(1, month - 1);
    return month;
  }
  const quarter = /(?:第)?([一二三四1-4])季度(?:末|底)/.exec(text);
  if (quarter) return monthNumber(quarter[1]!) * 3;
  if (/上半年/.test(text)) return 6;
  if (/年内|年底|年末|年度内/.test(text)) return 12;
  return null;
}

/**
 * The kind a notice's phrase proposes for a target: a count due by a deadline the same sentence names
 * ("6月底前完成3个") is a milestone; otherwise inferKind. A rate or growth figure stays what it is even
 * beside 年内: it is judged by its value, and the deadline is left for a person to confirm.
 * @example proposeKind({ name: '新建公办幼儿园', source: '6月底前新建8所公办幼儿园', additive: true }, 6) // { kind: 'milestone', deadline: 6 }
 */
export function proposeKind(i: Pick<IndicatorDef, 'name' | 'source' | 'additive'>, deadline: number | null): { kind: IndicatorKind; deadline: number | null } {
  const kind = inferKind(i);
  if (kind === 'cumulative' && deadline !== null) return { kind: 'milestone', deadline };
  return { kind, deadline: null };
}
