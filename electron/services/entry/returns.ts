import type { ReturnView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { appendAudit } from '../../../db/queries/audit';
import { activePlan, nowIso, requireRole, type Ctx } from '../context';
import { resolvePeriod, resolveUnit, rolesOfUnit } from './entry';

/**
 * Returns (退回) a unit's task for a period with a comment. It travels in the unit's next
 * feedback package; the unit corrects and exports again, and the new revision replaces the old.
 */
export async function returnTask(ctx: Ctx, opts: { unit: string; period: string; task: number; comment: string }): Promise<ReturnView> {
  await requireRole(ctx, 'summary', '退回任务');
  const plan = await activePlan(ctx);
  const unit = await resolveUnit(ctx, plan, opts.unit);
  await resolvePeriod(ctx, plan, opts.period);
  const task = plan.tasks.find((t) => t.no === opts.task);
  if (!task || !rolesOfUnit(plan, unit.id).has(task.id)) {
    throw new LedgerError('E_VALIDATION', `任务${opts.task}不是${unit.name}牵头或协同的任务,不能退回。`);
  }
  const comment = opts.comment.trim();
  if (comment === '') throw new LedgerError('E_VALIDATION', '请写明退回意见。');
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('returns').values({
      unit_id: unit.id, period: opts.period, task_id: task.id, comment, created_at: at, created_by: ctx.actor,
      feedback_package_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(trx, { at, actor: ctx.actor, action: 'report.return', entity: 'return', entityId: String(row.id), after: { unit: unit.name, period: opts.period, task: task.no, comment } });
  });
  return { unit: unit.name, period: opts.period, task: task.no, taskTitle: task.title, comment, createdAt: at, done: false };
}

/** Returns issued (summary side) or received (unit side), newest first. */
export async function listReturns(ctx: Ctx, opts: { period?: string } = {}): Promise<ReturnView[]> {
  let q = ctx.db.selectFrom('returns')
    .innerJoin('units', 'units.id', 'returns.unit_id')
    .innerJoin('tasks', 'tasks.id', 'returns.task_id')
    .select(['units.name as unit', 'returns.period', 'tasks.no', 'tasks.title', 'returns.comment', 'returns.created_at', 'returns.done'])
    .orderBy('returns.id', 'desc');
  if (opts.period) q = q.where('returns.period', '=', opts.period);
  const rows = await q.execute();
  return rows.map((r) => ({ unit: r.unit, period: r.period, task: r.no, taskTitle: r.title, comment: r.comment, createdAt: r.created_at, done: r.done === 1 }));
}
