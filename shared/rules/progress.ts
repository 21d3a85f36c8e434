import type { Comparator, Light, TaskStatus } from '../domain';

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
}

/**
 * Completion of an indicator, 0…1 (1 = target reached).
 * A `<=` ceiling is met (1) while the value stays at or under it; over it, completion is target/value.
 * `~` counts as reached at 95% of the target; `range` at its lower bound.
 * @example completion({ comparator: '>=', target: 250, targetMax: null }, 125) // 0.5
 */
export function completion(ind: IndicatorTarget, value: number): number {
  if (!Number.isFinite(value)) return 0;
  switch (ind.comparator) {
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
export function isMet(ind: IndicatorTarget, value: number): boolean {
  return completion(ind, value) >= 1;
}

/**
 * 超欠进度 in percentage points against 序时进度 (negative = behind). A ceiling has no schedule:
 * it is 0 while met and negative by how far it is over.
 */
export function gapPoints(ind: IndicatorTarget, value: number, month: number): number {
  const c = completion(ind, value);
  const expected = ind.comparator === '<=' ? 1 : timeProgress(month);
  return round2((c - expected) * 100);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Light of one indicator: green when met or at/above 序时进度; yellow when behind by less than the
 * threshold; red when behind by more. A ceiling is green while met, red once over.
 * @example indicatorLight({ comparator: '>=', target: 100, targetMax: null }, 45, 6) // 'yellow'
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
  if (ind.comparator === '<=') return 'red';
  // Rounded so 0.5 − 0.4 is exactly 10 points, not 9.999…: the threshold must cut where people count.
  const behind = Math.round((timeProgress(month) - c) * 100 * 1e6) / 1e6;
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

export function scheduleClass(ind: IndicatorTarget, value: number, month: number): ScheduleClass {
  const c = completion(ind, value);
  if (c >= 1) return '已完成';
  const gap = gapPoints(ind, value, month);
  if (gap > 0) return '超进度';
  if (gap === 0) return '达进度';
  return '欠进度';
}
