import type { Comparator, IndicatorKind, Light, TaskStatus } from '../domain';

/** Traffic-light thresholds, configurable in Settings. */
export interface Thresholds {
  /** Behind 序时进度 by less than this many percentage points is yellow; more is red. */
  readonly yellowPoints: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { yellowPoints: 10 };

/** 约/左右: reaching this share of the target counts as reaching it. */
export const APPROX_TOLERANCE = 0.05;

/**
 * 序时进度: by the end of month m of the plan year, m/12 of an annual target is due.
 * @example timeProgress(6) // 0.5
 */
export function timeProgress(month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`month ${month}`);
  return month / 12;
}

export interface IndicatorTarget {
  readonly comparator: Comparator;
  readonly target: number;
  readonly targetMax: number | null;
  readonly kind: IndicatorKind;
  /** A milestone's deadline month; null for the other kinds. */
  readonly deadline: number | null;
  /** %, ‰ …: a level or growth figure in these is behind its target by percentage (or per-mille) points. */
  readonly unit: string;
}

/**
 * What is due by the end of `month`, as a share of the target: 序时进度 for a cumulative target; the
 * target itself for a level or a growth rate (a rate is not scaled by the month); nothing for a
 * milestone until its deadline month, all of it from then on.
 * @example expectedShare({ kind: 'cumulative', … }, 6) // 0.5; expectedShare({ kind: 'level', … }, 6) // 1
 */
export function expectedShare(ind: Pick<IndicatorTarget, 'kind' | 'deadline'>, month: number): number {
  switch (ind.kind) {
    case 'cumulative':
      return timeProgress(month);
    case 'level':
    case 'growth':
      return 1;
    case 'milestone':
      return month >= (ind.deadline ?? 12) ? 1 : 0;
  }
}

/**
 * Completion of an indicator, 0…1 (1 = target reached).
 * A `<=` ceiling is met (1) while the value stays at or under it; over it, completion is target/value.
 * `~` counts as reached at 95% of the target; `range` at its lower bound.
 * @example completion({ comparator: '>=', target: 250, targetMax: null }, 125) // 0.5
 */
export function completion(ind: Pick<IndicatorTarget, 'comparator' | 'target' | 'targetMax'>, value: number): number {
  if (!Number.isFinite(value)) return 0;
  switch (isCeiling(ind) ? '<=' : ind.comparator) {
    case '<=':
      if (value <= ind.target) return 1;
      return value > 0 ? clamp01(ind.target / value) : 0;
    case '~':
      return ratio(value, ind.target * (1 - APPROX_TOLERANCE));
    case '>=':
    case '=':
    case 'range':
      return ratio(value, ind.target);
  }
}

function ratio(value: number, target: number): number {
  if (target <= 0) return value >= target ? 1 : 0;
  return clamp01(value / target);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Whether an indicator's target is met. A ceiling is met while the value stays under it. */
export function isMet(ind: Pick<IndicatorTarget, 'comparator' | 'target' | 'targetMax'>, value: number): boolean {
  return completion(ind, value) >= 1;
}

/** Units whose figures are themselves percentages (a target of 提高2个百分点 too): a level is behind its target by points of them. */
const PERCENT_UNITS = new Set(['%', '百分点', '个百分点']);
const PER_MILLE_UNITS = new Set(['‰', '千分点', '个千分点']);

/** Whether a figure in this unit is a percentage or per-mille figure: behind by its own points, never summed across units. */
export function isPointUnit(unit: string): boolean {
  return PERCENT_UNITS.has(unit) || PER_MILLE_UNITS.has(unit);
}

/** The points a figure in this unit is behind or ahead by: 个百分点 or 个千分点, or null for other units. */
export function pointWord(unit: string): '个百分点' | '个千分点' | null {
  return PERCENT_UNITS.has(unit) ? '个百分点' : PER_MILLE_UNITS.has(unit) ? '个千分点' : null;
}

/**
 * A ceiling: `<=`, and an exact target of 0 (零事故, 控制在0 written as "= 0"), which any figure above 0
 * misses: as a floor, 0 would be reached by every figure.
 */
export function isCeiling(ind: { readonly comparator: string; readonly target?: number }): boolean {
  return ind.comparator === '<=' || (ind.comparator === '=' && ind.target === 0);
}

/**
 * How far a level or growth figure is from its target, signed (negative = short of it): in the
 * indicator's own points for % and ‰ ("低于目标2个百分点"), else in per cent of the target. For a
 * ceiling, being under it counts as ahead.
 */
function pointsAgainstTarget(ind: IndicatorTarget, value: number): number {
  const ahead = isCeiling(ind) ? ind.target - value : value - ind.target;
  if (isPointUnit(ind.unit)) return ahead;
  return ind.target === 0 ? (ahead >= 0 ? 0 : -100) : (ahead / Math.abs(ind.target)) * 100;
}

/**
 * 超欠进度 in points (negative = behind), each kind in its own terms: a cumulative figure against
 * 序时进度 (a ceiling has no schedule: 0 while met, negative by how far it is over); a level or growth
 * figure against its target (pointsAgainstTarget); a milestone is not behind before its deadline month.
 * @example gapPoints({ kind: 'cumulative', comparator: '>=', target: 100, … }, 45, 6) // -5
 * @example gapPoints({ kind: 'level', comparator: '>=', target: 95, unit: '%', … }, 93, 6) // -2
 */
export function gapPoints(ind: IndicatorTarget, value: number, month: number): number {
  const c = completion(ind, value);
  switch (ind.kind) {
    case 'cumulative':
      return round2((c - (isCeiling(ind) ? 1 : timeProgress(month))) * 100);
    case 'level':
    case 'growth':
      return round2(pointsAgainstTarget(ind, value));
    case 'milestone':
      return c >= 1 || month < (ind.deadline ?? 12) ? 0 : round2((c - 1) * 100);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Light of one indicator, each kind in its own terms: green when met (done is done) or on schedule;
 * yellow when behind by less than the threshold (points behind 序时进度 for a cumulative figure, points
 * behind the target for a level or growth figure); red when behind by more. A ceiling is red once over,
 * in every kind; a milestone is green until its deadline month and red from then on until done.
 * @example indicatorLight({ kind: 'cumulative', comparator: '>=', target: 100, … }, 45, 6) // 'yellow'
 * @example indicatorLight({ kind: 'level', comparator: '>=', target: 95, unit: '%', … }, 93, 6) // 'yellow'
 */
export function indicatorLight(
  ind: IndicatorTarget,
  value: number | null | undefined,
  month: number,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Light {
  if (value === null || value === undefined) return 'red';
  const c = completion(ind, value);
  if (c >= 1) return 'green';
  if (isCeiling(ind)) return 'red';
  if (ind.kind === 'milestone') return month < (ind.deadline ?? 12) ? 'green' : 'red';
  // Rounded so 0.5 − 0.4 is exactly 10 points, not 9.999…: the threshold must cut where people count.
  const behind = Math.round(-gapPoints(ind, value, month) * 1e6) / 1e6;
  if (behind <= 0) return 'green';
  return behind < thresholds.yellowPoints ? 'yellow' : 'red';
}

const LIGHT_RANK: Readonly<Record<Light, number>> = { none: 0, green: 1, yellow: 2, red: 3 };

/** The worst of several lights (red > yellow > green). */
export function worstLight(lights: readonly Light[]): Light {
  let worst: Light = 'none';
  for (const l of lights) if (LIGHT_RANK[l] > LIGHT_RANK[worst]) worst = l;
  return worst;
}

export interface TaskLightInput {
  /** Null when the unit sent no report for a due period. */
  readonly status: TaskStatus | null;
  readonly indicators: readonly { readonly target: IndicatorTarget; readonly value: number | null }[];
}

/**
 * Light of a task for one period. No report → red. 已完成 → green. A task with indicators takes its
 * worst indicator; a task with no number is judged by status alone (未开始 is yellow).
 */
export function taskLight(input: TaskLightInput, month: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): Light {
  if (input.status === null) return 'red';
  if (input.status === '已完成') return 'green';
  if (input.indicators.length === 0) return input.status === '未开始' ? 'yellow' : 'green';
  return worstLight(input.indicators.map((i) => indicatorLight(i.target, i.value, month, thresholds)));
}

/** Mean of completions (0…1), or null when there is nothing to average. */
export function meanCompletion(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** 超进度 / 达进度 / 欠进度 / 已完成, as bulletins count indicators. */
export type ScheduleClass = '已完成' | '超进度' | '达进度' | '欠进度';

/**
 * How a bulletin counts an indicator. 已完成 is a cumulative target or a milestone reached, or a level or
 * growth target met in the year's last period (met earlier it may still slip: 达进度).
 */
export function scheduleClass(ind: IndicatorTarget, value: number, month: number): ScheduleClass {
  const c = completion(ind, value);
  if (c >= 1) return ind.kind === 'level' || ind.kind === 'growth' ? (month === 12 ? '已完成' : '达进度') : '已完成';
  const gap = gapPoints(ind, value, month);
  if (gap > 0) return '超进度';
  if (gap === 0) return '达进度';
  return '欠进度';
}
