/**
 * What each kind of package carries in its signed `data`, checked strictly on import (docs/package-format.md
 * §10). Apart from packages.ts, which makes packages, so that importing one never loads the writer (SheetJS).
 */
import * as z from 'zod';
import { TASK_STATUSES, type TaskStatus } from '../../../shared/domain';
import { planSchema } from '../../../shared/plan';
import type { PackageKind } from './package-format';

export const KIND_LABELS: Readonly<Record<PackageKind, string>> = {
  assignment: '任务包',
  report: '填报包',
  feedback: '反馈包',
  allocation: '下达包',
  rollup: '汇总包',
};

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
