import type { AuditView } from '../../shared/api';
import type { Tx } from '../schema';

export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  /** e.g. report.enter, report.replace, plan.create, period.lock, key.accept */
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * Appends lines to the audit log, in the given order (one statement for a list). There is
 * deliberately no update or delete here: the log is append-only, and triggers in the schema
 * refuse anything else.
 * @example await appendAudit(trx, { at, actor: '市人社局', action: 'report.enter', entity: 'report', entityId: '12', after })
 */
export async function appendAudit(db: Tx, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const list: readonly AuditEntry[] = Array.isArray(entries) ? entries : [entries as AuditEntry];
  if (list.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(list.map((e) => ({
      at: e.at,
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })))
    .execute();
}

/** One audit line as every reader sees it (the same shape the UI gets). */
export type AuditRow = AuditView;

export async function listAudit(db: Tx, opts: { limit?: number; action?: string } = {}): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 1000);
  if (opts.action) q = q.where('action', '=', opts.action);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, entityId: r.entity_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }));
}
