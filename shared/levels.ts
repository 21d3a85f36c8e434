/**
 * Subordinate offices (下级汇总端) and the decomposition of targets into their quotas (任务分解): the rules the
 * services, the command line, the quota table and the renderer's grid share, so a sum or a difference reads
 * the same everywhere. Pure TypeScript: no Node or DOM APIs.
 */
import { isWholeMeasure } from './rules/kinds';
import type { Comparator, IndicatorDef, IndicatorKind, PlanDef } from './domain';
import type { OfficeStanding } from './rollup';
import { invisibleWords } from './format';

/** The seven county-level divisions of 宣城市, in the order its documents list them: the embedded plan's offices. */
export const XUANCHENG_OFFICES: readonly string[] = ['宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县'];

/**
 * Words that end a place name at a level of government, longest first where one contains another. 州 alone is
 * not one: it ends the names of cities and districts (杭州市, 宣州区); a prefecture is a 自治州.
 */
const LEVEL_WORDS = ['自治区', '自治州', '省', '市', '盟', '县', '旗', '区', '乡', '镇'] as const;

/**
 * What an office calls its own departments taken together where offices are compared: 市本级 for a city's
 * office, 县本级 for a county's, 区本级 for a district's. One rule: the level word that ends the first place
 * name in the office's name. A name that begins with a level word is at that level (市民生工作办公室), unless
 * another level word follows within two characters: then the first is part of the place name (镇江市, 市中区).
 * An autonomous region's own is 区本级 and a prefecture's 州本级, as they call them. A name without a level word
 * gives 本级.
 * @example ownLabel('郎溪县民生工作办公室') // '县本级'
 */
export function ownLabel(officeName: string): string {
  return `${levelWord(officeName)}本级`;
}

/**
 * The level word of an office (市, 县, 区, 州 …) by the rule of ownLabel; '' when its name has none.
 * @example levelWord('郎溪县民生工作办公室') // '县'
 */
export function levelWord(officeName: string): string {
  return firstPlace(officeName)?.level ?? '';
}

/**
 * The first place name in an office's name and its level word, by the rule of ownLabel; null when it has none.
 * @example firstPlace('宣城市民生工作办公室') // { place: '宣城市', level: '市' }
 */
function firstPlace(officeName: string): { readonly place: string; readonly level: string } | null {
  const name = officeName.trim();
  const levelAt = (i: number) => LEVEL_WORDS.find((w) => name.startsWith(w, i));
  for (let i = 0; i < name.length; i++) {
    const word = levelAt(i);
    if (!word) continue;
    if (i === 0 && (levelAt(word.length) || levelAt(word.length + 1))) continue;
    return { place: name.slice(0, i + word.length), level: word.startsWith('自治') ? word.slice(2) : word };
  }
  return null;
}

/**
 * What a headline calls the office's whole area: 全市 for a city's office, 全县 for a county's (全市平均完成度,
 * 全县民生工作). An office whose name has no level word keeps 全市, the word the app always used.
 * @example scopeWord('郎溪县民生工作办公室') // '全县'
 */
export function scopeWord(officeName: string | null): string {
  return `全${levelWord(officeName ?? '') || '市'}`;
}

/**
 * Whether a target is shared out among the offices: only a cumulative one (counts, lengths, areas, amounts).
 * A level or growth target is not split: each office is held to it as it is unless a quota is set. Nor is a
 * milestone: a deadline cannot be shared out, so each office gets the milestone as the plan sets it unless a
 * quota says otherwise.
 * @example isSplit('cumulative') // true
 */
export function isSplit(kind: IndicatorKind): boolean {
  return kind === 'cumulative';
}

/** The figures of one indicator's row that decide whether its quotas add up. */
export interface QuotaRowInput {
  readonly kind: IndicatorKind;
  readonly comparator: Comparator;
  readonly target: number;
  readonly targetMax: number | null;
  /** 本级's own share; null is 无任务. */
  readonly own: number | null;
  /** Each office's quota in the office order; null is 无任务. */
  readonly quotas: readonly (number | null)[];
}

export interface QuotaTotals {
  /** Whether the target is split at all (isSplit); the other fields are null when it is not. */
  readonly split: boolean;
  /** 合计: 本级 plus every office's quota, blanks left out; null while every one is blank (未分解). */
  readonly total: number | null;
  /** 差额: 合计 − 全市目标 (over the range's upper bound, or under its lower one); positive = over-assigned. */
  readonly difference: number | null;
  /** Something is set and it does not add up to the target: the office is asked why. */
  readonly needsReason: boolean;
}

/** Sums as people read them: 0.1 + 0.2 is 0.3, not 0.30000000000000004. */
function tidy(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * 合计 and 差额 of one indicator's row. Blank quotas (无任务) count for nothing; an all-blank row is 未分解,
 * not a difference.
 * @example quotaTotals({ kind: 'cumulative', comparator: '>=', target: 250, targetMax: null, own: 50, quotas: [100, null, 120] })
 *   // { split: true, total: 270, difference: 20, needsReason: true }
 */
export function quotaTotals(row: QuotaRowInput): QuotaTotals {
  if (!isSplit(row.kind)) return { split: false, total: null, difference: null, needsReason: false };
  const set = [row.own, ...row.quotas].filter((v): v is number => v !== null);
  if (set.length === 0) return { split: true, total: null, difference: null, needsReason: false };
  const total = tidy(set.reduce((a, b) => a + b, 0));
  const low = row.target;
  const high = row.comparator === 'range' ? (row.targetMax ?? row.target) : row.target;
  const difference = total < low ? tidy(total - low) : total > high ? tidy(total - high) : 0;
  return { split: true, total, difference, needsReason: difference !== 0 };
}

/**
 * The target an office is held to: its quota where one is set; otherwise, for a target that is not split,
 * the plan's target as it is, and for a split one nothing (无任务, left out of the office's figures).
 * @example officeTarget({ kind: 'level', target: 95 }, null) // 95
 */
export function officeTarget(i: { readonly kind: IndicatorKind; readonly target: number }, quota: number | null): number | null {
  if (quota !== null) return quota;
  return isSplit(i.kind) ? null : i.target;
}

/**
 * Whether an office's cell of a row is 未分解: a cumulative target with no quota for that office (its 下达包
 * would carry 无任务 there). A target that is not split is never 未分解: the office keeps it as it is.
 * @example unallocated({ kind: 'cumulative', quotas: [40, null] }, 1) // true
 */
export function unallocated(row: { readonly kind: IndicatorKind; readonly quotas: readonly (number | null)[] }, column: number): boolean {
  return isSplit(row.kind) && (row.quotas[column] ?? null) === null;
}

/** How far one office's quotas cover the cumulative targets, as its 下达包 would carry them. */
export interface QuotaGap {
  readonly office: string;
  /** Cumulative indicators in the plan (the ones split among the offices). */
  readonly cumulative: number;
  /** Of those, how many have no quota for this office: 无任务 in its 下达包. */
  readonly missing: number;
}

/**
 * Every office's gap, in the offices' order, from the rows of the decomposition grid.
 * @example quotaGaps(grid.rows, grid.offices)[0] // { office: '宣州区', cumulative: 45, missing: 45 }
 */
export function quotaGaps(rows: readonly { readonly kind: IndicatorKind; readonly quotas: readonly (number | null)[] }[], offices: readonly string[]): QuotaGap[] {
  const cumulative = rows.filter((r) => isSplit(r.kind)).length;
  return offices.map((office, k) => ({ office, cumulative, missing: rows.filter((r) => unallocated(r, k)).length }));
}

/** Not one cumulative target has a quota for the office: its 下达包 would give it no cumulative target at all. */
export function hasNoQuota(gap: QuotaGap): boolean {
  return gap.cumulative > 0 && gap.missing === gap.cumulative;
}

/**
 * What to tell a person before an office's 下达包 is written, or null when every cumulative target has its
 * quota: the office would get no cumulative target at all, or some of them would be 无任务 (how many).
 * @example quotaGapWarning({ office: '郎溪县', cumulative: 45, missing: 43 }) // '「郎溪县」还有 43 个累计类指标没有分解任务(共 45 个)…'
 */
export function quotaGapWarning(gap: QuotaGap): string | null {
  if (gap.missing === 0) return null;
  if (hasNoQuota(gap)) {
    return `「${gap.office}」还没有分解任何任务:${gap.cumulative} 个累计类指标都没有填${gap.office}的任务,下达包里它们都将是「无任务」,`
      + `${gap.office}将没有任何累计类目标(水平类、增幅类、节点类指标沿用原目标)。请先在「任务分解」页填好${gap.office}的任务再生成下达包。`;
  }
  return `「${gap.office}」还有 ${gap.missing} 个累计类指标没有分解任务(共 ${gap.cumulative} 个),下达包里这些指标将是「无任务」,不计入${gap.office}的完成情况。`
    + '如是遗漏,请在「任务分解」页补上后重新生成下达包。';
}

/** Why a quota a person typed cannot be kept, or null. A cumulative quota of 0 is refused: blank is 无任务. */
export function quotaProblem(kind: IndicatorKind, value: number): string | null {
  if (!Number.isFinite(value)) return '不是数字';
  if (value < 0) return '不能为负数';
  if (value === 0 && isSplit(kind)) return '不能为0:没有任务请留空(无任务)';
  return null;
}

/**
 * Whether a quota looks like a mistake a person should see (not a refusal: the plan may count in fractions): a
 * fraction of something counted whole.
 * @example fractionalQuota('家', 0.3) // true
 */
export function fractionalQuota(measure: string, value: number): boolean {
  return !Number.isInteger(value) && isWholeMeasure(measure);
}

/** The word a blank quota shows: 无任务 where the target is split, 同目标 where each office keeps the plan's target. */
export function blankQuotaText(kind: IndicatorKind): string {
  return isSplit(kind) ? '无任务' : '同目标';
}

/** Columns of the decomposition table beside the offices' own: an office cannot be called so. */
const QUOTA_TABLE_WORDS: readonly string[] = ['合计', '差额', '说明'];

/** Why an office name cannot be used, or null. */
export function officeNameProblemOf(name: string, own: string): string | null {
  if (name.length === 0) return '名称不能为空';
  if (name.length > 30) return '名称不能超过30个字';
  const invisible = invisibleWords(name);
  if (invisible) return invisible;
  if (name.endsWith('本级') || name === own) return `「${name}」是本级各部门的合称,不是下级汇总端`;
  if (QUOTA_TABLE_WORDS.includes(name)) return `「${name}」是任务分解表的列名`;
  return null;
}

/**
 * Bodies a county calls by its level word alone, not by its full name: the party committee and its organs
 * (县委组织部, 县纪委), the people's congress and the CPPCC (县人大常委会, 县政协), the court and procuratorate
 * (县人民法院) and the people's organisations (县妇联, 县总工会, 县残联), as their own seals and documents read.
 * Government departments take the full name (郎溪县人社局), as the county government's documents list them.
 */
const SHORT_FORM_BODIES = ['委', '纪委', '人大', '政协', '人民法院', '人民检察院', '妇联', '总工会', '科协', '残联', '工商联', '文联', '侨联', '红十字会'];

/**
 * The name a subordinate office's own unit is proposed under, from the name of the parent's unit (one rule,
 * edited by a person before the units are set up):
 * - a unit of the parent's level (市人社局, 宣城市人社局) becomes the subordinate's: its full name for a government
 *   department (郎溪县人社局), its level word alone for the bodies of SHORT_FORM_BODIES (市委组织部 → 县委组织部,
 *   市妇联 → 县妇联);
 * - 团市委 → 团县委, the youth league's own word order;
 * - 市中级人民法院 → 县人民法院: a county has no intermediate court, its court is the basic people's court;
 * - a name without the parent's level word (宣城供电公司, 国网公司) keeps its name: it is not the parent's own.
 * The parent's level is that of its office name (市 when the name has none, as scopeWord reads it). An office of
 * the parent's own level word (a county-level city, 广德市, under a city) takes its full name where a county takes
 * its level word (广德市残联, 团广德市委): 市残联 would be the parent's own unit, and two units of one name under
 * two offices are mistaken for each other (their packages even share a file name).
 * @example proposeUnitName('市人社局', '市民生工作办公室', '郎溪县') // '郎溪县人社局'
 */
export function proposeUnitName(unit: string, parentOffice: string, office: string): string {
  const parent = firstPlace(parentOffice) ?? { place: '市', level: '市' };
  const level = levelWord(office);
  const short = level && level !== parent.level ? level : office;
  if (unit === `团${parent.level}委`) return `团${short}委`;
  const prefix = [parent.place, parent.level].find((p) => unit.startsWith(p) && unit.length > p.length);
  if (prefix === undefined) return unit;
  const rest = unit.slice(prefix.length);
  if (rest === '中级人民法院') return `${short}人民法院`;
  return SHORT_FORM_BODIES.some((b) => rest.startsWith(b)) ? `${short}${rest}` : `${office}${rest}`;
}

/**
 * What a subordinate office's plan calls its own subordinates where the parent's named them as a group: a
 * city's 各县、市、区政府 are, in a county's plan, its 各乡镇人民政府; a province's 各市人民政府 a city's 各县、市、区政府.
 * @example subordinatePhrase('各县、市、区政府', '市民生工作办公室') // '各乡镇人民政府'
 */
export function subordinatePhrase(phrase: string, parentOffice: string): string {
  const level = levelWord(parentOffice) || '市';
  return level === '省' ? '各县、市、区政府' : level === '市' || level === '州' || level === '盟' ? '各乡镇人民政府' : phrase;
}

/** One indicator's figure in a 下达包: the target the office is held to (officeTarget), null for 无任务. */
export interface AllottedTarget { readonly task: number; readonly indicator: number; readonly value: number | null }

/**
 * A subordinate office's plan from its parent's: the same tasks under the same numbers, its own units (the
 * parent's renamed by `names`, parent name → own name), and each indicator held to its allotted target.
 * An indicator allotted 无任务 is left out of the task, the other indicators keep their numbers: the office's
 * units report nothing on it and no view counts it, and a 汇总包 still names indicators as the parent numbers
 * them. A range quota (one figure) is "at least" that figure.
 * @example officePlan(parentPlan, [{ task: 1, indicator: 1, value: 40 }], names, '市民生工作办公室').categories[0].tasks[0].indicators[0].target // 40
 */
export function officePlan(parent: PlanDef, targets: readonly AllottedTarget[], names: ReadonlyMap<string, string>, parentOffice: string): PlanDef {
  const allotted = new Map(targets.map((t) => [`${t.task}.${t.indicator}`, t.value]));
  // A task may name a unit by one of its aliases: each is the unit's own name at the office.
  const own = new Map(parent.units.flatMap((u) => [u.name, ...u.aliases].map((n) => [n, names.get(u.name) ?? u.name] as const)));
  const rename = (n: string) => own.get(n) ?? n;
  const held = (taskNo: number, i: IndicatorDef): IndicatorDef[] => {
    const value = allotted.get(`${taskNo}.${i.no}`) ?? null;
    if (value === null) return [];
    // An unsplit indicator allotted its own target is held to the plan's as it is (a range stays a range).
    if (value === i.target && !isSplit(i.kind)) return [i];
    return [i.comparator === 'range' ? { ...i, comparator: '>=', target: value, targetMax: null } : { ...i, target: value }];
  };
  return {
    ...parent,
    categories: parent.categories.map((c) => ({
      ...c,
      tasks: c.tasks.map((t) => ({
        ...t,
        leadUnits: t.leadUnits.map(rename),
        coUnits: t.coUnits.map(rename),
        subordinates: t.subordinates && { ...t.subordinates, phrase: subordinatePhrase(t.subordinates.phrase, parentOffice) },
        indicators: t.indicators.flatMap((i) => held(t.no, i)),
      })),
    })),
    // The parent's aliases are other spellings of the parent's units, not of the office's own.
    units: parent.units.map((u) => ({ name: names.get(u.name) ?? u.name, aliases: [], kind: u.kind })),
  };
}

/**
 * What an office's 汇总包 column says: its revision (第2版); without one 待报送 while the due date has not passed
 * (every task it owes is waiting), 未报送 after; 本级各单位 for 本级, which sends none.
 * @example rollupStateText({ own: false, revision: null, missing: 0, waiting: 12, … }) // '待报送'
 */
export function rollupStateText(o: Pick<OfficeStanding, 'own' | 'revision' | 'missing' | 'waiting'>): string {
  if (o.own) return '本级各单位';
  if (o.revision !== null) return `第${o.revision}版`;
  return o.missing === 0 && o.waiting > 0 ? '待报送' : '未报送';
}

/**
 * How an office that holds a key is named in a refusal's `holders` (E_KEY_OF_OTHER_UNIT): this office,
 * its parent or a subordinate office. A key of theirs is never a unit's, so no screen offers to share it.
 */
export const OFFICE_HOLDER = {
  own: '本机汇总端',
  parent: (name: string) => `上级汇总端「${name}」`,
  subordinate: (name: string) => `下级汇总端「${name}」`,
} as const;

export function isOfficeHolder(holder: string): boolean {
  return holder === OFFICE_HOLDER.own || /^[上下]级汇总端「.*」$/.test(holder);
}
