/**
 * Where the office's due dates are made and kept in step with the rule (shared/rules/deadlines.ts) and
 * this build's holiday data: plan setup, a new frequency or due day, and opening an office's database.
 * A date the office set by hand, and a closed (locked) period's date, are never changed here.
 */
import { periodDue, type PeriodDue } from '../../shared/rules/deadlines';
import { DEFAULT_DUE_DAY } from '../../shared/rules/periods';
import { appendAudit } from '../../db/queries/audit';
import { listPeriods, type DueOf, type PeriodRow } from '../../db/queries/plan';
import { getSetting } from '../../db/queries/settings';
import type { Db, Tx } from '../../db/schema';
import { workCalendar } from './calendar';

/**
 * Due dates by the rule for a due day of the month: what a new plan's periods get.
 * @example ruleDueOf(5)('2019-09') // '2019-10-08'
 */
export function ruleDueOf(dueDay: number): DueOf {
  return (p) => periodDue(p, dueDay, workCalendar()).dueOn;
}

/**
 * A stored period's due date with the rule's reasons: the rule's date, why it moved, and the office's
 * own date and reason where it set one.
 * @example dueOfPeriod(row, 5).note // '10月5日为国庆节假期,顺延至10月8日'
 */
export function dueOfPeriod(row: PeriodRow, dueDay: number): PeriodDue {
  return periodDue(row.period, dueDay, workCalendar(), row.dueByHand === null ? null : { on: row.dueOn, reason: row.dueByHand });
}

/** The office's due day of the month (设置), or the default. */
export async function storedDueDay(db: Tx): Promise<number> {
  const d = await getSetting(db, 'due_day');
  return d === null ? DEFAULT_DUE_DAY : Number(d);
}

/**
 * Sets every open period whose date is the rule's to what the rule says now (the due day, this build's
 * holiday data), one audit line per date changed, and answers how many changed. Locked periods keep the
 * date they were judged by; dates set by hand stay.
 * @example await settleDueDates(trx, { planId, dueDay: 5, at, actor, why: '节假日顺延' }) // 3
 */
export async function settleDueDates(db: Tx, opts: { planId: string; dueDay: number; at: string; actor: string; why: string }): Promise<number> {
  let changed = 0;
  for (const p of await listPeriods(db, opts.planId)) {
    if (p.locked || p.dueByHand !== null) continue;
    const due = periodDue(p.period, opts.dueDay, workCalendar());
    if (due.dueOn === p.dueOn) continue;
    await db.updateTable('periods').set({ due_on: due.dueOn }).where('id', '=', p.id).execute();
    await appendAudit(db, {
      at: opts.at, actor: opts.actor, action: 'period.due.recompute', entity: 'period', entityId: p.period,
      before: { dueOn: p.dueOn }, after: { dueOn: due.dueOn, why: opts.why, ...(due.movedBecause ? { movedBecause: due.movedBecause } : {}) },
    });
    changed++;
  }
  return changed;
}

/**
 * On opening an office's database: dates made before this build's rule or holiday data (a database from
 * before holidays were counted, or a newer chinese-days that knows one more year) are brought up to date.
 * A unit's dates are the office's, from its assignment package, and are left alone.
 */
export async function settleOnOpen(db: Db, at: string, actor: string): Promise<number> {
  if ((await getSetting(db, 'role')) !== 'summary') return 0;
  const planId = await getSetting(db, 'plan_id');
  if (planId === null) return 0;
  const dueDay = await storedDueDay(db);
  const stale = (await listPeriods(db, planId)).some((p) => !p.locked && p.dueByHand === null && p.dueOn !== periodDue(p.period, dueDay, workCalendar()).dueOn);
  if (!stale) return 0;
  return db.transaction().execute((trx) => settleDueDates(trx, { planId, dueDay, at, actor, why: `按${workCalendar().source}的节假日和调休安排顺延` }));
}
