/**
 * Subordinate offices (下级汇总端) and the decomposition of targets into their quotas (任务分解): the rules the
 * services, the command line, the quota table and the renderer's grid share, so a sum or a difference reads
 * the same everywhere. Pure TypeScript: no Node or DOM APIs.
 */
import type { Comparator, IndicatorKind } from './domain';

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
  const name = officeName.trim();
  const levelAt = (i: number) => LEVEL_WORDS.find((w) => name.startsWith(w, i));
  for (let i = 0; i < name.length; i++) {
    const word = levelAt(i);
    if (!word) continue;
    if (i === 0 && (levelAt(word.length) || levelAt(word.length + 1))) continue;
    return word.startsWith('自治') ? word.slice(2) : word;
  }
  return '';
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

/** Why a quota a person typed cannot be kept, or null. A cumulative quota of 0 is refused: blank is 无任务. */
export function quotaProblem(kind: IndicatorKind, value: number): string | null {
  if (!Number.isFinite(value)) return '不是数字';
  if (value < 0) return '不能为负数';
  if (value === 0 && isSplit(kind)) return '不能为0:没有任务请留空(无任务)';
  return null;
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
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return '名称含有不可见字符';
  if (name.endsWith('本级') || name === own) return `「${name}」是本级各部门的合称,不是下级汇总端`;
  if (QUOTA_TABLE_WORDS.includes(name)) return `「${name}」是任务分解表的列名`;
  return null;
}
