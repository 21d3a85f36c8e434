import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { planModelToDef } from '../../db/queries/plan';
import { activePlan, type Ctx } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { firstOwedPeriod, setOpeningValues, setUnitStart, unitStart } from '../../electron/services/entry/starts';
import { lockPeriod, reopenPeriod } from '../../electron/services/entry/periods';
import { revisePlan } from '../../electron/services/plan/revise';
import { loadPeriodData, periodFigures, summaryByCategory } from '../../electron/services/summaries/summaries';
import { taskStatusText } from '../../shared/summaries';
import { entryForm, periodViews, trendView } from '../../electron/services/views';
import { createLoop } from '../helpers/loop';
import { fixedClock } from '../helpers/ledger';

const on = (ctx: Ctx, iso: string): Ctx => ({ ...ctx, now: fixedClock(iso) });

describe('a unit set up mid-year', () => {
  it('set up from its assignment in October, it does not show January–September red: they are 未起报', async () => {
    const loop = await createLoop({ clock: '2019-10-12T09:00:00', unitClock: '2019-10-12T10:00:00' });
    const unit = await loop.unit('市残联');
    const views = await periodViews(unit);
    expect(views.filter((p) => p.beforeStart).map((p) => p.period)).toEqual(['2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06', '2019-07', '2019-08', '2019-09']);
    expect(views.find((p) => p.period === '2019-10')).toMatchObject({ beforeStart: false, state: '未填报' });
    const plan = await activePlan(unit);
    const self = plan.units.find((u) => u.name === '市残联')!;
    expect(await unitStart(unit.db, plan, self.id)).toMatchObject({ period: '2019-10', how: 'setup' });
    expect((await listAudit(unit.db, { action: 'unit.start' }))[0]).toMatchObject({ entityId: '市残联', after: { period: '2019-10' } });
  });

  it('at the office, a unit set to start in October owes nothing before it; from October it is 未报送 once overdue', async () => {
    const loop = await createLoop({ clock: '2019-11-06T09:00:00' });
    const office = loop.office;
    const beforeData = await loadPeriodData(office, '2019-06');
    const before = periodFigures(beforeData);
    expect(before.units.find((u) => u.unit === '市残联')).toMatchObject({ state: '未报送', red: 1 });

    const set = await setUnitStart(office, { unit: '市残联', period: '2019-10', reason: '10月起承担此项任务' });
    expect(set).toMatchObject({ unit: '市残联', period: '2019-10', how: 'hand' });
    expect((await listAudit(office.db, { action: 'unit.start.set' }))[0]).toMatchObject({
      entityId: '市残联', before: { period: '2019-01', how: '计划建立时即有此单位,从第一期起报送' }, after: { period: '2019-10', reason: '10月起承担此项任务' },
    });

    const june = periodFigures(await loadPeriodData(office, '2019-06'));
    const canlian = june.units.find((u) => u.unit === '市残联')!;
    expect(canlian).toMatchObject({ state: '未起报', due: 0, missing: 0, red: 0, completion: null });
    expect(june.headline.missingUnitNames).not.toContain('市残联');
    expect(june.headline.leadUnits).toBe(before.headline.leadUnits - 1);
    // Its task is led by it alone: nothing is owed, so no red light for it either.
    expect(june.tasks.find((t) => t.no === 24)!.light).toBe('none');
    // Nor is the task 未报送 anywhere: its status reads 未起报, its category does not count it missing, and its
    // indicators are not among those 尚未报送数据 in the headline (the bulletin's sentence).
    const t24 = june.tasks.find((t) => t.no === 24)!;
    expect([t24.owingLeads, taskStatusText(t24)]).toEqual([0, '未起报']);
    const categoryOf = (tasks: typeof june.tasks, d: Awaited<ReturnType<typeof loadPeriodData>>) =>
      summaryByCategory(d, tasks).find((c) => t24.category === `${c.no}、${c.name}`)!;
    expect(categoryOf(june.tasks, await loadPeriodData(office, '2019-06')).missing).toBe(categoryOf(before.tasks, beforeData).missing - 1);
    expect(june.headline.counts.noValue).toBe(before.headline.counts.noValue - t24.indicators.length);
    // The trend counts it neither missing nor reported before October.
    expect((await trendView(office)).overall).toEqual([]);

    const october = periodFigures(await loadPeriodData(office, '2019-10'));
    expect(october.units.find((u) => u.unit === '市残联')).toMatchObject({ state: '未报送', due: 1 });

    await expect(setUnitStart(office, { unit: '市残联', period: '2019-13', reason: 'x' })).rejects.toMatchObject({ code: 'E_VALIDATION' });
    await expect(setUnitStart(office, { unit: '市残联', period: '2019-10', reason: ' ' })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('请写明为什么市残联从2019年10月起报送') });
  });

  it('refuses to move a start across a locked period, whose counts stay as they were locked; once reopened it moves', async () => {
    const loop = await createLoop({ clock: '2019-11-06T09:00:00' });
    const office = loop.office;
    await lockPeriod(office, '2019-06');
    const locked = periodFigures(await loadPeriodData(office, '2019-06')).headline;
    await expect(setUnitStart(office, { unit: '市住建局', period: '2019-08', reason: '8月起承担' })).rejects.toMatchObject({
      code: 'E_PERIOD_LOCKED', message: expect.stringContaining('改起报期会改变市住建局在已关账的2019年6月是否应报,未修改'),
    });
    expect(periodFigures(await loadPeriodData(office, '2019-06')).headline).toEqual(locked);
    // A start after the locked period changes nothing before it: allowed.
    await setUnitStart(office, { unit: '市住建局', period: '2019-01', reason: '从头报送' });
    await reopenPeriod(office, '2019-06', '补设起报期');
    expect(await setUnitStart(office, { unit: '市住建局', period: '2019-08', reason: '8月起承担' })).toMatchObject({ period: '2019-08' });
  });

  it('enters opening cumulative values: its first report is checked against them (上期累计), audited', async () => {
    const loop = await createLoop({ clock: '2019-10-12T09:00:00', unitClock: '2019-10-12T10:00:00' });
    const unit = await loop.unit('市残联');
    const r = await setOpeningValues(unit, { values: [{ task: 24, indicator: 1, value: 2400 }, { task: 24, indicator: 2, value: 300 }] });
    expect(r).toMatchObject({ unit: '市残联', start: '2019-10', values: 2 });
    const form = await entryForm(unit, { period: '2019-10' });
    expect(form.tasks.find((t) => t.no === 24)!.indicators.map((i) => i.previous)).toEqual([2400, 300, null]);
    // A cumulative figure below the opening one needs an explanation, as below last month's would.
    await expect(enterReports(unit, { period: '2019-10', items: [
      { task: 24, status: '推进中', progress: '发放中', problems: '无', nextSteps: '继续' },
      { task: 24, indicator: 1, value: 2000 }, { task: 24, indicator: 2, value: 320 }, { task: 24, indicator: 3, value: 50 },
    ] })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('低于上期累计 2400人') });
    const [audit] = await listAudit(unit.db, { action: 'unit.opening' });
    expect(audit).toMatchObject({ entityId: '市残联', after: { start: '2019-10' } });
    expect(Object.entries(audit!.after as object).filter(([k]) => k.startsWith('任务24指标')).map(([, v]) => v)).toEqual([2400, 300]);
    await expect(setOpeningValues(unit, { values: [{ task: 1, indicator: 1, value: 10 }] })).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('不是市残联牵头或协同的任务') });
  });

  it('a unit a plan revision adds starts from the period of the revision', async () => {
    const loop = await createLoop({ clock: '2019-08-20T09:00:00' }); // July was due 8月5日: the first owed is August
    const def = planModelToDef(await activePlan(loop.office));
    const next = {
      ...def,
      units: [...def.units, { name: '市数据资源局', aliases: [], kind: 'unit' as const }],
      categories: def.categories.map((c) => ({ ...c, tasks: c.tasks.map((t) => (t.no === 36 ? { ...t, leadUnits: [...t.leadUnits, '市数据资源局'] } : t)) })),
    };
    await revisePlan(loop.office, next);
    const plan = await activePlan(loop.office);
    const added = plan.units.find((u) => u.name === '市数据资源局')!;
    expect(await unitStart(loop.office.db, plan, added.id)).toMatchObject({ period: '2019-08', how: 'revision' });
    const july = periodFigures(await loadPeriodData(on(loop.office, '2019-09-20T09:00:00'), '2019-07'));
    expect(july.units.find((u) => u.unit === '市数据资源局')).toMatchObject({ state: '未起报' });
    const august = periodFigures(await loadPeriodData(on(loop.office, '2019-09-20T09:00:00'), '2019-08'));
    expect(august.units.find((u) => u.unit === '市数据资源局')).toMatchObject({ state: '未报送' });
  });

  it.each([
    ['2019-10-12', '2019-10'], // September was due 10月8日: passed
    ['2019-10-08', '2019-09'], // set up on September's due date, it still owes September
    ['2019-07-02', '2019-06'], // June is due 7月5日
    ['2018-12-01', '2019-01'],
    ['2020-02-01', '2019-01'], // after the year: the whole year
  ])('set up on %s, the first period owed is %s', (day, period) => {
    const periods = ['2019-01', '2019-06', '2019-09', '2019-10', '2019-12'].map((p) => ({ period: p, dueOn: { '2019-01': '2019-02-11', '2019-06': '2019-07-05', '2019-09': '2019-10-08', '2019-10': '2019-11-05', '2019-12': '2020-01-06' }[p]! }));
    expect(firstOwedPeriod(periods, day)).toBe(period);
  });
});
