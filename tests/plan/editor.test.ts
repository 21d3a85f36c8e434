// The in-app plan editor: each edit turns the plan into the next PlanDef, and that PlanDef is saved through
// the one revise path a plan file takes (diff first, planProblems, a new revision, audited, units listed).
import { describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import { diffPlans } from '../../shared/plan-diff';
import { applyPlanEdit, applyPlanEdits, type PlanEdit } from '../../shared/plan-edit';
import { listAudit } from '../../db/queries/audit';
import { listPlanRevisions, planModelToDef } from '../../db/queries/plan';
import { activePlan } from '../../electron/services/context';
import { revisePlan } from '../../electron/services/plan/revise';
import { createLoop, snapshotData } from '../helpers/loop';
import { COUNTY_PLAN, editPlan, taskOf } from './county-plan';

const tasksOf = (p: PlanDef) => p.categories.flatMap((c) => c.tasks);
const task = (p: PlanDef, no: number) => tasksOf(p).find((t) => t.no === no)!;

describe('plan edits build the next PlanDef', () => {
  it('renames a unit: the old name becomes its alias and every task naming it names the new one', () => {
    const p = applyPlanEdit(COUNTY_PLAN, { kind: 'rename-unit', from: '县教体局', to: '县教育体育局' });
    expect(p.units[3]).toEqual({ name: '县教育体育局', aliases: ['县教体局', '县教育局'], kind: 'unit' });
    expect(task(p, 3).leadUnits).toEqual(['县教育体育局']);
    expect(task(p, 4).coUnits).toEqual(['县教育体育局']);
    expect(diffPlans(COUNTY_PLAN, p).changes.map((c) => c.words)).toEqual(['单位「县教体局」改名为「县教育体育局」(原名称保留为别名,旧数据包仍可导入)']);
  });

  it('merges a misspelt unit into the right one: its aliases and roles go to it, a task naming both lists it once, as lead', () => {
    const misspelt = editPlan(COUNTY_PLAN, (p) => {
      p.units.push({ name: '县民证局', aliases: ['县民正局'], kind: 'unit' });
      taskOf(p, 5).coUnits.push('县民证局');
      taskOf(p, 6).leadUnits = ['县民证局'];
    });
    const p = applyPlanEdit(misspelt, { kind: 'merge-unit', from: '县民证局', into: '县民政局' });
    expect(p.units.map((u) => u.name)).not.toContain('县民证局');
    expect(p.units.find((u) => u.name === '县民政局')!.aliases).toEqual(['县民证局', '县民正局']);
    // Task 5 is led by 县民政局 already: the merged cooperating name is dropped, not listed twice.
    expect(task(p, 5)).toMatchObject({ leadUnits: ['县民政局'], coUnits: ['县残联', '县安委会成员单位'] });
    // Task 6: 县民证局 led and 县民政局 cooperated; merged, 县民政局 leads.
    expect(task(p, 6)).toMatchObject({ leadUnits: ['县民政局'], coUnits: [] });
    expect(diffPlans(misspelt, p).changes.map((c) => c.words)).toContain('单位「县民证局」并入「县民政局」(「县民证局」保留为别名,其任务、数据和密钥归「县民政局」)');
  });

  it('edits an indicator: a range keeps its upper bound, any other comparator drops it; the kind decides deadline and additive', () => {
    const range = applyPlanEdit(COUNTY_PLAN, { kind: 'indicator', task: 1, indicator: 1, set: { comparator: 'range', target: 1200, targetMax: 1500 } });
    expect(task(range, 1).indicators[0]).toMatchObject({ comparator: 'range', target: 1200, targetMax: 1500, source: '开展职业技能培训1200人' });
    const back = applyPlanEdit(range, { kind: 'indicator', task: 1, indicator: 1, set: { comparator: '>=' } });
    expect(task(back, 1).indicators[0]).toMatchObject({ comparator: '>=', targetMax: null });
    const milestone = applyPlanEdit(COUNTY_PLAN, { kind: 'indicator', task: 1, indicator: 2, set: { kind: 'milestone', deadline: 6 } });
    expect(task(milestone, 1).indicators[1]).toMatchObject({ kind: 'milestone', deadline: 6, additive: true });
    const level = applyPlanEdit(milestone, { kind: 'indicator', task: 1, indicator: 2, set: { kind: 'level', unit: '%' } });
    expect(task(level, 1).indicators[1]).toMatchObject({ kind: 'level', deadline: null, additive: false, unit: '%' });
  });

  it('adds and removes tasks and indicators: a new task takes the next number, a new indicator the next in its task', () => {
    const p = applyPlanEdits(COUNTY_PLAN, [
      { kind: 'add-task', category: '三', fields: { title: ' 推进医保支付方式改革 ', text: '', leader: ' ', leadUnits: ['县民政局', '县民政局'], coUnits: ['县残联'] } },
      { kind: 'add-indicator', task: 7, fields: { name: '家庭医生签约', comparator: '>=', target: 5000, targetMax: 99, unit: '户', kind: 'cumulative', deadline: 3 } },
      { kind: 'remove-indicator', task: 1, indicator: 2 },
      { kind: 'remove-task', task: 6 },
    ]);
    expect(tasksOf(p).map((t) => t.no)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(task(p, 7)).toMatchObject({ title: '推进医保支付方式改革', text: '推进医保支付方式改革。', leader: null, leadUnits: ['县民政局'], coUnits: ['县残联'] });
    expect(task(p, 7).indicators).toEqual([{ no: 1, name: '家庭医生签约', comparator: '>=', target: 5000, targetMax: null, unit: '户', kind: 'cumulative', deadline: null, additive: true, source: '' }]);
    expect(task(p, 1).indicators.map((i) => i.name)).toEqual(['职业技能培训']);
    expect(p.categories[2]!.tasks.map((t) => t.no)).toEqual([5, 7]);
  });

  it('moves a unit up or down the list; at either end it stays', () => {
    const p = applyPlanEdit(COUNTY_PLAN, { kind: 'move-unit', unit: '县民政局', by: -1 });
    expect(p.units.slice(0, 3).map((u) => u.name)).toEqual(['县人社局', '县民政局', '县农业农村局']);
    expect(applyPlanEdit(COUNTY_PLAN, { kind: 'move-unit', unit: '县人社局', by: -1 })).toBe(COUNTY_PLAN);
  });

  it.each<[string, PlanEdit, string]>([
    ['a rename to a name another unit goes by', { kind: 'rename-unit', from: '县住建局', to: '县教育局' }, '「县教育局」已是单位「县教体局」的名称或别名:如果两者是同一个单位,请用「并入」把「县住建局」并入「县教体局」。'],
    ['a rename to nothing', { kind: 'rename-unit', from: '县住建局', to: '  ' }, '请为「县住建局」填写一个新名称。'],
    ['a merge of a unit into a group', { kind: 'merge-unit', from: '县残联', into: '县安委会成员单位' }, '「县残联」和「县安委会成员单位」一个是填报单位、一个是成员单位集合,不能合并。'],
    ['a task the plan does not have', { kind: 'task', task: 99, set: { title: 'x' } }, '计划中没有任务99。'],
    ['an indicator the task does not have', { kind: 'indicator', task: 6, indicator: 1, set: { target: 1 } }, '任务6没有指标1。'],
    ['an empty indicator name', { kind: 'indicator', task: 1, indicator: 1, set: { name: ' ' } }, '指标名称不能为空(原为「职业技能培训」)。'],
    ['an empty task title', { kind: 'task', task: 1, set: { title: '' } }, '任务1的标题不能为空。'],
  ])('refuses %s in Chinese, naming it', (_what, edit, message) => {
    expect(() => applyPlanEdit(COUNTY_PLAN, edit)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message }));
  });
});

describe('an edited plan is saved through the revise path', () => {
  const county = () => createLoop({ plan: COUNTY_PLAN, clock: '2020-07-04T09:00:00', unitClock: '2020-07-02T15:00:00' });

  it('shows the same diff as the same change in a plan file, saves revision 2 (audited, in the history) and lists the units to send packages to', async () => {
    const loop = await county();
    const current = planModelToDef(await activePlan(loop.office));
    const edited = applyPlanEdits(current, [
      { kind: 'indicator', task: 1, indicator: 1, set: { target: 1500 } },
      { kind: 'rename-unit', from: '县教体局', to: '县教育体育局' },
    ]);
    // The same change as a person makes it in a plan file (revise.test.ts's REV2 begins so).
    const file = editPlan(COUNTY_PLAN, (p) => {
      p.units[3] = { name: '县教育体育局', aliases: ['县教体局', '县教育局'], kind: 'unit' };
      for (const t of p.categories.flatMap((c) => c.tasks)) {
        t.leadUnits = t.leadUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
        t.coUnits = t.coUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
      }
      taskOf(p, 1).indicators[0]!.target = 1500;
    });
    const before = await snapshotData(loop.office.db);
    const dry = await revisePlan(loop.office, edited, { dryRun: true });
    expect(dry.diff).toEqual((await revisePlan(loop.office, file, { dryRun: true })).diff);
    expect(dry.diff.changes.map((c) => c.words)).toEqual([
      '单位「县教体局」改名为「县教育体育局」(原名称保留为别名,旧数据包仍可导入)',
      '任务1 指标1「职业技能培训」目标:1200 → 1500',
    ]);
    expect(dry.diff.units).toEqual(['县人社局', '县农业农村局', '县教育体育局']);
    expect(await snapshotData(loop.office.db)).toBe(before);

    const saved = await revisePlan(loop.office, edited);
    expect(saved).toMatchObject({ from: 1, to: 2, dryRun: false });
    expect(planModelToDef(await activePlan(loop.office))).toEqual({ ...edited, revision: 2 });
    expect((await listPlanRevisions(loop.office.db, COUNTY_PLAN.id)).map((r) => r.revision)).toEqual([1, 2]);
    const [audit] = await listAudit(loop.office.db, { action: 'plan.revise' });
    expect(audit).toMatchObject({ before: { revision: 1 }, after: { revision: 2, units: ['县人社局', '县农业农村局', '县教育体育局'] } });
  });

  it('refuses an edit that leaves a task without a lead unit, with planProblems’ words, saving nothing', async () => {
    const loop = await county();
    const current = planModelToDef(await activePlan(loop.office));
    const before = await snapshotData(loop.office.db);
    const edited = applyPlanEdit(current, { kind: 'task', task: 6, set: { leadUnits: [] } });
    await expect(revisePlan(loop.office, edited, { dryRun: true })).rejects.toMatchObject({
      code: 'E_VALIDATION', message: expect.stringContaining('任务6:「推进残疾人康复服务」没有牵头单位,请补上牵头单位。'),
    });
    await expect(revisePlan(loop.office, edited)).rejects.toMatchObject({ code: 'E_VALIDATION' });
    expect(await snapshotData(loop.office.db)).toBe(before);
  });
});
