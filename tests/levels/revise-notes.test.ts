/**
 * Changing targets after counties got their 下达包 or after a period was closed: the clerk is told what else
 * that asks (new 下达包 for every county) and what it does to the closed periods (their figures are worked out
 * again from the new targets; what was saved at the close stays as it was).
 */
import { describe, expect, it } from 'vitest';
import { planModelToDef } from '../../db/queries/plan';
import { activePlan } from '../../electron/services/context';
import { lockPeriod } from '../../electron/services/entry/periods';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { revisePlan } from '../../electron/services/plan/revise';
import type { PlanDef } from '../../shared/domain';
import { importFiles } from '../../electron/services/import/import';
import { exportAllocation } from '../../electron/services/levels/allocation';
import { cityWithCounties, rsjEntries } from './levels-loop';
import { createLoop } from '../helpers/loop';

/** The plan with task 1 indicator 1's target raised by 50. */
function raised(plan: PlanDef): PlanDef {
  return {
    ...plan,
    categories: plan.categories.map((c, k) => (k > 0 ? c : {
      ...c, tasks: c.tasks.map((t, j) => (j > 0 ? t : { ...t, indicators: t.indicators.map((i, n) => (n > 0 ? i : { ...i, target: i.target + 50 })) })),
    })),
  };
}

describe('a change of targets at a city with counties and a closed period', () => {
  it('plan revise names the counties that need a new 下达包 and says the closed period is recomputed; so does a quota', async () => {
    const loop = await createLoop();
    const city = loop.office;
    const plan = planModelToDef(await activePlan(city));
    const next = raised(plan);

    const open = await revisePlan(city, next, { dryRun: true });
    expect(open.notes).toEqual([expect.stringMatching(/^下级汇总端\(7 个\)需要新的下达包:宣州区、郎溪县、广德市、宁国市、泾县、绩溪县、旌德县/)]);

    await lockPeriod(city, '2019-06');
    const closed = await revisePlan(city, next, { dryRun: true });
    expect(closed.notes[1]).toBe('已关账的2019年6月的完成率和灯号会按新的目标重新计算,关账时导出保存的汇总表和通报不变;需要留存按原目标的数字,请先导出这些期的汇总表再保存。');
    const saved = await revisePlan(city, next);
    expect(saved.notes).toEqual(closed.notes);

    const quota = await saveQuotas(city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 40 }], reasons: [] });
    expect(quota.notes).toEqual([closed.notes[1]]);
    // A share of something counted whole given as a fraction (a split by percentage left unrounded) is told, and saved.
    const fraction = await saveQuotas(city, { quotas: [{ task: 1, indicator: 1, office: '宣州区', value: 12.5 }], reasons: [] });
    expect(fraction.changes).toHaveLength(1);
    expect(fraction.notes[0]).toMatch(/^以下分解任务不是整数,计量单位却是按整数计的\(可能是按比例分解后未取整\),请核对:任务1 指标1「.+」 宣州区 12\.5人。$/);
    // A reason alone changes no figure: nothing to say.
    const reason = await saveQuotas(city, { quotas: [], reasons: [{ task: 1, indicator: 1, reason: '郎溪县另有省级任务' }] });
    expect(reason.notes).toEqual([]);
  });

  it('a county’s 汇总包 after the plan was revised reminds the city that the county’s 下达包 is of the old revision', async () => {
    const lv = await cityWithCounties(['郎溪县']);
    const county = lv.counties.get('郎溪县')!;
    await exportAllocation(lv.city, { office: '郎溪县', outDir: lv.toCity, noQuotasOk: true });
    await lv.report(county, await lv.loop.unit('市人社局', { office: county }), '2019-06', rsjEntries('2019-06'));
    const first = await lv.rollup(county, '2019-06');
    expect((await importFiles(lv.city, [first], { acceptNewKeys: true }))[0]!.message).not.toContain('下达包还是按');

    await revisePlan(lv.city, raised(planModelToDef(await activePlan(lv.city))));
    const second = await lv.rollup(county, '2019-06');
    const [r] = await importFiles(lv.city, [second], { acceptNewKeys: true });
    expect(r).toMatchObject({ status: 'accepted' });
    expect(r!.message).toContain('注意:本机工作计划已修订为第2版,给郎溪县的下达包还是按第1版生成的,请生成新的下达包交给郎溪县');
  });
});
