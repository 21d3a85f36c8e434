import type { PeriodView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { periodLabel } from '../../../shared/rules/periods';
import { appendAudit } from '../../../db/queries/audit';
import { handDueProblem } from '../../../shared/rules/deadlines';
import { activePlan, dueDayOf, nowIso, requireRole, type Ctx } from '../context';
import { dueOfPeriod } from '../deadlines';
import { resolvePeriod } from './entry';
import { listPeriods, type PlanModel } from '../../../db/queries/plan';
import { periodViews } from '../views';

async function setLocked(ctx: Ctx, period: string, locked: boolean, reason: string | null): Promise<PeriodView> {
  await requireRole(ctx, 'summary', '关账或重新开启报送期');
  const plan = await activePlan(ctx);
  const row = await resolvePeriod(ctx, plan, period);
  if (row.locked === locked) {
    throw new LedgerError('E_VALIDATION', `${periodLabel(period, plan.frequency)} ${locked ? '已经关账锁定' : '没有锁定'},无需重复操作。`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('periods').set({ locked: locked ? 1 : 0 }).where('id', '=', row.id).execute();
    await appendAudit(trx, {
      at, actor: ctx.actor, action: locked ? 'period.lock' : 'period.reopen', entity: 'period', entityId: period,
      before: { locked: row.locked }, after: { locked, ...(reason ? { reason } : {}) },
    });
  });
  return (await periodViews(ctx)).find((p) => p.period === period)!;
}

/**
 * What a change of targets (a plan revision, a quota) does to the periods already closed, in words for the clerk:
 * their figures are worked out from the targets as they are now, so they move; the workbooks and bulletins saved
 * at the close do not. Null when no period is locked.
 */
export async function lockedPeriodsNote(ctx: Ctx, plan: Pick<PlanModel, 'id' | 'frequency'>): Promise<string | null> {
  const locked = (await listPeriods(ctx.db, plan.id)).filter((p) => p.locked);
  if (locked.length === 0) return null;
  const labels = locked.map((p) => periodLabel(p.period, plan.frequency));
  const named = labels.length <= 3 ? labels.join('、') : `${labels[0]}至${labels.at(-1)}等 ${labels.length} 期`;
  return `已关账的${named}的完成率和灯号会按新的目标重新计算,关账时导出保存的汇总表和通报不变;需要留存按原目标的数字,请先导出这些期的汇总表再保存。`;
}

/** Closes a summarised period: no entry or import may change it until it is reopened. Audited. */
export function lockPeriod(ctx: Ctx, period: string): Promise<PeriodView> {
  return setLocked(ctx, period, true, null);
}

/** Reopens a locked period; the reason goes into the audit log. */
export function reopenPeriod(ctx: Ctx, period: string, reason: string): Promise<PeriodView> {
  return setLocked(ctx, period, false, reason);
}

/**
 * Sets a period's due date by hand, with a reason, or (dueOn null) gives it back to the rule. The office's
 * date wins over the rule, holiday or not; audited before → after. A closed period keeps the date it was
 * judged by until it is reopened.
 * @example await setPeriodDue(ctx, { period: '2019-09', dueOn: '2019-10-10', reason: '国庆后统一报送' })
 */
export async function setPeriodDue(ctx: Ctx, req: { period: string; dueOn: string | null; reason: string }): Promise<PeriodView> {
  await requireRole(ctx, 'summary', '设定报送期的截止日期;填报端的截止日期来自任务包');
  const plan = await activePlan(ctx);
  const row = await resolvePeriod(ctx, plan, req.period);
  const label = periodLabel(req.period, plan.frequency);
  if (row.locked) throw new LedgerError('E_PERIOD_LOCKED', `${label}已关账锁定,截止日期不能再改;如需修改,请先重新开启该报送期。`);
  const reason = req.reason.trim();
  const rule = dueOfPeriod({ ...row, dueByHand: null }, await dueDayOf(ctx));
  if (req.dueOn !== null) {
    const problem = handDueProblem(req.period, req.dueOn);
    if (problem) throw new LedgerError('E_VALIDATION', `${label}的截止日期未修改:${problem}。`);
    if (reason === '') throw new LedgerError('E_VALIDATION', `请写明为什么把${label}的截止日期定为 ${req.dueOn}(记入审计日志)。`);
  } else if (row.dueByHand === null) {
    throw new LedgerError('E_VALIDATION', `${label}的截止日期本来就是按规则定的(${row.dueOn}),无需恢复。`);
  }
  const dueOn = req.dueOn ?? rule.dueOn;
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('periods').set({ due_on: dueOn, due_by_hand: req.dueOn === null ? 0 : 1, due_reason: req.dueOn === null ? null : reason })
      .where('id', '=', row.id).execute();
    await appendAudit(trx, {
      at, actor: ctx.actor, action: req.dueOn === null ? 'period.due.rule' : 'period.due.set', entity: 'period', entityId: req.period,
      before: { dueOn: row.dueOn, byHand: row.dueByHand !== null, ...(row.dueByHand ? { reason: row.dueByHand } : {}) },
      after: { dueOn, byHand: req.dueOn !== null, ...(req.dueOn !== null ? { reason } : rule.movedBecause ? { movedBecause: rule.movedBecause } : {}) },
    });
  });
  return (await periodViews(ctx)).find((p) => p.period === req.period)!;
}
