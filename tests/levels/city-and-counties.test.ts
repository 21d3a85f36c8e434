/**
 * Issue 13's "done when", on real SQLite files and real xlsx packages, every office set up the way a user sets
 * it up: the city sets quotas for two counties (one left blank); each county is set up from its own 下达包
 * (`init --from 下达包`), assigns one unit, imports its report and rolls up; the city imports both roll-ups and
 * `--by office` shows each county against its quota with the city total equal to the sum; a second roll-up
 * revision replaces the first; the blank quota stays 无任务.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModelToDef } from '../../db/queries/plan';
import { activePlan, type OpenLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAllocation, initOfficeFromAllocation } from '../../electron/services/levels/allocation';
import { summaryByOffice } from '../../electron/services/levels/figures';
import { setOffices } from './levels-loop';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { exportRollup } from '../../electron/services/levels/rollup';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { revisePlan } from '../../electron/services/plan/revise';
import { yearEntries } from '../../scripts/bench-setup';
import { closeAfterTest, fixedClock, tempDir, testLocation } from '../helpers/ledger';

const keep = closeAfterTest;

const clock = fixedClock('2019-07-04T09:00:00');

function folder(dir: string, name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** A county set up from its 下达包, its 人社局 set up from the county's 任务包, reporting June; the county imports it. */
async function county(dir: string, city: OpenLedger, name: string): Promise<{ office: OpenLedger; unit: OpenLedger }> {
  const allocation = await exportAllocation(city, { office: name, outDir: folder(dir, 'to-counties') });
  const office = keep(await initOfficeFromAllocation(await testLocation(`${name}.db`), allocation.file, { now: clock, actor: `${name}民生办` }));
  const unitName = `${name}人社局`;
  const assignment = await exportAssignment(office, { unit: unitName, outDir: folder(dir, `${name}-units`) });
  const unit = keep(await initUnitFromAssignment(join(dir, `${name}-rsj.db`), assignment.file, { now: fixedClock('2019-07-02T15:00:00'), actor: unitName }));
  await report(office, unit, dir, {});
  return { office, unit };
}

/** The unit enters June (values as the bench's realistic year, or those given by "task.indicator") and the office imports it. */
async function report(office: OpenLedger, unit: OpenLedger, dir: string, values: Readonly<Record<string, number>>): Promise<void> {
  const plan = planModelToDef(await activePlan(unit));
  const self = plan.units.find((u) => plan.categories.some((c) => c.tasks.some((t) => t.leadUnits.includes(u.name))))!.name;
  const items = yearEntries(plan, self, '2019-06').map((e) => {
    const v = e.indicator === undefined ? undefined : values[`${e.task}.${e.indicator}`];
    return v === undefined ? e : { ...e, value: v };
  });
  await enterReports(unit, { unit: self, period: '2019-06', items });
  const file = (await exportReport(unit, { period: '2019-06', outDir: folder(dir, 'reports') })).file;
  const r = await importFiles(office, [file], { acceptNewKeys: true });
  expect(r.map((x) => x.status)).toEqual(['accepted']);
}

describe('city and counties: quotas down, roll-ups up, all through real packages', () => {
  it('each county set up from its 下达包 reports against its quota; the city total is the sum; a later roll-up replaces the earlier; a blank stays 无任务', async () => {
    const dir = tempDir('levels-loop-');
    const city = keep(await initSummary(await testLocation('city.db'), { now: clock, actor: '市民生办' }));
    await setOffices(city, ['郎溪县', '宣州区']);
    // 任务1 指标1 技能脱贫培训 (全市 250人): 郎溪县 40, 宣州区 30; 指标2 企业新录用人员培训: 郎溪县 3000, 宣州区 blank.
    await saveQuotas(city, { quotas: [
      { task: 1, indicator: 1, office: '郎溪县', value: 40 },
      { task: 1, indicator: 1, office: '宣州区', value: 30 },
      { task: 1, indicator: 2, office: '郎溪县', value: 3000 },
    ], reasons: [{ task: 1, indicator: 1, reason: '市本级另行安排' }, { task: 1, indicator: 2, reason: '宣州区不承担' }] });

    const lx = await county(dir, city, '郎溪县');
    const xz = await county(dir, city, '宣州区');
    const toCity = folder(dir, 'to-city');
    const rollups = [
      (await exportRollup(lx.office, { period: '2019-06', outDir: toCity })).file,
      (await exportRollup(xz.office, { period: '2019-06', outDir: toCity })).file,
    ];
    const imported = await importFiles(city, rollups, { acceptNewKeys: true });
    expect(imported.map((r) => [r.status, r.kind])).toEqual([['accepted', 'rollup'], ['accepted', 'rollup']]);
    // Counties set up from their 下达包 report the targets they were given: nothing to point out.
    expect(imported.map((r) => r.message).join('')).not.toContain('不一致');

    const byOffice = async () => {
      const v = await summaryByOffice(city, '2019-06');
      const row = (task: number, indicator: number) => v.indicators.find((r) => r.task === task && r.indicator === indicator)!;
      return { v, row };
    };
    const countyValue = async (office: OpenLedger, task: number, indicator: number) => {
      const v = await summaryByOffice(office, '2019-06');
      return v.indicators.find((r) => r.task === task && r.indicator === indicator)?.own.value ?? null;
    };

    let { v, row } = await byOffice();
    expect(v.offices.map((o) => [o.office, o.revision])).toEqual([['郎溪县', 1], ['宣州区', 1]]);
    const skills = row(1, 1);
    // Each county's figure is what its own office computed from its unit, against the quota the city set.
    const lxSkills = await countyValue(lx.office, 1, 1);
    const xzSkills = await countyValue(xz.office, 1, 1);
    expect(lxSkills).not.toBeNull();
    expect(xzSkills).not.toBeNull();
    expect(skills.offices).toEqual([{ target: 40, value: lxSkills }, { target: 30, value: xzSkills }]);
    // 市本级's own 市人社局 has not reported: the city total is the counties' sum.
    expect(skills.own.value).toBeNull();
    expect(skills.total).toBe(lxSkills! + xzSkills!);
    // 宣州区's blank quota is 无任务: no target, no value, left out of the total (not a 0).
    const hiring = row(1, 2);
    expect(hiring.offices[1]).toEqual({ target: null, value: null });
    expect(hiring.total).toBe(await countyValue(lx.office, 1, 2));

    // 郎溪县's unit corrects June; the county imports the correction and rolls up again: revision 2 replaces 1.
    await report(lx.office, lx.unit, dir, { '1.1': 33 });
    expect(await countyValue(lx.office, 1, 1)).toBe(33);
    const second = await exportRollup(lx.office, { period: '2019-06', outDir: toCity });
    expect(second.revision).toBe(2);
    expect((await importFiles(city, [second.file])).map((r) => [r.status, r.revision])).toEqual([['accepted', 2]]);
    ({ v, row } = await byOffice());
    expect(v.offices.map((o) => [o.office, o.revision])).toEqual([['郎溪县', 2], ['宣州区', 1]]);
    expect(row(1, 1).offices[0]).toEqual({ target: 40, value: 33 });
    expect(row(1, 1).total).toBe(33 + xzSkills!);
    // The first revision again is stale: nothing changes.
    expect((await importFiles(city, [rollups[0]!])).map((r) => r.status)).toEqual(['duplicate']);

    // 郎溪县 lowers its own target (40 → 20) by a plan revision: the city still judges by 40, and says so on import.
    const lowered = planModelToDef(await activePlan(lx.office));
    const edited = { ...lowered, categories: lowered.categories.map((c) => ({ ...c, tasks: c.tasks.map((t) => t.no !== 1 ? t : { ...t, indicators: t.indicators.map((i) => i.no === 1 ? { ...i, target: 20 } : i) }) })) };
    await revisePlan(lx.office, edited);
    const third = await exportRollup(lx.office, { period: '2019-06', outDir: toCity });
    const [noted] = await importFiles(city, [third.file]);
    expect(noted).toMatchObject({ status: 'accepted', revision: 3 });
    expect(noted!.message).toContain('注意:郎溪县的目标与本机下达的不一致(任务1 指标1 本机下达 40,汇总包中为 20)');
    expect((await byOffice()).row(1, 1).offices[0]!.target).toBe(40);
  });
});
