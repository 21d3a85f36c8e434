/**
 * Domain types shared by the store, the services, the command line and the renderer.
 * Pure TypeScript: no Node or DOM APIs (checked by ESLint).
 */

/**
 * How a target is read:
 * `>=` 以上/不低于/达到/plain "完成N" — at least; `<=` 以内/不超过/控制在 — a ceiling;
 * `~` 约/左右 — approximately; `range` "1-2家" — between target and targetMax; `=` exactly N named items.
 */
export type Comparator = '>=' | '<=' | '~' | 'range' | '=';

export const COMPARATORS: readonly Comparator[] = ['>=', '<=', '~', 'range', '='];

/**
 * How an indicator is judged, as the office's own bulletins judge it ("未达到序时进度(进展情况占比低于
 * 序时进度或增幅低于目标任务)"):
 * - `cumulative` (counts, lengths, areas, amounts): its share of the annual target against 序时进度;
 * - `level` (rates, shares, ratios, averages: 参保率95%, 成灾率5.46‰): the latest value against the target itself;
 * - `growth` (增长9%左右, 增幅): growth to date against the target growth;
 * - `milestone` (年内建成, 6月底前完成): no penalty until its deadline month, red after it until done.
 */
export type IndicatorKind = 'cumulative' | 'level' | 'growth' | 'milestone';

export const INDICATOR_KINDS: readonly IndicatorKind[] = ['cumulative', 'level', 'growth', 'milestone'];

export const INDICATOR_KIND_LABELS: Readonly<Record<IndicatorKind, string>> = {
  cumulative: '累计类', level: '水平类', growth: '增幅类', milestone: '节点类',
};

/**
 * The words a value and the previous period's value go by, per kind: 累计 only where values add up
 * over the year; a rate has a 当前值, a growth target an 增幅, a milestone a 完成情况.
 */
export const VALUE_WORDS: Readonly<Record<IndicatorKind, { readonly value: string; readonly previous: string }>> = {
  cumulative: { value: '累计完成', previous: '上期累计' },
  level: { value: '当前值', previous: '上期值' },
  growth: { value: '增幅', previous: '上期增幅' },
  milestone: { value: '完成情况', previous: '上期完成情况' },
};

/** One quantitative target in a task's text, e.g. "开展技能脱贫培训250人". */
export interface IndicatorDef {
  /** 1-based position within its task. */
  readonly no: number;
  readonly name: string;
  readonly comparator: Comparator;
  /** 万 multiplied out: 86.79万 → 867900. For `range`, the lower bound. */
  readonly target: number;
  /** Upper bound of a `range` target ("1-2家" → 2); null otherwise. */
  readonly targetMax: number | null;
  /** Unit of measure as written: 人, 个, %, ‰, 公里, 亩, 套, 户, 元 … */
  readonly unit: string;
  /** Counts, lengths and areas add up across units; rates (%, ‰) and per-person amounts do not. */
  readonly additive: boolean;
  readonly kind: IndicatorKind;
  /** A milestone's deadline: the month (1…12) by whose end it must be done; null for the other kinds. */
  readonly deadline: number | null;
  /** The exact phrase of the source document the target comes from. */
  readonly source: string;
}

/** An indicator without its source phrase: what every view, entry and summary of it carries. */
export type IndicatorFields = Omit<IndicatorDef, 'source'>;

/** Just the IndicatorFields of an indicator (a stored one has an id and its source besides). */
export function indicatorFields(i: IndicatorFields): IndicatorFields {
  const { no, name, comparator, target, targetMax, unit, additive, kind, deadline } = i;
  return { no, name, comparator, target, targetMax, unit, additive, kind, deadline };
}

export interface TaskDef {
  /** 1…54, as numbered in the document. */
  readonly no: number;
  /** Text before the first 。 */
  readonly title: string;
  /** Full text of the task, without its number and without the (牵头责任单位…) parenthesis. */
  readonly text: string;
  readonly leadUnits: readonly string[];
  readonly coUnits: readonly string[];
  /** The document ends the cooperating list with 等: more units may be involved. */
  readonly coUnitsOpenEnded: boolean;
  /** 牵头负责领导 as the notice names it ("副市长 张三"); null where the notice names none. */
  readonly leader: string | null;
  /**
   * The subordinate governments the notice names as a group (各县、市、区政府; 各乡镇人民政府 in a county's plan):
   * not a unit called that, but every subordinate office (下级汇总端), leading or cooperating; null where none.
   */
  readonly subordinates: SubordinateGroup | null;
  readonly indicators: readonly IndicatorDef[];
}

/** Subordinate offices named as a group in a task's units, with the phrase as printed. */
export interface SubordinateGroup {
  readonly role: Role;
  readonly phrase: string;
}

export interface CategoryDef {
  /** Chinese numeral as printed: 一 … 九 */
  readonly no: string;
  readonly seq: number;
  readonly name: string;
  readonly tasks: readonly TaskDef[];
}

/** `group` is a body such as "市安全生产委员会成员单位": listed, never a reporting unit itself. */
export type UnitKind = 'unit' | 'group';

export interface UnitDef {
  /** Canonical name. */
  readonly name: string;
  /** Other spellings found in documents, e.g. 市教体厅 for 市教体局. */
  readonly aliases: readonly string[];
  readonly kind: UnitKind;
}

export interface PlanDef {
  /** Stable id, e.g. "xuancheng-2019". */
  readonly id: string;
  readonly year: number;
  readonly title: string;
  /** ISO date the plan was issued. */
  readonly issuedOn: string;
  readonly issuer: string;
  /** Grows when targets change mid-year. */
  readonly revision: number;
  /** How often units report: every month, or every quarter (periods end in March, June, September, December). */
  readonly frequency: ReportingFrequency;
  readonly categories: readonly CategoryDef[];
  /** In the fixed order every unit list and summary uses. */
  readonly units: readonly UnitDef[];
}

export type ReportingFrequency = 'monthly' | 'quarterly';

export const REPORTING_FREQUENCIES: readonly ReportingFrequency[] = ['monthly', 'quarterly'];

export const FREQUENCY_LABELS: Readonly<Record<ReportingFrequency, string>> = { monthly: '按月', quarterly: '按季度' };

export type TaskStatus = '未开始' | '推进中' | '已完成';
export const TASK_STATUSES: readonly TaskStatus[] = ['未开始', '推进中', '已完成'];

export type Role = 'lead' | 'co';

/** The fields a person enters for one task in one period (funds in 万元). */
export interface ReportFields {
  readonly status: TaskStatus | null;
  readonly progress: string;
  readonly problems: string;
  readonly nextSteps: string;
  /** One-line explanation for task-level warnings. */
  readonly explanation: string;
  readonly fundsPlanned: number | null;
  readonly fundsAvailable: number | null;
  readonly fundsSpent: number | null;
  readonly contact: string;
  readonly phone: string;
}

export type Light = 'green' | 'yellow' | 'red' | 'none';

export const LIGHT_LABELS: Readonly<Record<Light, string>> = {
  green: '绿灯',
  yellow: '黄灯',
  red: '红灯',
  none: '无',
};

/** A period is a month of the plan year, written YYYY-MM. */
export type PeriodId = string;

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
