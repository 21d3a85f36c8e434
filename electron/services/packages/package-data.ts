/**
 * What each kind of package carries in its signed `data`, checked strictly on import (docs/package-format.md
 * §10). Apart from packages.ts, which makes packages, so that importing one never loads the writer (SheetJS).
 */
import * as z from 'zod';
import { TASK_STATUSES, type TaskStatus } from '../../../shared/domain';
import { DEFAULT_LIMITS, readVerifiedFile, type Limits, type PackageFile, type PackageKind, type VerifiedFile } from './package-format';

export const KIND_LABELS: Readonly<Record<PackageKind, string>> = {
  assignment: '任务包',
  report: '填报包',
  feedback: '反馈包',
  allocation: '下达包',
  rollup: '汇总包',
};

const num = z.number().finite().nullable();
const narrative = z.string().max(4000);

/** Compiled (z.compile): checked for every report a batch brings, on the importing thread (package-format.ts manifestSchema). */
export const reportDataSchema = z.compile(z.strictObject({
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
}));
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

// Here, not in package-format.ts, so that the verifying worker never loads the payloads' schemas (nor the
// plan's): it verifies, and the importing thread checks a report's shape when the file is handed over.

/** The file with its report's strict shape checked: `pkg.report` the data, or null (not a report, or not that shape). */
export function withReport(file: VerifiedFile): PackageFile {
  const { pkg } = file;
  const report = pkg.manifest.kind === 'report' ? reportDataSchema.safeParse(pkg.data).data ?? null : null;
  // The report is the data itself, checked (a strict shape changes nothing): one object, not two.
  return { ...file, pkg: { ...pkg, data: report ?? pkg.data, report } };
}

/**
 * Reads a package file and verifies it. The size is checked before the file is loaded, so a huge file
 * is refused without ever being read. The bytes are the file's own buffer (transferable from a worker).
 * Throws PackageError: E_NOT_A_PACKAGE (not a file), E_UNREADABLE, E_TOO_LARGE, and readPackage's.
 */
export function readPackageFile(file: string, limits: Limits = DEFAULT_LIMITS): PackageFile {
  return withReport(readVerifiedFile(file, limits));
}
