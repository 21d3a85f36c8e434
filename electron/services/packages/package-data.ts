/**
 * What each kind of package carries in its signed `data`, checked strictly on import (docs/package-format.md
 * §10). Apart from packages.ts, which makes packages, so that importing one never loads the writer (SheetJS).
 */
import { z } from 'zod';
import { COMPARATORS, INDICATOR_KINDS, TASK_STATUSES, type IndicatorKind, type TaskStatus } from '../../../shared/domain';
import { inferKind, kindProblem } from '../../../shared/rules/kinds';
import type { PackageKind } from './package-format';

export const KIND_LABELS: Readonly<Record<PackageKind, string>> = {
  assignment: '任务包',
  report: '填报包',
  feedback: '反馈包',
};

// `kind`, `deadline` and `frequency` came with issue 11: a package written before them still imports,
// its indicators' kinds inferred as migration 003 infers them for a stored plan.
const indicatorSchema = z.strictObject({
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

const planSchema = z.strictObject({
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
      indicators: z.array(indicatorSchema).max(100),
    })).max(500),
  })).max(50),
  units: z.array(z.strictObject({
    name: z.string().min(1).max(100),
    aliases: z.array(z.string().min(1).max(100)).max(20),
    kind: z.enum(['unit', 'group']),
  })).max(1000),
});

export const assignmentDataSchema = z.strictObject({
  plan: planSchema,
  periods: z.array(z.strictObject({ period: z.string().regex(/^\d{4}-\d{2}$/), dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })).max(120),
  unit: z.string().min(1).max(100),
  office: z.strictObject({ name: z.string().min(1).max(200), publicKey: z.string().max(100) }),
});
export type AssignmentData = z.infer<typeof assignmentDataSchema>;

const num = z.number().finite().nullable();
const narrative = z.string().max(4000);

export const reportDataSchema = z.strictObject({
  unit: z.string().min(1).max(100),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  reports: z.array(z.strictObject({
    task: z.number().int().positive(),
    role: z.enum(['lead', 'co']),
    status: z.enum(TASK_STATUSES as [TaskStatus, ...TaskStatus[]]).nullable(),
    progress: narrative,
    problems: narrative,
    nextSteps: narrative,
    explanation: narrative,
    fundsPlanned: num,
    fundsAvailable: num,
    fundsSpent: num,
    contact: z.string().max(100),
    phone: z.string().max(40),
    enteredBy: z.string().max(100),
    values: z.array(z.strictObject({ indicator: z.number().int().positive(), value: num, note: narrative })).max(100),
  })).max(1000),
});
export type ReportData = z.infer<typeof reportDataSchema>;

export const feedbackDataSchema = z.strictObject({
  unit: z.string().min(1).max(100),
  receipts: z.array(z.strictObject({
    packageId: z.string().max(100),
    period: z.string().max(7).nullable(),
    revision: z.number().int(),
    receivedOn: z.string().max(10).nullable(),
  })).max(10_000),
  returns: z.array(z.strictObject({
    period: z.string().regex(/^\d{4}-\d{2}$/),
    task: z.number().int().positive(),
    comment: z.string().min(1).max(1000),
    createdAt: z.string().max(40),
  })).max(10_000),
});
export type FeedbackData = z.infer<typeof feedbackDataSchema>;
