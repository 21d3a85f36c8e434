import { LedgerError } from '../../../shared/errors';
import { isPeriodOf, parsePeriod, planPeriodsText } from '../../../shared/rules/periods';
import { isCeiling } from '../../../shared/rules/progress';
import { isWholeMeasure } from '../../../shared/rules/kinds';
import { appendAudit } from '../../../db/queries/audit';
import { listPeriods, type TaskModel, type IndicatorModel } from '../../../db/queries/plan';
import { writeReport } from '../../../db/queries/reports';
import { activePlan, nowIso, type Ctx } from '../context';

/** Marks every demo narrative so nobody mistakes it for a real report. */
export const DEMO_MARK = '【演示数据】';

/** Small deterministic PRNG (mulberry32) so the demo looks the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plausible value of an indicator in a month, for a unit going at `pace` (0.7 slow … 1.25 fast), each
 * kind as such figures move: a count grows through the year; a rate stands near its target all year, a
 * little under it for a slow unit; a growth rate hovers around its target; a milestone is reached once,
 * by its deadline at a good pace and later at a slow one.
 */
function demoValue(ind: IndicatorModel, pace: number, month: number, leads: number): number {
  if (isCeiling(ind)) {
    // Ceilings (a target of exactly 0 is one too): most stay under, a slow one drifts over; people are counted whole.
    const v = ind.target * (pace < 0.8 ? 1.08 : 0.6 + 0.3 * pace);
    return isWholeMeasure(ind.unit) ? Math.round(v) : round(v);
  }
  switch (ind.kind) {
    case 'cumulative': {
      // Lead units of one task share a target that adds up: the task figure is the sum of their parts.
      const share = Math.min(1, (pace * month) / 12) / (ind.additive ? leads : 1);
      // Counts of schools, people, projects… are whole numbers; lengths and areas need not be.
      const whole = !['%', '‰', '公里', '亩'].includes(ind.unit);
      return whole ? Math.floor(ind.target * share) : round(ind.target * share);
    }
    case 'level': {
      const v = ind.target * (0.915 + 0.085 * pace + 0.001 * month);
      return ind.unit === '%' ? round1(Math.min(100, v)) : round(v);
    }
    case 'growth':
      return round1(ind.target * (0.8 + 0.2 * pace) + 0.2 * Math.sin(month));
    case 'milestone': {
      const doneIn = Math.ceil((ind.deadline ?? 12) / pace);
      const target = ind.target / (ind.additive ? leads : 1);
      return month >= doneIn ? target : Math.floor((target * month) / doneIn);
    }
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Fills plausible, clearly marked demo progress for every reporting unit's tasks, from the year's first
 * period through the given one (months, or quarters for a quarterly plan), so a new installation has
 * something to show. Some units report late, some lag behind what is due (序时进度, a rate's target),
 * and a few periods are left unreported.
 */
export async function fillDemo(ctx: Ctx, through: string): Promise<{ periods: number; reports: number }> {
  const last = parsePeriod(through);
  const plan = await activePlan(ctx);
  if (!last || last.year !== plan.year || !isPeriodOf(through, plan.frequency)) {
    throw new LedgerError('E_USAGE', `--through 应为计划年度 ${plan.year} 的一个报送期,例如 ${plan.year}-06;本计划${planPeriodsText(plan.year, plan.frequency)}。`);
  }
  const periods = (await listPeriods(ctx.db, plan.id)).filter((p) => p.month <= last.month);
  const at = nowIso(ctx);
  let reports = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const unit of plan.units) {
      if (unit.kind !== 'unit') continue;
      const rand = rng(unit.seq * 7919);
      const paceOf = new Map<number, number>();
      const lateness = rand();
      for (const period of periods) {
        // The last few units in order skip the latest period: 未报送 shows up in the demo too.
        if (period.month === last.month && unit.seq % 9 === 0) continue;
        const daysAfterDue = lateness > 0.8 ? 3 : lateness > 0.65 && period.month % 2 === 0 ? 1 : -2;
        const received = new Date(`${period.dueOn}T00:00:00Z`);
        received.setUTCDate(received.getUTCDate() + daysAfterDue);
        const receivedOn = received.toISOString().slice(0, 10);
        for (const task of plan.tasks) {
          const lead = task.leadUnitIds.includes(unit.id);
          if (!lead && !task.coUnitIds.includes(unit.id)) continue;
          const pace = paceOf.get(task.id) ?? 0.7 + rand() * 0.55;
          paceOf.set(task.id, pace);
          reports++;
          await writeReport(trx, {
            periodId: period.id, unitId: unit.id, taskId: task.id, role: lead ? 'lead' : 'co',
            ...narrative(task, pace, period.month, lead),
            fundsPlanned: null, fundsAvailable: null, fundsSpent: null,
            contact: '演示联系人', phone: '0563-0000000', enteredBy: '演示数据', proxy: false, source: 'demo',
            packageId: null, revision: 1, receivedOn,
            values: lead ? task.indicators.map((i) => ({ indicatorId: i.id, value: demoValue(i, pace, period.month, task.leadUnitIds.length), note: '' })) : [],
          }, at);
        }
      }
    }
    await appendAudit(trx, { at, actor: ctx.actor, action: 'demo.fill', entity: 'plan', entityId: plan.id, after: { through, reports } });
  });
  return { periods: periods.length, reports };
}

function narrative(task: TaskModel, pace: number, month: number, lead: boolean) {
  const behind = pace * month < month * 0.9;
  const done = pace * month >= 12;
  return {
    status: done ? ('已完成' as const) : ('推进中' as const),
    progress: lead
      ? `${DEMO_MARK}${task.title}按计划推进,截至${month}月底已完成阶段性工作。`
      : `${DEMO_MARK}配合牵头单位推进${task.title}。`,
    problems: behind ? `${DEMO_MARK}项目前期手续办理较慢,部分资金尚未到位。` : '',
    nextSteps: behind ? `${DEMO_MARK}加快项目审批,督促资金拨付,确保按序时推进。` : '',
    explanation: '',
  };
}
