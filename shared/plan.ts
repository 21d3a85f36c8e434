/**
 * A plan as data crosses a boundary (an assignment package, a plan file in JSON, the plan editor's
 * request): the one strict shape it is checked against, and what a plan parse answers.
 */
import * as z from 'zod';
import { COMPARATORS, INDICATOR_KINDS, type IndicatorKind, type PlanDef } from './domain';
import { inferKind, kindProblem } from './rules/kinds';

// `kind`, `deadline` and `frequency` came with issue 11, `leader` and `subordinates` with issue 12: a package
// written before them still imports, its indicators' kinds inferred as migration 003 infers them for a stored plan.
export const indicatorSchema = z.strictObject({
  no: z.number().int().positive(),
  name: z.string().min(1).max(200),
  comparator: z.enum(COMPARATORS as ['>=', '<=', '~', 'range', '=']),
  target: z.number().finite(),
  targetMax: z.number().finite().nullable(),
  unit: z.string().max(20),
  additive: z.boolean(),
  source: z.string().max(1000),
  kind: z.enum(INDICATOR_KINDS as [IndicatorKind, ...IndicatorKind[]]).optional(),
  deadline: z.number().int().min(1).max(12).nullable().optional(),
}).transform((i, ctx) => {
  const out = { ...i, kind: i.kind ?? inferKind(i), deadline: i.deadline ?? null };
  const problem = kindProblem(out);
  if (problem) ctx.addIssue({ code: 'custom', message: `指标「${i.name}」:${problem}` });
  return out;
});

export const planSchema: z.ZodType<PlanDef> = z.strictObject({
  id: z.string().min(1).max(100),
  year: z.number().int().min(2000).max(2100),
  title: z.string().min(1).max(200),
  issuedOn: z.string().max(10),
  issuer: z.string().max(200),
  revision: z.number().int().positive(),
  frequency: z.enum(['monthly', 'quarterly']).default('monthly'),
  categories: z.array(z.strictObject({
    no: z.string().min(1).max(10),
    seq: z.number().int().positive(),
    name: z.string().min(1).max(200),
    tasks: z.array(z.strictObject({
      no: z.number().int().positive(),
      title: z.string().min(1).max(500),
      text: z.string().max(10_000),
      leadUnits: z.array(z.string().min(1).max(100)).max(50),
      coUnits: z.array(z.string().min(1).max(100)).max(100),
      coUnitsOpenEnded: z.boolean(),
      leader: z.string().min(1).max(100).nullable().default(null),
      subordinates: z.strictObject({ role: z.enum(['lead', 'co']), phrase: z.string().min(1).max(100) }).nullable().default(null),
      indicators: z.array(indicatorSchema).max(100),
    })).max(500),
  })).max(50),
  units: z.array(z.strictObject({
    name: z.string().min(1).max(100),
    aliases: z.array(z.string().min(1).max(100)).max(20),
    kind: z.enum(['unit', 'group']),
  })).max(1000),
});

/**
 * Subordinate governments named as a group (TaskDef.subordinates), in a notice or a 责任分解表 cell alike:
 * 各县、市、区政府, 各县(市、区)人民政府, 各乡镇人民政府, 各街道办事处, 各乡镇(街道), and 各县(市、区), 各镇(区) with no 政府 after it. Looked for before a list is split at 、,
 * which the phrase itself contains.
 */
export const SUBORDINATE_GROUP = /各(?:县|市|区|乡|镇|街道|[、()\uFF08\uFF09])+?(?:人民政府|政府|办事处)|各乡镇(?:[(\uFF08]街道[)\uFF09]|、街道)?|各(?:县|乡镇|镇)[(\uFF08](?:市、?区|区|街道)[)\uFF09]|各县市区|各县区|各区县/;

/** Something a person must confirm in a parsed plan: a doubtful phrase, a guessed unit, a proposed kind. */
export interface PlanReviewItem {
  /** The task's number; null for the plan as a whole (its title, year, a unit list). */
  readonly task: number | null;
  readonly indicator?: number;
  readonly reason: string;
}

/** What stops a parsed plan from being used, named where it is ("第3行 G列(目标)" or "任务12"). */
export interface PlanProblem {
  readonly where: string;
  readonly message: string;
}

/**
 * A plan read from a notice (.docx, .txt, pasted text), a 责任分解表 (.xlsx) or a plan file (.json):
 * usable when `errors` is empty; `review` lists what a person should look at before confirming.
 */
export interface ParsedPlan {
  readonly plan: PlanDef;
  /**
   * Whether the file itself said how often units report (a JSON plan's `frequency`, the template's 报送频率):
   * a notice never does, and its plan's `frequency` is only the default then.
   */
  readonly frequencyStated?: boolean;
  readonly review: readonly PlanReviewItem[];
  readonly errors: readonly PlanProblem[];
}

