import type { ReportFields, Role } from '../../shared/domain';

export type { ReportFields } from '../../shared/domain';
import { sql } from 'kysely';
import { compiled, compiledRows, P } from '../compiled';
import type { ReportSource, Tx } from '../schema';
import type { TaskModel } from './plan';

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
  const q = reportQueries(opts.unitId !== undefined, opts.taskId !== undefined);
  const params = [periodId, ...(opts.unitId !== undefined ? [opts.unitId] : []), ...(opts.taskId !== undefined ? [opts.taskId] : [])];
  const rows = await q.reports.run(db, params);
  if (rows.length === 0) return [];
  const values = await q.values.run(db, params);
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

/** listReports' two queries, for a period and optionally a unit and a task; parameters in that order. */
const reportQueries = (() => {
  const make = (byUnit: boolean, byTask: boolean) => ({
    reports: compiled((db) => {
      let q = db.selectFrom('reports').selectAll().where('period_id', '=', P);
      if (byUnit) q = q.where('unit_id', '=', P);
      if (byTask) q = q.where('task_id', '=', P);
      return q.orderBy('id');
    }),
    values: compiled((db) => {
      let q = db
        .selectFrom('report_values')
        .innerJoin('reports', 'reports.id', 'report_values.report_id')
        .select(['report_values.report_id', 'report_values.indicator_id', 'report_values.value', 'report_values.note'])
        .where('reports.period_id', '=', P);
      if (byUnit) q = q.where('reports.unit_id', '=', P);
      if (byTask) q = q.where('reports.task_id', '=', P);
      return q;
    }, {
      // PostgreSQL joined by hashing the period's reports and scanning every value of every year (447 ms at 1M
      // values, docs/performance.md); given the period's report ids as one array it walks the values' primary key.
      postgres: (db) => {
        let ids = db.selectFrom('reports').select('id').where('period_id', '=', P);
        if (byUnit) ids = ids.where('unit_id', '=', P);
        if (byTask) ids = ids.where('task_id', '=', P);
        return db.selectFrom('report_values')
          .select(['report_values.report_id', 'report_values.indicator_id', 'report_values.value', 'report_values.note'])
          .where(sql<boolean>`report_values.report_id = ANY(ARRAY(${ids}))`);
      },
    }),
  });
  const variants = [make(false, false), make(false, true), make(true, false), make(true, true)];
  return (byUnit: boolean, byTask: boolean) => variants[(byUnit ? 2 : 0) + (byTask ? 1 : 0)]!;
})();

/** What a write needs: a report without the ids and timestamps the store assigns. */
export type WriteReport = Omit<Report, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * A report to write from its fields and the rest, built as one literal: `{ ...fields, periodId, … }`
 * made V8 copy and grow each row property by property, a tenth of importing a batch (docs/performance.md).
 */
export function reportRow(f: ReportFields, w: Omit<WriteReport, keyof ReportFields>): WriteReport {
  return {
    status: f.status, progress: f.progress, problems: f.problems, nextSteps: f.nextSteps, explanation: f.explanation,
    fundsPlanned: f.fundsPlanned, fundsAvailable: f.fundsAvailable, fundsSpent: f.fundsSpent, contact: f.contact, phone: f.phone,
    periodId: w.periodId, unitId: w.unitId, taskId: w.taskId, role: w.role, enteredBy: w.enteredBy, proxy: w.proxy, source: w.source,
    packageId: w.packageId, revision: w.revision, receivedOn: w.receivedOn, values: w.values,
  };
}

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
  const columns = (r: WriteReport) => [
    r.role, r.status, r.progress, r.problems, r.nextSteps, r.explanation, r.fundsPlanned, r.fundsAvailable, r.fundsSpent,
    r.contact, r.phone, r.enteredBy, r.proxy ? 1 : 0, r.source, r.packageId, r.revision, r.receivedOn, at,
  ];
  const idByTask = new Map<number, number>();
  const fresh: WriteReport[] = [];
  for (const r of reports) {
    const old = before.get(r.taskId);
    if (!old) {
      fresh.push(r);
      continue;
    }
    await insertHistory.run(db, [old.id, old.revision, JSON.stringify(old), at]);
    await updateReport.run(db, [...columns(r), old.id]);
    await deleteValues.run(db, [old.id]);
    idByTask.set(r.taskId, old.id);
  }
  for (let i = 0; i < fresh.length; i += REPORTS_PER_INSERT) {
    const part = fresh.slice(i, i + REPORTS_PER_INSERT);
    const rows = await insertReports.query(part.length).run(db, part.flatMap((r) => [...columns(r), r.periodId, r.unitId, r.taskId, at]));
    for (const row of rows) idByTask.set(row.task_id, row.id);
  }
  const values = reports.flatMap((r) => r.values.map((v) => [idByTask.get(r.taskId)!, v.indicatorId, v.value, v.note]));
  for (let i = 0; i < values.length; i += VALUES_PER_INSERT) {
    const part = values.slice(i, i + VALUES_PER_INSERT);
    await insertValues.query(part.length).run(db, part.flat());
  }
  return reports.map((r) => ({ id: idByTask.get(r.taskId)!, before: before.get(r.taskId) ?? null }));
}

/** A report's columns as writeReports gives them, in its order; new rows add period, unit, task and creation time. */
const REPORT_COLUMNS = {
  role: P, status: P, progress: P, problems: P, next_steps: P, explanation: P, funds_planned: P, funds_available: P, funds_spent: P,
  contact: P, phone: P, entered_by: P, proxy: P, source: P, package_id: P, revision: P, received_on: P, updated_at: P,
};
const insertHistory = compiled((db) => db.insertInto('report_history').values({ report_id: P, revision: P, snapshot: P, replaced_at: P }));
const updateReport = compiled((db) => db.updateTable('reports').set(REPORT_COLUMNS).where('id', '=', P));
const deleteValues = compiled((db) => db.deleteFrom('report_values').where('report_id', '=', P));
const insertReports = compiledRows(
  (db, rows) => db.insertInto('reports').values(rows).returning(['id', 'task_id']),
  { ...REPORT_COLUMNS, period_id: P, unit_id: P, task_id: P, created_at: P },
);
const insertValues = compiledRows((db, rows) => db.insertInto('report_values').values(rows), { report_id: P, indicator_id: P, value: P, note: P });

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

/**
 * A saved report counts as reported when it has a status and a value for every indicator. Here, beside the
 * report's shape, so that an import can ask it without loading the summaries (and their schemas).
 */
export function isComplete(task: Pick<TaskModel, 'indicators'>, r: Report | undefined): r is Report {
  if (!r || r.status === null) return false;
  return task.indicators.every((i) => r.values.some((v) => v.indicatorId === i.id && v.value !== null));
}
