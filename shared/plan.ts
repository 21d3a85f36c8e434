/**
 * A plan as data crosses a boundary (an assignment package, a plan file in JSON, the plan editor's
 * request): the one strict shape it is checked against, and what a plan parse answers.
 */
import { z } from 'zod';
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
  readonly review: readonly PlanReviewItem[];
  readonly errors: readonly PlanProblem[];
}

/**
 * What makes a plan unusable whatever it was read from: the store and every package rely on these.
 * Task numbers are a task's identity in packages, so they are unique; every task has a lead unit; every
 * unit a task names is in the unit list (by name or alias), and no name means two units.
 * @example planProblems(PLAN_2019) // []
 */
export function planProblems(plan: PlanDef): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (where: string, message: string) => problems.push({ where, message });
  if (plan.title.trim() === '') add('计划', '缺少计划标题');
  const known = new Map<string, string>();
  for (const u of plan.units) {
    for (const n of [u.name, ...u.aliases]) {
      const other = known.get(n);
      if (other !== undefined && other !== u.name) add('单位', `「${n}」同时是「${other}」和「${u.name}」的名称或别名`);
      else if (other === u.name && n === u.name) add('单位', `单位「${n}」列了两次`);
      known.set(n, u.name);
    }
  }
  const taskNos = new Set<number>();
  let tasks = 0;
  for (const c of plan.categories) {
    if (c.name.trim() === '') add(`类别${c.no}`, '缺少类别名称');
    for (const t of c.tasks) {
      tasks++;
      const where = `任务${t.no}`;
      if (taskNos.has(t.no)) add(where, `任务序号 ${t.no} 重复`);
      taskNos.add(t.no);
      if (t.leadUnits.length === 0 && t.subordinates?.role !== 'lead') add(where, '没有牵头单位');
      for (const n of [...t.leadUnits, ...t.coUnits]) {
        if (!known.has(n)) add(where, `单位「${n}」不在单位名单中`);
      }
      const roles = [...t.leadUnits, ...t.coUnits].map((n) => known.get(n) ?? n);
      const twice = roles.find((n, i) => roles.indexOf(n) !== i);
      if (twice !== undefined) add(where, `「${twice}」在本任务中列了两次`);
      const indicatorNos = new Set<number>();
      for (const i of t.indicators) {
        const iw = `${where} 指标${i.no}(${i.name})`;
        if (indicatorNos.has(i.no)) add(iw, `指标序号 ${i.no} 重复`);
        indicatorNos.add(i.no);
        if (i.comparator === 'range' ? i.targetMax === null || i.targetMax < i.target : i.targetMax !== null) {
          add(iw, i.comparator === 'range' ? '区间目标须有不小于下限的上限' : '只有区间目标有目标上限');
        }
      }
    }
  }
  if (tasks === 0) add('计划', '没有任务');
  return problems;
}
