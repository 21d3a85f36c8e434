import type { ReturnStage, ReturnView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { periodLabel } from '../../../shared/rules/periods';
import { appendAudit, type AuditEntry } from '../../../db/queries/audit';
import { compiled, P } from '../../../db/compiled';
import type { Tx } from '../../../db/schema';
import { listReports } from '../../../db/queries/reports';
import { activePlan, nowIso, requireRole, roleOf, type Ctx } from '../context';
import { resolvePeriod, resolveUnit, rolesOfUnit } from './entry';

/**
 * A return's stage. At the office: 已退回 until a feedback package carries it, 已发反馈包, 已重报 once a
 * later revision of the unit's report with that task is imported, 已关闭 once the office has read the
 * correction and closed it. At a unit: 已退回 until the corrected report is exported (已重报).
 */
export function returnStage(r: { feedback_package_id: string | null; done: number; answered_revision: number | null; closed_at: string | null }, office: boolean): ReturnStage {
  if (r.closed_at !== null) return '已关闭';
  if (r.answered_revision !== null || (!office && r.done === 1)) return '已重报';
  return office && r.feedback_package_id !== null ? '已发反馈包' : '已退回';
}

/**
 * Returns (退回) a unit's task for a period with a comment. It travels in the unit's next
 * feedback package; the unit corrects and exports again, and the new revision replaces the old.
 */
export async function returnTask(ctx: Ctx, opts: { unit: string; period: string; task: number; comment: string }): Promise<ReturnView> {
  await requireRole(ctx, 'summary', '退回任务');
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, opts.unit);
  const period = await resolvePeriod(ctx, plan, opts.period);
  const task = plan.tasks.find((t) => t.no === opts.task);
  if (!task || !rolesOfUnit(plan, unit.id).has(task.id)) {
    throw new LedgerError('E_VALIDATION', `任务${opts.task}不是${unit.name}牵头或协同的任务,不能退回。`);
  }
  const label = periodLabel(opts.period, plan.frequency);
  // The unit's corrected report would be refused by a locked period: the return could never be answered.
  if (period.locked) throw new LedgerError('E_PERIOD_LOCKED', `${label}已关账锁定,退回后${unit.name}的重报无法导入;如需退回,请先重新开启该报送期。`);
  if (!(await listReports(ctx.db, period.id, { unitId: unit.id })).some((r) => r.taskId === task.id)) {
    throw new LedgerError('E_VALIDATION', `${unit.name}还没有报来${label}的任务${task.no},没有可退回的内容。`);
  }
  if ((await openReturnsQuery.run(ctx.db, [unit.id, opts.period])).some((r) => r.task_id === task.id)) {
    throw new LedgerError('E_EXISTS', `${unit.name}${label}的任务${task.no}已经退回,尚未重报;如需补充意见,请等重报后再退回。`);
  }
  const comment = opts.comment.trim();
  if (comment === '') throw new LedgerError('E_VALIDATION', '请写明退回意见。');
  const at = nowIso(ctx);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('returns').values({
      unit_id: unit.id, period: opts.period, task_id: task.id, comment, created_at: at, created_by: ctx.actor,
      feedback_package_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, { at, actor: ctx.actor, action: 'report.return', entity: 'return', entityId: String(row.id), after: { unit: unit.name, period: opts.period, task: task.no, comment } });
    return row.id;
  });
  return (await listReturns(ctx, { id }))[0]!;
}

/**
 * A unit's period's returns not yet answered nor closed: compiled once, since every imported report asks
 * (docs/performance.md); its tasks are picked out after, so that the query never changes with their number.
 */
const openReturnsQuery = compiled((db) => db.selectFrom('returns').innerJoin('tasks', 'tasks.id', 'returns.task_id')
  .select(['returns.id', 'returns.task_id', 'tasks.no', 'returns.feedback_package_id'])
  .where('returns.unit_id', '=', P).where('returns.period', '=', P)
  .where('returns.answered_revision', 'is', null).where('returns.closed_at', 'is', null)
  .orderBy('returns.id'));

/**
 * Marks the returns of a unit's period that a newly imported report answers: those of its tasks not yet
 * answered or closed become 已重报 with the revision. An import is always of a newer revision than the one
 * stored (older ones are refused), so an open return is about a revision this one replaces. Answers the
 * audit lines for the caller's transaction and the task numbers answered.
 */
export async function answerReturns(db: Tx, opts: { unitId: number; unit: string; period: string; taskIds: readonly number[]; revision: number; at: string; actor: string }): Promise<{ audit: AuditEntry[]; tasks: number[] }> {
  if (opts.taskIds.length === 0) return { audit: [], tasks: [] };
  const tasks = new Set(opts.taskIds);
  const open = (await openReturnsQuery.run(db, [opts.unitId, opts.period])).filter((r) => tasks.has(r.task_id));
  if (open.length === 0) return { audit: [], tasks: [] };
  await db.updateTable('returns').set({ answered_revision: opts.revision, answered_at: opts.at }).where('id', 'in', open.map((r) => r.id)).execute();
  return {
    audit: open.map((r) => ({
      at: opts.at, actor: opts.actor, action: 'return.answered', entity: 'return', entityId: String(r.id),
      before: { stage: r.feedback_package_id === null ? '已退回' : '已发反馈包' },
      after: { stage: '已重报', unit: opts.unit, period: opts.period, task: r.no, revision: opts.revision },
    })),
    tasks: [...new Set(open.map((r) => r.no))],
  };
}

/**
 * Closes a return once the office has read the corrected report (已重报 → 已关闭). Closing is a person's
 * act, not the import's: a new revision says the unit answered, not that the answer is right. Audited.
 */
export async function closeReturn(ctx: Ctx, id: number): Promise<ReturnView> {
  await requireRole(ctx, 'summary', '关闭退回');
  const plan = await activePlan(ctx);
  const row = await ctx.db.selectFrom('returns').innerJoin('units', 'units.id', 'returns.unit_id').innerJoin('tasks', 'tasks.id', 'returns.task_id')
    .select(['returns.period', 'returns.answered_revision', 'returns.feedback_package_id', 'returns.done', 'returns.closed_at', 'units.name', 'tasks.no'])
    .where('returns.id', '=', id).executeTakeFirst();
  if (!row) throw new LedgerError('E_NOT_FOUND', `没有编号为 ${id} 的退回记录。`);
  const what = `${row.name} ${periodLabel(row.period, plan.frequency)} 任务${row.no}的退回`;
  const stage = returnStage({ ...row, answered_revision: row.answered_revision }, true);
  if (stage === '已关闭') throw new LedgerError('E_VALIDATION', `${what}已经关闭,无需重复操作。`);
  if (stage !== '已重报') {
    throw new LedgerError('E_VALIDATION', `${what}还是「${stage}」:${row.name}还没有报来改正后的新版本。请等导入其改正的填报包后再核对关闭。`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('returns').set({ closed_at: at, closed_by: ctx.actor }).where('id', '=', id).execute();
    await appendAudit(trx, { at, actor: ctx.actor, action: 'return.close', entity: 'return', entityId: String(id), before: { stage }, after: { stage: '已关闭', unit: row.name, period: row.period, task: row.no, revision: row.answered_revision } });
  });
  return (await listReturns(ctx, { id }))[0]!;
}

/** Returns issued (summary side) or received (unit side), newest first, each with its stage. */
export async function listReturns(ctx: Ctx, opts: { period?: string; id?: number } = {}): Promise<ReturnView[]> {
  const office = (await roleOf(ctx)) === 'summary';
  let q = ctx.db.selectFrom('returns')
    .innerJoin('units', 'units.id', 'returns.unit_id')
    .innerJoin('tasks', 'tasks.id', 'returns.task_id')
    .select(['returns.id', 'units.name as unit', 'returns.period', 'tasks.no', 'tasks.title', 'returns.comment', 'returns.created_at', 'returns.done',
      'returns.feedback_package_id', 'returns.answered_revision', 'returns.answered_at', 'returns.closed_at'])
    .orderBy('returns.id', 'desc');
  if (opts.period) q = q.where('returns.period', '=', opts.period);
  if (opts.id !== undefined) q = q.where('returns.id', '=', opts.id);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id, unit: r.unit, period: r.period, task: r.no, taskTitle: r.title, comment: r.comment, createdAt: r.created_at, done: r.done === 1,
    stage: returnStage(r, office), answeredRevision: r.answered_revision, answeredAt: r.answered_at, closedAt: r.closed_at,
  }));
}
