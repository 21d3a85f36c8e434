import type { PeriodView } from '../../../shared/api';
import { LedgerError } from '../../../shared/errors';
import { periodLabel } from '../../../shared/rules/periods';
import { appendAudit } from '../../../db/queries/audit';
import { activePlan, nowIso, requireRole, type Ctx } from '../context';
import { resolvePeriod } from './entry';
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

/** Closes a summarised period: no entry or import may change it until it is reopened. Audited. */
export function lockPeriod(ctx: Ctx, period: string): Promise<PeriodView> {
  return setLocked(ctx, period, true, null);
}

/** Reopens a locked period; the reason goes into the audit log. */
export function reopenPeriod(ctx: Ctx, period: string, reason: string): Promise<PeriodView> {
  return setLocked(ctx, period, false, reason);
}
