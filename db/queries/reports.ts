import type { ReportFields, Role } from '../../shared/domain';

export type { ReportFields } from '../../shared/domain';
import type { ReportSource, Tx } from '../schema';

export interface ReportValue { readonly indicatorId: number; readonly value: number | null; readonly note: string }


export interface Report extends ReportFields {
  readonly id: number;
  readonly periodId: number;
  readonly unitId: number;
  readonly taskId: number;
  readonly role: Role;
  readonly enteredBy: string;
  readonly proxy: boolean;
  readonly source: ReportSource;
  readonly packageId: string | null;
  readonly revision: number;
  readonly receivedOn: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly values: readonly ReportValue[];
}

export const EMPTY_FIELDS: ReportFields = {
  status: null, progress: '', problems: '', nextSteps: '', explanation: '',
  fundsPlanned: null, fundsAvailable: null, fundsSpent: null, contact: '', phone: '',
};

/**
 * Reports of one period, optionally of one unit, with their values.
 * @example await listReports(db, period.id, { unitId })
 */
export async function listReports(db: Tx, periodId: number, opts: { unitId?: number; taskId?: number } = {}): Promise<Report[]> {
  let q = db.selectFrom('reports').selectAll().where('period_id', '=', periodId);
  if (opts.unitId !== undefined) q = q.where('unit_id', '=', opts.unitId);
  if (opts.taskId !== undefined) q = q.where('task_id', '=', opts.taskId);
  const rows = await q.orderBy('id').execute();
  if (rows.length === 0) return [];
  let vq = db
    .selectFrom('report_values')
    .innerJoin('reports', 'reports.id', 'report_values.report_id')
    .select(['report_values.report_id', 'report_values.indicator_id', 'report_values.value', 'report_values.note'])
    .where('reports.period_id', '=', periodId);
  if (opts.unitId !== undefined) vq = vq.where('reports.unit_id', '=', opts.unitId);
  if (opts.taskId !== undefined) vq = vq.where('reports.task_id', '=', opts.taskId);
  const values = await vq.execute();
  const byReport = new Map<number, ReportValue[]>();
  for (const v of values) {
    let list = byReport.get(v.report_id);
    if (!list) byReport.set(v.report_id, (list = []));
    list.push({ indicatorId: v.indicator_id, value: v.value, note: v.note });
  }
  return rows.map((r) => ({
    id: r.id, periodId: r.period_id, unitId: r.unit_id, taskId: r.task_id, role: r.role,
    status: r.status, progress: r.progress, problems: r.problems, nextSteps: r.next_steps, explanation: r.explanation,
    fundsPlanned: r.funds_planned, fundsAvailable: r.funds_available, fundsSpent: r.funds_spent,
    contact: r.contact, phone: r.phone, enteredBy: r.entered_by, proxy: r.proxy === 1, source: r.source,
    packageId: r.package_id, revision: r.revision, receivedOn: r.received_on, createdAt: r.created_at, updatedAt: r.updated_at,
    values: (byReport.get(r.id) ?? []).sort((a, b) => a.indicatorId - b.indicatorId),
  }));
}

/** What a write needs: a report without the ids and timestamps the store assigns. */
export type WriteReport = Omit<Report, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Inserts or replaces the report of (period, unit, task), as writeReports does for several.
 * @example const { id } = await writeReport(trx, report, nowIso(ctx));
 */
export async function writeReport(db: Tx, r: WriteReport, at: string): Promise<{ id: number; before: Report | null }> {
  const [before] = await listReports(db, r.periodId, { unitId: r.unitId, taskId: r.taskId });
  const [written] = await writeReports(db, [r], at, new Map(before ? [[r.taskId, before]] : []));
  return written!;
}

/** Rows per INSERT, well under SQLite's 32,766 bound parameters (a report has 23 columns). */
const REPORTS_PER_INSERT = 500;
const VALUES_PER_INSERT = 2_000;

/**
 * writeReport for the reports of one package (one period and unit, each task once): the new ones
 * in one INSERT and every value in one more, instead of two statements per task, which were most
 * of a package's merge (docs/performance.md). `before` holds the stored reports being replaced, by
 * task id. Results are in the order of `reports`.
 * @example const written = await writeReports(trx, reports, at, new Map(stored.map((r) => [r.taskId, r])));
 */
export async function writeReports(db: Tx, reports: readonly WriteReport[], at: string, before: ReadonlyMap<number, Report>): Promise<{ id: number; before: Report | null }[]> {
  const columns = (r: WriteReport) => ({
    role: r.role, status: r.status, progress: r.progress, problems: r.problems, next_steps: r.nextSteps,
    explanation: r.explanation, funds_planned: r.fundsPlanned, funds_available: r.fundsAvailable, funds_spent: r.fundsSpent,
    contact: r.contact, phone: r.phone, entered_by: r.enteredBy, proxy: r.proxy ? 1 : 0, source: r.source,
    package_id: r.packageId, revision: r.revision, received_on: r.receivedOn, updated_at: at,
  });
  const idByTask = new Map<number, number>();
  const fresh: WriteReport[] = [];
  for (const r of reports) {
    const old = before.get(r.taskId);
    if (!old) {
      fresh.push(r);
      continue;
    }
    await db.insertInto('report_history').values({ report_id: old.id, revision: old.revision, snapshot: JSON.stringify(old), replaced_at: at }).execute();
    await db.updateTable('reports').set(columns(r)).where('id', '=', old.id).execute();
    await db.deleteFrom('report_values').where('report_id', '=', old.id).execute();
    idByTask.set(r.taskId, old.id);
  }
  for (let i = 0; i < fresh.length; i += REPORTS_PER_INSERT) {
    const rows = await db
      .insertInto('reports')
      .values(fresh.slice(i, i + REPORTS_PER_INSERT).map((r) => ({ ...columns(r), period_id: r.periodId, unit_id: r.unitId, task_id: r.taskId, created_at: at })))
      .returning(['id', 'task_id'])
      .execute();
    for (const row of rows) idByTask.set(row.task_id, row.id);
  }
  const values = reports.flatMap((r) => r.values.map((v) => ({ report_id: idByTask.get(r.taskId)!, indicator_id: v.indicatorId, value: v.value, note: v.note })));
  for (let i = 0; i < values.length; i += VALUES_PER_INSERT) {
    await db.insertInto('report_values').values(values.slice(i, i + VALUES_PER_INSERT)).execute();
  }
  return reports.map((r) => ({ id: idByTask.get(r.taskId)!, before: before.get(r.taskId) ?? null }));
}

/** Cumulative values a unit reported for a period, by indicator id (used as "last period's cumulative"). */
export async function valuesOf(db: Tx, periodId: number, unitId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('report_values')
    .innerJoin('reports', 'reports.id', 'report_values.report_id')
    .select(['report_values.indicator_id', 'report_values.value'])
    .where('reports.period_id', '=', periodId)
    .where('reports.unit_id', '=', unitId)
    .execute();
  const out = new Map<number, number>();
  for (const r of rows) if (r.value !== null) out.set(r.indicator_id, r.value);
  return out;
}
