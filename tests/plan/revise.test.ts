// Plan revisions on real files: `ledger plan revise` shows the differences first and saves revision N+1
// (audited, kept with its snapshot), never rewriting a stored report; units still on the older revision
// still report; a unit importing the new assignment gets the structural changes, and a renamed unit keeps
// its pinned key.
import { writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanDef } from '../../shared/domain';
import { listAudit } from '../../db/queries/audit';
import { listPlanRevisions, planModelToDef } from '../../db/queries/plan';
import { getSetting } from '../../db/queries/settings';
import { activePlan, type OpenLedger } from '../../electron/services/context';
import { importFiles } from '../../electron/services/import/import';
import { listKeys } from '../../electron/services/keys/keys';
import { revisePlan } from '../../electron/services/plan/revise';
import { loadPeriodData, summaryByTask } from '../../electron/services/summaries/summaries';
import { yearEntries } from '../../scripts/bench-setup';
import { runLedger as ledger } from '../helpers/cli';
import { createLoop, snapshotData } from '../helpers/loop';
import { tempDir } from '../helpers/ledger';
import { openDatabase } from '../../db/open';
import { PLAN_2019 } from '../../seeds/plan2019';
import { editWithOpenpyxl } from './edit-xlsx';
import { COUNTY_PLAN, editPlan, taskOf } from './county-plan';

/**
 * Revision 2 of the county plan: 县教体局 renamed 县教育体育局, task 1's target raised and its second indicator
 * removed, task 6 removed, a new unit 县医保局 leading a new task 7 with 县残联, the renamed unit cooperating.
 */
const REV2 = editPlan(COUNTY_PLAN, (p) => {
  p.units[3] = { name: '县教育体育局', aliases: ['县教体局', '县教育局'], kind: 'unit' };
  p.units.splice(6, 0, { name: '县医保局', aliases: [], kind: 'unit' });
  for (const c of p.categories) for (const t of c.tasks) {
    t.leadUnits = t.leadUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
    t.coUnits = t.coUnits.map((n) => (n === '县教体局' ? '县教育体育局' : n));
  }
  const t1 = taskOf(p, 1);
  t1.indicators = [{ ...t1.indicators[0]!, target: 1500 }];
  p.categories[2]!.tasks = [
    taskOf(p, 5),
    { no: 7, title: '推进医保支付方式改革', text: '推进医保支付方式改革。', leadUnits: ['县医保局', '县残联'], coUnits: ['县教育体育局'], coUnitsOpenEnded: false, leader: null, subordinates: null, indicators: [] },
  ];
});

const county = () => createLoop({ plan: COUNTY_PLAN, clock: '2020-07-04T09:00:00', unitClock: '2020-07-02T15:00:00' });

function planFile(dir: string, plan: PlanDef, name = 'rev.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

async function report(loop: Awaited<ReturnType<typeof county>>, unit: OpenLedger, period: string, plan: PlanDef = COUNTY_PLAN): Promise<string> {
  const self = (await getSetting(unit.db, 'self_unit'))!;
  return loop.report(unit, period, yearEntries(plan, self, period));
}

describe('ledger plan revise', () => {
  it('shows the differences (a dry run changes nothing), then saves revision 2: audited, kept, reports untouched, removed items with reports retired', async () => {
    const loop = await county();
    const canlian = await loop.unit('县残联');
    const renshe = await loop.unit('县人社局');
    await report(loop, canlian, '2020-06');
    await report(loop, renshe, '2020-06');
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const reportsBefore = await loop.office.db.selectFrom('reports').selectAll().orderBy('id').execute();
    const valuesBefore = await loop.office.db.selectFrom('report_values').selectAll().orderBy('report_id').orderBy('indicator_id').execute();
    // A plan file says quarterly (a notice's parse does not know the office's frequency): the revision keeps monthly.
    const file = planFile(loop.dir, { ...REV2, frequency: 'quarterly' });

    const before = await snapshotData(loop.office.db);
    const dry = await ledger('plan', 'revise', '--db', loop.office.file, '--from', file, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out.split('\n')).toEqual([
      '(预览,未保存)第1版 → 第2版,共 6 处变化:',
      '  · 单位「县教体局」改名为「县教育体育局」(原名称保留为别名,旧数据包仍可导入)',
      '  · 新增单位「县医保局」',
      '  · 任务1 指标1「职业技能培训」目标:1200 → 1500',
      '  · 任务1 删除指标2「新增城镇就业」',
      '  · 新增任务7「推进医保支付方式改革」(牵头:县医保局、县残联;协同:县教育体育局)',
      '  · 删除任务6「推进残疾人康复服务」',
      '任务有变化的单位(6 个,需要新的任务包):县人社局、县农业农村局、县民政局、县教育体育局、县残联、县医保局',
      '以上为预览,未做任何修改。确认后去掉 --dry-run 再运行一次即保存为新版本。',
    ]);
    expect(await snapshotData(loop.office.db)).toBe(before);

    const out = join(loop.dir, 'rev2-packages');
    mkdirSync(out);
    const saved = await ledger('plan', 'revise', '--db', loop.office.file, '--from', file, '--out', out);
    expect(saved.code).toBe(0);
    expect(saved.out).toContain('已保存为第2版工作计划,已记入审计日志。');
    expect(readdirSync(out).sort()).toEqual(['县人社局', '县农业农村局', '县民政局', '县教育体育局', '县残联', '县医保局'].map((u) => `任务包-${u}-2020-第2版.xlsx`).sort());

    expect(JSON.parse((await ledger('plan', '--db', loop.office.file, '--json')).out)).toEqual({ ...REV2, revision: 2 });
    const revisions = await listPlanRevisions(loop.office.db, COUNTY_PLAN.id);
    expect(revisions.map((r) => [r.revision, r.actor, r.plan.revision])).toEqual([[1, '汇总端测试', 1], [2, '命令行', 2]]);
    expect(revisions[1]!.diff!.changes).toHaveLength(6);
    const [audit] = await listAudit(loop.office.db, { action: 'plan.revise' });
    expect(audit).toMatchObject({ before: { revision: 1 }, after: { revision: 2, units: ['县人社局', '县农业农村局', '县民政局', '县教育体育局', '县残联', '县医保局'] } });
    expect((audit!.after as { changes: string[] }).changes).toContain('删除任务6「推进残疾人康复服务」');

    // Stored reports are never rewritten; task 6 and task 1's second indicator had reports, so they are retired, not deleted.
    expect(await loop.office.db.selectFrom('reports').selectAll().orderBy('id').execute()).toEqual(reportsBefore);
    expect(await loop.office.db.selectFrom('report_values').selectAll().orderBy('report_id').orderBy('indicator_id').execute()).toEqual(valuesBefore);
    const retired = await loop.office.db.selectFrom('tasks').select(['no', 'retired_revision']).where('retired_revision', 'is not', null).execute();
    expect(retired).toEqual([{ no: 6, retired_revision: 2 }]);
    const retiredIndicators = await loop.office.db.selectFrom('indicators').select(['name', 'retired_revision']).where('retired_revision', 'is not', null).execute();
    expect(retiredIndicators).toEqual([{ name: '新增城镇就业', retired_revision: 2 }]);
    // Views read the plan as it is now: the retired task and indicator are not in June's summary.
    const june = summaryByTask(await loadPeriodData(loop.office, '2020-06'));
    expect(june.map((t) => t.no)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(june.find((t) => t.no === 1)!.indicators.map((i) => [i.target, i.value])).toEqual([[1500, yearEntries(COUNTY_PLAN, '县人社局', '2020-06').find((e) => e.task === 1 && e.indicator === 1)!.value]]);

    // The same file again: nothing to revise.
    const again = await ledger('plan', 'revise', '--db', loop.office.file, '--from', file);
    expect(again.out).toBe('计划文件与本机第2版工作计划相同,没有需要修订的内容,未做任何修改。');
  });

  it('refuses a plan of another year, a unit list the tasks do not fit, and a merge of two units that reported the same task, changing nothing', async () => {
    const misspelt = editPlan(COUNTY_PLAN, (p) => {
      p.units.push({ name: '县民证局', aliases: [], kind: 'unit' });
      taskOf(p, 5).coUnits.push('县民证局');
    });
    const loop = await createLoop({ plan: misspelt, clock: '2020-07-04T09:00:00', unitClock: '2020-07-02T15:00:00' });
    const before = await snapshotData(loop.office.db);

    const nextYear = await ledger('plan', 'revise', '--db', loop.office.file, '--from', planFile(loop.dir, { ...misspelt, year: 2021, id: 'langxi-2021' }));
    expect(nextYear.code).toBe(1);
    expect(nextYear.err).toContain('E_WRONG_PLAN');
    expect(nextYear.err).toContain('这是 2021 年的工作计划,本台账是 2020 年的');

    const unknown = editPlan(misspelt, (p) => { taskOf(p, 3).coUnits = ['县卫健委']; });
    const r = await ledger('plan', 'revise', '--db', loop.office.file, '--from', planFile(loop.dir, unknown));
    expect(r.code).toBe(1);
    expect(r.err).toContain('任务3:协同单位「县卫健委」不在单位名单中');
    expect(await snapshotData(loop.office.db)).toBe(before);

    // Both the misspelt and the right unit report task 5 for June: merging would leave two reports of one task.
    const wrong = await loop.unit('县民证局');
    const right = await loop.unit('县民政局');
    await report(loop, wrong, '2020-06', misspelt);
    await report(loop, right, '2020-06', misspelt);
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true })).map((x) => x.status)).toEqual(['accepted', 'accepted']);
    const merged = editPlan(misspelt, (p) => {
      p.units = p.units.filter((u) => u.name !== '县民证局');
      p.units.find((u) => u.name === '县民政局')!.aliases.push('县民证局');
      taskOf(p, 5).coUnits = ['县残联', '县安委会成员单位'];
    });
    const imported = await snapshotData(loop.office.db);
    await expect(revisePlan(loop.office, merged)).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: expect.stringContaining('「县民证局」和「县民政局」都报送了2020-06 的任务5'),
    });
    expect(await snapshotData(loop.office.db)).toBe(imported);
  });

  it('merges a misspelt unit into the right one: its reports and key move to it, and its old packages still import under the right name', async () => {
    const misspelt = editPlan(COUNTY_PLAN, (p) => {
      p.units.push({ name: '县民证局', aliases: [], kind: 'unit' });
      taskOf(p, 6).coUnits = ['县民证局'];
    });
    const loop = await createLoop({ plan: misspelt, clock: '2020-07-04T09:00:00', unitClock: '2020-07-02T15:00:00' });
    const wrong = await loop.unit('县民证局');
    await report(loop, wrong, '2020-05', misspelt);
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
    const key = (await listKeys(wrong)).own;
    const merged = editPlan(misspelt, (p) => {
      p.units = p.units.filter((u) => u.name !== '县民证局');
      p.units.find((u) => u.name === '县民政局')!.aliases.push('县民证局');
      taskOf(p, 6).coUnits = ['县民政局'];
    });
    const r = await revisePlan(loop.office, merged);
    expect(r.diff.changes.map((c) => c.words)).toContain('单位「县民证局」并入「县民政局」(「县民证局」保留为别名,其任务、数据和密钥归「县民政局」)');
    expect((await listKeys(loop.office)).pinned).toEqual([expect.objectContaining({ unit: '县民政局', fingerprint: key })]);
    const may = await loadPeriodData(loop.office, '2020-05');
    const minzheng = (await activePlan(loop.office)).units.find((u) => u.name === '县民政局')!;
    expect([...may.reports.values()].filter((x) => x.unitId === minzheng.id).map((x) => x.taskId)).toHaveLength(1);

    // The unit, still on revision 1 under its misspelt name, reports June: it is 县民政局's now, with its pinned key.
    const june = await report(loop, wrong, '2020-06', misspelt);
    const [result] = await importFiles(loop.office, [june]);
    expect(result).toMatchObject({ status: 'accepted', unit: '县民证局', message: expect.stringContaining('该单位的工作计划是第1版,本机是第2版') });
  });
});

describe('a unit on the revised plan', () => {
  it('still reports on revision 1 (what the plan no longer asks is left out), then imports revision 2: renamed, new tasks, keeping its pinned key', async () => {
    const loop = await county();
    const jiaoti = await loop.unit('县教体局');
    const renshe = await loop.unit('县人社局');
    const canlian = await loop.unit('县残联');
    for (const u of [jiaoti, renshe, canlian]) await report(loop, u, '2020-05');
    expect((await importFiles(loop.office, [loop.usb], { acceptNewKeys: true })).every((r) => r.status === 'accepted')).toBe(true);
    const keyBefore = (await listKeys(loop.office)).pinned.find((k) => k.unit === '县教体局')!;

    const out = join(loop.dir, 'rev2');
    mkdirSync(out);
    await revisePlan(loop.office, REV2, { outDir: out });
    expect((await listKeys(loop.office)).pinned.find((k) => k.fingerprint === keyBefore.fingerprint)).toMatchObject({ unit: '县教育体育局' });

    // June on revision 1: the renamed unit under its old name, task 1's removed indicator, task 6: merged without them.
    const june = [];
    for (const u of [jiaoti, renshe, canlian]) june.push(await report(loop, u, '2020-06'));
    const results = await importFiles(loop.office, june);
    expect(results.map((r) => [r.status, r.unit])).toEqual([['accepted', '县教体局'], ['accepted', '县人社局'], ['accepted', '县残联']]);
    expect(results[1]!.message).toContain('本计划已不再要求的任务1的第2个指标未导入');
    expect(results[2]!.message).toContain('本计划已不再要求的任务6未导入');
    // 县残联 leads task 7, new in revision 2: its revision-1 package cannot hold it, and is not refused for lacking it.
    const d = await loadPeriodData(loop.office, '2020-06');
    const renamed = d.plan.units.find((u) => u.name === '县教育体育局')!;
    expect([...d.reports.values()].filter((r) => r.unitId === renamed.id).length).toBeGreaterThan(0);

    // The renamed unit imports its new assignment: addressed to its new name, with the whole revision.
    const [updated] = await importFiles(jiaoti, [join(out, '任务包-县教育体育局-2020-第2版.xlsx')]);
    expect(updated).toMatchObject({ status: 'accepted', kind: 'assignment', message: expect.stringContaining('已更新工作计划到第2版') });
    expect(updated!.changes!.map((c) => c.words)).toContain('新增任务7「推进医保支付方式改革」(牵头:县医保局、县残联;协同:县教育体育局)');
    expect(await getSetting(jiaoti.db, 'self_unit')).toBe('县教育体育局');
    expect(planModelToDef(await activePlan(jiaoti))).toEqual({ ...REV2, revision: 2 });
    expect((await listPlanRevisions(jiaoti.db, COUNTY_PLAN.id)).map((r) => r.revision)).toEqual([1, 2]);

    // July on revision 2, with task 7: accepted under the pinned key, nothing left out, no note.
    const july = await report(loop, jiaoti, '2020-07', REV2);
    const [julyResult] = await importFiles(loop.office, [july]);
    expect(julyResult).toMatchObject({ status: 'accepted', unit: '县教育体育局' });
    expect(julyResult!.message).not.toContain('注意');
  });
});

describe('a revision read from the 责任分解表', () => {
  it('a row deleted in the middle of a task: every other indicator keeps its number and its reported values; the deleted one is retired, not given to its neighbour', async () => {
    const dir = tempDir();
    const db = join(dir, 'S.db');
    expect((await ledger('init', '--db', db)).code).toBe(0);
    const values = join(dir, 'rsj.json');
    const june = [250, 12100, 1100, 530, 2004].map((_t, k) => ({ task: 1, indicator: k + 1, value: 10 * (k + 1) }));
    writeFileSync(values, JSON.stringify([...yearEntries(PLAN_2019, '市人社局', '2019-06').filter((e) => e.task !== 1 || e.indicator === undefined), ...june]));
    expect((await ledger('enter', '--db', db, '--unit', '市人社局', '--period', '2019-06', '--values', values, '--received', '2019-07-05')).code).toBe(0);
    const table = join(dir, '2019年责任分解表.xlsx');
    expect((await ledger('plan', 'export', '--db', db, '--out', table)).code).toBe(0);
    const edited = editWithOpenpyxl(table, [['delete-row', '责任分解', '新技工系统培养']], join(dir, '删去一行.xlsx'));

    const dry = await ledger('plan', 'revise', '--db', db, '--from', edited, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('任务1 删除指标3「新技工系统培养」');
    expect(dry.out).not.toMatch(/任务1 指标\d「[^」]*」名称/);
    expect((await ledger('plan', 'revise', '--db', db, '--from', edited)).code).toBe(0);

    const stored = await openDatabase(db);
    const byName = await stored.db.selectFrom('report_values as v').innerJoin('indicators as i', 'i.id', 'v.indicator_id')
      .innerJoin('tasks as t', 't.id', 'i.task_id').select(['i.no', 'i.name', 'v.value']).where('t.no', '=', 1).orderBy('i.no').execute();
    await stored.close();
    expect(byName).toEqual([
      { no: 1, name: '技能脱贫培训', value: 10 },
      { no: 2, name: '企业新录用人员培训', value: 20 },
      { no: 3, name: '新技工系统培养', value: 30 },
      { no: 4, name: '退役士兵培训', value: 40 },
      { no: 5, name: '新型职业农民培育', value: 50 },
    ]);
    const plan = JSON.parse((await ledger('plan', '--db', db, '--json')).out) as PlanDef;
    expect(plan.categories[0]!.tasks[0]!.indicators.map((i) => [i.no, i.name])).toEqual([[1, '技能脱贫培训'], [2, '企业新录用人员培训'], [4, '退役士兵培训'], [5, '新型职业农民培育']]);
  });
});
