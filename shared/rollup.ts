/**
 * What a 汇总包 (roll-up, kind `rollup`) carries from a subordinate office to its parent, and what a 下达包
 * (allocation, kind `allocation`) carries from an office to a subordinate office: the strict shapes both
 * sides check (the writer never writes what the reader would refuse). docs/package-format.md §10 describes
 * them for people. Pure TypeScript: no Node or DOM APIs.
 *
 * Indicators are named as everywhere in packages: by task number and indicator number of the plan the
 * parent allotted (a subordinate office's plan is its parent's, with its own quotas as targets, so the
 * numbers are the same on both sides).
 */
import * as z from 'zod';
import { TASK_STATUSES, type IndicatorKind, type Light, type TaskStatus } from './domain';
import { isSplit } from './levels';
import { planSchema } from './plan';
import type { PeriodSummaryHeader } from './summaries';
import { isPeriodId, type ReportTiming, type TimingCounts } from './rules/periods';

const count = z.number().int().min(0).max(1_000_000);
const text = (max: number) => z.string().max(max);
const name = z.string().min(1).max(200);
const publicKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

/** One indicator's figure for the office as a whole. */
export const rollupIndicatorSchema = z.strictObject({
  task: z.number().int().positive(),
  indicator: z.number().int().positive(),
  /** The target the office is held to (its quota, or the plan's target for a level/growth one); null = 无任务. */
  target: z.number().finite().nullable(),
  /** The office's figure; null while no unit has reported one for the period. */
  value: z.number().finite().nullable(),
  /**
   * How the figure was made: `sum` of the units' cumulative values; `lead` the lead unit's value (a level,
   * growth or milestone indicator: never an average of units, since the plan has no numerator/denominator).
   */
  basis: z.enum(['sum', 'lead']),
  /** How many units' values the figure holds. */
  units: count,
});

/** One task as the office reports it upward: its lead unit's status and narrative. */
export const rollupTaskSchema = z.strictObject({
  task: z.number().int().positive(),
  /** The office's own lead unit of the task (郎溪县人社局); null when none of its units leads it. */
  lead: name.nullable(),
  status: z.enum(TASK_STATUSES as [TaskStatus, ...TaskStatus[]]).nullable(),
  progress: text(4000),
  problems: text(4000),
  nextSteps: text(4000),
  light: z.enum(['green', 'yellow', 'red', 'none']),
});

/**
 * What the office's units owed for the period and what came in (its reporting completeness), counted by
 * reportTiming on the sending office's clock the day it wrote the package: onTime + late + missing + waiting = due.
 */
export const rollupCompletenessSchema = z.strictObject({
  units: count,
  due: count,
  onTime: count,
  late: count,
  missing: count,
  /**
   * Lead tasks not in yet while the due date had not passed (待报). A 汇总包 written before this field existed
   * has none: it reads as 0, as that version counted such tasks among `missing`.
   */
  waiting: count.default(0),
});

/** A lagging item (滞后事项) of the office: a red indicator or a task not reported, with its unit. */
export const rollupLaggingSchema = z.strictObject({
  task: z.number().int().positive(),
  indicator: z.number().int().positive().nullable(),
  unit: name,
  reason: text(400),
});

export const rollupDataSchema = z.strictObject({
  /** The sending office: the name its parent lists it under (郎溪县) and its own public key (= signerKey). */
  office: z.strictObject({ name, publicKey }),
  period: z.string().refine(isPeriodId, '报送期应为 YYYY-MM'),
  completeness: rollupCompletenessSchema,
  indicators: z.array(rollupIndicatorSchema).max(10_000),
  tasks: z.array(rollupTaskSchema).max(10_000),
  lagging: z.array(rollupLaggingSchema).max(10_000),
});

/**
 * How an indicator's figure is made for a whole area: a cumulative one (counts, lengths, areas, amounts) is
 * summed over units and offices; any other kind is the lead unit's own figure, never an average.
 * @example rollupBasis('level') // 'lead'
 */
export function rollupBasis(kind: IndicatorKind): 'sum' | 'lead' {
  return isSplit(kind) ? 'sum' : 'lead';
}

/**
 * Where one office (or 本级) stands for a period at its parent, judged against its quotas. `due`: the tasks it
 * owes, those with an indicator it has a target for (无任务 left out) and those with none, on this office's clock;
 * `missing` counts no 汇总包, or a task not in it in full.
 */
export interface OfficeStanding extends TimingCounts {
  readonly office: string;
  /** 本级: the office's own departments, not a subordinate office. */
  readonly own: boolean;
  /** The roll-up the figures come from (a subordinate office's); null for 本级 or while none came in. */
  readonly revision: number | null;
  readonly receivedOn: string | null;
  /** Mean completion (0…1) of its indicators against its own targets; null when it has none. */
  readonly completion: number | null;
  readonly green: number;
  readonly yellow: number;
  readonly red: number;
  /** The tasks it owes, in plan order, for the drill-down. */
  readonly tasks: readonly OfficeTaskRow[];
}

/** One task an office (or 本级) owes for the period, as its parent sees it. */
export interface OfficeTaskRow {
  readonly task: number;
  readonly title: string;
  /** Null: not reported. */
  readonly status: TaskStatus | null;
  readonly reported: ReportTiming;
  readonly light: Light;
  /** The lead unit's narrative (for an office: as its 汇总包 carried it). */
  readonly progress: string;
  readonly problems: string;
  readonly nextSteps: string;
}

/** One column of an indicator's row: the office's target (null = 无任务) and its figure. */
export interface OfficeFigure {
  readonly target: number | null;
  readonly value: number | null;
}

/** One indicator across 本级 and the offices, with the whole area's figure. */
export interface OfficeIndicatorRow {
  readonly task: number;
  readonly indicator: number;
  readonly name: string;
  readonly unit: string;
  readonly kind: IndicatorKind;
  readonly basis: 'sum' | 'lead';
  /** The area's target (全市目标). */
  readonly target: number;
  readonly own: OfficeFigure;
  /** In the office order. */
  readonly offices: readonly OfficeFigure[];
  /** The area's figure: 本级 + offices for a cumulative indicator; 本级's own figure for any other. */
  readonly total: number | null;
}

/** The parent's view of its subordinate offices for a period (summary:byOffice, `ledger summary --by office`). */
export interface ByOfficeView {
  readonly head: PeriodSummaryHeader;
  /** 本级: the office's own departments (市本级 / 县本级), judged against 本级's own quotas. */
  readonly own: OfficeStanding;
  /** Every subordinate office in order, whether its roll-up came in or not. */
  readonly offices: readonly OfficeStanding[];
  readonly indicators: readonly OfficeIndicatorRow[];
  /** The office this one rolls up to (its 汇总包 go there), and the name it is listed under there; null at the top. */
  readonly parent: { readonly name: string; readonly officeName: string } | null;
}

export type RollupIndicator = z.infer<typeof rollupIndicatorSchema>;
export type RollupTask = z.infer<typeof rollupTaskSchema>;
export type RollupCompleteness = z.infer<typeof rollupCompletenessSchema>;
export type RollupLagging = z.infer<typeof rollupLaggingSchema>;
export type RollupData = z.infer<typeof rollupDataSchema>;

/** The period list of a 下达包, as a 任务包 carries it: every reporting period of the plan with its due date. */
const allocationPeriodSchema = z.strictObject({ period: z.string().refine(isPeriodId, '报送期应为 YYYY-MM'), dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

/**
 * A 下达包's data: the parent's plan as it is, the office it is for (by the name the parent lists it under),
 * the parent itself (its key = signerKey), the periods, and per indicator of the plan the target the office is
 * held to (shared/levels.ts officeTarget): its quota, the plan's target for a level, growth or milestone
 * indicator without one, or null for 无任务.
 */
export const allocationDataSchema = z.strictObject({
  plan: planSchema,
  office: name,
  parent: z.strictObject({ name, publicKey }),
  periods: z.array(allocationPeriodSchema).max(120),
  targets: z.array(z.strictObject({
    task: z.number().int().positive(),
    indicator: z.number().int().positive(),
    value: z.number().finite().nullable(),
  })).max(10_000),
});

export type AllocationData = z.infer<typeof allocationDataSchema>;
