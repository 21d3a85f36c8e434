import { VALUE_WORDS, type IndicatorFields, type IndicatorKind, type Role, type TaskStatus } from '../domain';
import { indicatorLight, isCeiling, type Thresholds, DEFAULT_THRESHOLDS } from './progress';
import { isRequired } from './required';
import { isWholeMeasure } from './kinds';

/** The largest figure the form takes: a thousand trillion (no plan counts beyond it, and sums stay finite). */
const MAX_FIGURE = 1e15;

/**
 * Two levels, as in the offline statistical clients users know: errors block saving and
 * exporting; warnings ask for a one-line explanation and then let the entry through.
 */
export type IssueLevel = 'error' | 'warning';

export type IssueCode =
  | 'NEGATIVE'
  | 'NOT_A_NUMBER'
  | 'BELOW_PREVIOUS'
  | 'FUNDS_SPENT_OVER_AVAILABLE'
  | 'FUNDS_AVAILABLE_OVER_PLANNED'
  | 'FUNDS_NEGATIVE'
  | 'OVER_3X_TARGET'
  | 'FRACTION_FOR_PERCENT'
  | 'FRACTION_OF_WHOLE'
  | 'TOO_BIG'
  | 'BEHIND_NO_PLAN'
  | 'MISSING_VALUE'
  | 'MISSING_STATUS'
  | 'BAD_PHONE'
  | 'TOO_LONG'
  | 'UNKNOWN_TASK'
  | 'NOT_OWN_TASK';

export type IssueField =
  | 'value'
  | 'note'
  | 'status'
  | 'progress'
  | 'problems'
  | 'nextSteps'
  | 'fundsPlanned'
  | 'fundsAvailable'
  | 'fundsSpent'
  | 'phone'
  | 'explanation';

export interface ValidationIssue {
  readonly level: IssueLevel;
  readonly code: IssueCode;
  readonly taskNo: number;
  readonly indicatorNo?: number;
  readonly field: IssueField;
  /** Plain Chinese naming the task, the indicator and the field. */
  readonly message: string;
  /** A warning that already carries its explanation no longer holds anything up. */
  readonly explained?: boolean;
}

export interface IndicatorEntry extends IndicatorFields {
  /** This period's cumulative value (累计完成); null when not entered yet. */
  readonly value: number | null;
  /** Last period's cumulative value, null in the first period or when none was reported. */
  readonly previous: number | null;
  /** Explanation for this value (explains a drop or an outlier). */
  readonly note: string;
}

export interface TaskEntry {
  readonly taskNo: number;
  readonly taskTitle: string;
  readonly role: Role;
  readonly status: TaskStatus | null;
  readonly progress: string;
  readonly problems: string;
  readonly nextSteps: string;
  readonly fundsPlanned: number | null;
  readonly fundsAvailable: number | null;
  readonly fundsSpent: number | null;
  readonly phone: string;
  /** One-line explanation for task-level warnings (behind schedule with empty problems/next steps). */
  readonly explanation: string;
  readonly indicators: readonly IndicatorEntry[];
}

/** `save` lets a draft be incomplete; `export` needs what shared/rules/required.ts marks 必填 for the task's role. */
export type ValidationMode = 'save' | 'export';

/** Longest narrative a field may hold: a package cell must stay under Excel's 32,767 limit. */
export const MAX_TEXT_CHARS = 4000;

const OUTLIER_FACTOR = 3;

const MAY_FALL: Readonly<Record<IndicatorKind, boolean>> = { cumulative: false, milestone: false, level: true, growth: true };

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10000) / 10000);
}

/**
 * Validates one task's entry for a period.
 * @example validateTaskEntry(entry, 6).filter((i) => i.level === 'error')
 */
export function validateTaskEntry(
  entry: TaskEntry,
  month: number,
  mode: ValidationMode = 'save',
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (i: Omit<ValidationIssue, 'taskNo'>) => issues.push({ taskNo: entry.taskNo, ...i });
  // The words naming the task and the indicator are built only for an issue: the office checks every
  // task of every package it imports, and nearly all pass.
  let named: string | undefined;
  const task = () => (named ??= `任务${entry.taskNo}「${entry.taskTitle}」`);

  let behind = false;
  for (const ind of entry.indicators) {
    const at = () => `${task()}指标「${ind.name}」`;
    const words = VALUE_WORDS[ind.kind];
    const hasNote = ind.note.trim() !== '';
    if (ind.value === null) {
      if (mode === 'export' && isRequired(entry.role, 'value')) {
        add({ level: 'error', code: 'MISSING_VALUE', indicatorNo: ind.no, field: 'value', message: `${at()}的「${words.value}」还没有填写。` });
      }
      continue;
    }
    if (!Number.isFinite(ind.value)) {
      add({ level: 'error', code: 'NOT_A_NUMBER', indicatorNo: ind.no, field: 'value', message: `${at()}的「${words.value}」不是有效数字。` });
      continue;
    }
    // A growth rate can fall below zero (a decline); a count, a rate or a share cannot.
    if (ind.value < 0 && ind.kind !== 'growth') {
      add({ level: 'error', code: 'NEGATIVE', indicatorNo: ind.no, field: 'value', message: `${at()}的「${words.value}」不能为负数(填的是 ${fmt(ind.value)})。` });
      continue;
    }
    // No plan counts in the quadrillions: beyond it a figure is a slip, and two such summed are no longer a number.
    if (Math.abs(ind.value) > MAX_FIGURE) {
      add({ level: 'error', code: 'TOO_BIG', indicatorNo: ind.no, field: 'value', message: `${at()}的「${words.value}」${fmt(ind.value)} 过大(超过一千万亿),请核对。` });
      continue;
    }
    // 1632.75人: something counted whole and done in a fraction. A level (每千人口医师数 3.2人) may be one, and so may a
    // milestone's share when lead units split it.
    if (ind.kind === 'cumulative' && !Number.isInteger(ind.value) && isWholeMeasure(ind.unit)) {
      add({
        level: 'warning', code: 'FRACTION_OF_WHOLE', indicatorNo: ind.no, field: 'note', explained: hasNote,
        message: `${at()}的「${words.value}」填的是 ${fmt(ind.value)}${ind.unit},「${ind.unit}」按整数计,请核对;如无误,请在「说明」中写一句原因。`,
      });
    }
    // What is done stays done: a cumulative figure or a milestone's count may not fall without a word
    // of why; a level or a growth rate may go down from one period to the next.
    if (!MAY_FALL[ind.kind] && ind.previous !== null && ind.value < ind.previous && !hasNote) {
      add({
        level: 'error', code: 'BELOW_PREVIOUS', indicatorNo: ind.no, field: 'value',
        message: `${at()}的「${words.value}」${fmt(ind.value)}${ind.unit}低于${words.previous} ${fmt(ind.previous)}${ind.unit}:${ind.kind === 'milestone' ? '已完成的不会减少' : '累计数只增不减'},如确需调减,请在「说明」中写明原因。`,
      });
    }
    const ceiling = isCeiling(ind);
    const upper = ind.comparator === 'range' && ind.targetMax !== null ? ind.targetMax : ind.target;
    if (!ceiling && upper > 0 && ind.value > OUTLIER_FACTOR * upper) {
      add({
        level: 'warning', code: 'OVER_3X_TARGET', indicatorNo: ind.no, field: 'note', explained: hasNote,
        message: `${at()}的「${words.value}」${fmt(ind.value)}${ind.unit}超过目标 ${fmt(upper)}${ind.unit}的3倍,请核实;如无误,请在「说明」中写一句原因。`,
      });
    }
    // 0.95 typed for 95%: a percentage target of 5 or more and a figure of at most 1 is a fraction typed for a percentage.
    if (ind.unit === '%' && ind.target >= 5 && ind.value > 0 && ind.value <= 1) {
      add({
        level: 'warning', code: 'FRACTION_FOR_PERCENT', indicatorNo: ind.no, field: 'note', explained: hasNote,
        message: `${at()}的「${words.value}」填的是 ${fmt(ind.value)}%,目标是 ${fmt(ind.target)}%:百分数请填百分号前的数(${fmt(ind.value)} 表示 ${fmt(ind.value)}%,95% 应填 95)。如无误,请在「说明」中写一句原因。`,
      });
    }
    // A cooperating unit's figure is its part of the lead's, never the whole: against the whole target it is not "behind".
    const light = indicatorLight(ind, ind.value, month, thresholds);
    if (entry.role === 'lead' && (light === 'yellow' || light === 'red')) behind = true;
  }

  if (behind && (entry.problems.trim() === '' || entry.nextSteps.trim() === '')) {
    const empty = [entry.problems.trim() === '' ? '「存在问题」' : '', entry.nextSteps.trim() === '' ? '「下步措施」' : ''].join('');
    add({
      level: 'warning', code: 'BEHIND_NO_PLAN', field: entry.problems.trim() === '' ? 'problems' : 'nextSteps',
      explained: entry.explanation.trim() !== '',
      message: `${task()}有指标落后于序时进度或未达到目标,但${empty}为空:请填写,或在「情况说明」中写一句原因。`,
    });
  }

  if (mode === 'export' && entry.status === null && isRequired(entry.role, 'status')) {
    add({ level: 'error', code: 'MISSING_STATUS', field: 'status', message: `${task()}还没有选择「推进状态」。` });
  }

  const funds: [IssueField, string, number | null][] = [
    ['fundsPlanned', '计划资金', entry.fundsPlanned],
    ['fundsAvailable', '到位资金', entry.fundsAvailable],
    ['fundsSpent', '支出资金', entry.fundsSpent],
  ];
  for (const [field, label, v] of funds) {
    if (v !== null && (!Number.isFinite(v) || v < 0)) {
      add({ level: 'error', code: 'FUNDS_NEGATIVE', field, message: `${task()}的「${label}」必须是不小于0的数字(万元)。` });
    }
  }
  if (entry.fundsSpent !== null && entry.fundsAvailable !== null && entry.fundsSpent > entry.fundsAvailable) {
    add({
      level: 'error', code: 'FUNDS_SPENT_OVER_AVAILABLE', field: 'fundsSpent',
      message: `${task()}的「支出资金」${fmt(entry.fundsSpent)}万元大于「到位资金」${fmt(entry.fundsAvailable)}万元。`,
    });
  }
  if (entry.fundsAvailable !== null && entry.fundsPlanned !== null && entry.fundsAvailable > entry.fundsPlanned) {
    add({
      level: 'error', code: 'FUNDS_AVAILABLE_OVER_PLANNED', field: 'fundsAvailable',
      message: `${task()}的「到位资金」${fmt(entry.fundsAvailable)}万元大于「计划资金」${fmt(entry.fundsPlanned)}万元。`,
    });
  }
  if (entry.phone.trim() !== '' && !/^[0-9+\-() ]{5,20}$/.test(entry.phone.trim())) {
    add({ level: 'error', code: 'BAD_PHONE', field: 'phone', message: `${task()}的「联系电话」格式不正确(只能包含数字、空格和 - + ( ))。` });
  }
  const texts: [IssueField, string, string][] = [
    ['progress', '工作进展', entry.progress],
    ['problems', '存在问题', entry.problems],
    ['nextSteps', '下步措施', entry.nextSteps],
    ['explanation', '情况说明', entry.explanation],
  ];
  for (const [field, label, text] of texts) {
    if (text.length > MAX_TEXT_CHARS) {
      add({ level: 'error', code: 'TOO_LONG', field, message: `${task()}的「${label}」超过 ${MAX_TEXT_CHARS} 字,请精简。` });
    }
  }
  return issues;
}

/** Issues that stop a save or an export: every error, and every warning not yet explained. */
export function blockingIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((i) => i.level === 'error' || !i.explained);
}
