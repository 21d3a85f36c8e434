/**
 * A quarterly office end to end through the services (issue 11 item 4): set up quarterly, a unit set up
 * from its assignment takes the frequency, enters and exports 1-3月 and 1-6月, the office imports them and
 * reads 序时进度 6/12, 上期 = 2019-03 and lateness against the quarter's due date. Then the frequency as
 * a setting: changed while nothing is reported, refused once something is, and what a unit still on a
 * monthly assignment meets (its 2019-05 refused with words that say why, the new assignment switching it).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { enterReports, type EntryItem } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { exportAssignment } from '../../electron/services/packages/packages';
import { header, loadPeriodData, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { entryForm, periodViews, planView, settingsView, trendView, updateSettings } from '../../electron/services/views';
import { listPeriods } from '../../db/queries/plan';
import { listAudit } from '../../db/queries/audit';
import { createLoop } from '../helpers/loop';

/** 市残联's task 24 at a quarter of each target (3264, 428, 60 人) for 1-3月, half for 1-6月. */
const canlian = (share: number, progress: string): EntryItem[] => [
  { task: 24, status: '推进中', progress, contact: '王某', phone: '0563-3021234' },
  { task: 24, indicator: 1, value: 3264 * share },
  { task: 24, indicator: 2, value: 428 * share },
  { task: 24, indicator: 3, value: 60 * share },
  { task: 23, status: '推进中', progress: '配合开展残疾人补贴发放' },
];

/** The cell beside a label on a package's cover sheet. */
function coverField(file: string, label: string): unknown {
  const ws = XLSX.read(readFileSync(file)).Sheets['封面']!;
  const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 });
  return rows.find((r) => r[0] === label)?.[1];
}

describe('a quarterly office, end to end', () => {
  it('periods, assignment, entry with 上期 = 2019-03, export of 1-6月, import, 序时进度 6/12 and lateness by the quarter', async () => {
    const loop = await createLoop({ frequency: 'quarterly' });
    const office = loop.office;
    expect((await planView(office)).frequency).toBe('quarterly');
    // Four periods named by the quarter's last month, each due on the 5th of the month after the quarter,
    // moved to the next working day (清明 2019-04-05, 国庆 2019-10-05, Sunday 2020-01-05).
    expect((await listPeriods(office.db, 'xuancheng-2019')).map((p) => [p.period, p.month, p.dueOn])).toEqual([
      ['2019-03', 3, '2019-04-08'], ['2019-06', 6, '2019-07-05'], ['2019-09', 9, '2019-10-08'], ['2019-12', 12, '2020-01-06'],
    ]);

    // The unit takes the office's frequency from its assignment; on 2019-07-02 the third quarter has begun, the fourth not.
    const unit = await loop.unit('市残联');
    expect((await planView(unit)).frequency).toBe('quarterly');
    expect((await periodViews(unit)).map((p) => [p.period, p.dueOn, p.started])).toEqual([
      ['2019-03', '2019-04-08', true], ['2019-06', '2019-07-05', true], ['2019-09', '2019-10-08', true], ['2019-12', '2020-01-06', false],
    ]);
    await expect(enterReports(unit, { period: '2019-12', items: canlian(0.75, '提前填报') })).rejects.toMatchObject({
      code: 'E_FUTURE_PERIOD', message: expect.stringContaining('2019年1-12月从 2019-10-01 才开始'),
    });

    const q1 = await loop.report(unit, '2019-03', canlian(0.25, '一季度药费补助发放'));
    // 上期 of 1-6月 is 1-3月 (not May): the form shows it, and a cumulative figure below it is refused.
    const form = await entryForm(unit, { period: '2019-06' });
    expect(form.tasks.find((t) => t.no === 24)!.indicators.map((i) => i.previous)).toEqual([816, 107, 15]);
    await expect(enterReports(unit, { period: '2019-06', items: [{ task: 24, indicator: 2, value: 100 }] })).rejects.toMatchObject({
      code: 'E_VALIDATION', message: expect.stringContaining('低于上期累计 107人'),
    });
    const q2 = await loop.report(unit, '2019-06', canlian(0.5, '上半年药费补助发放'));

    // The package carries the quarter's period id; its name and cover say what a clerk reads.
    expect(basename(q2)).toBe('填报包-市残联-2019年1-6月-第1版.xlsx');
    expect(coverField(q2, '报送期')).toBe('2019年1-6月');
    expect(basename(q1)).toBe('填报包-市残联-2019年1-3月-第1版.xlsx');

    const results = await importFiles(office, [q1, q2], { acceptNewKeys: true, receivedOn: '2019-07-04' });
    expect(results.map((r) => [r.status, r.period, r.message])).toEqual([
      ['accepted', '2019-03', expect.stringContaining('已导入 市残联 2019年1-3月 第1版')],
      ['accepted', '2019-06', expect.stringContaining('已导入 市残联 2019年1-6月 第1版')],
    ]);

    const june = await loadPeriodData(office, '2019-06');
    expect(header(june)).toMatchObject({ period: '2019-06', frequency: 'quarterly', month: 6, timeProgress: 0.5, dueOn: '2019-07-05' });
    const task24 = summaryByTask(june).find((t) => t.no === 24)!;
    expect(task24.indicators.map((i) => [i.value, i.completion, i.gapPoints, i.light])).toEqual([
      [1632, 0.5, 0, 'green'], [214, 0.5, 0, 'green'], [30, 0.5, 0, 'green'],
    ]);
    expect(summaryByUnit(june).find((u) => u.unit === '市残联')).toMatchObject({ onTime: 1, late: 0, state: '已报送', completion: 0.5 });
    // 1-3月 was due on 2019-04-08 (4月5日 清明): received in July, it is late; at 3/12 its quarter share is on schedule.
    const march = await loadPeriodData(office, '2019-03');
    expect(header(march)).toMatchObject({ timeProgress: 0.25, dueOn: '2019-04-08' });
    expect(summaryByUnit(march).find((u) => u.unit === '市残联')).toMatchObject({ onTime: 0, late: 1, completion: 0.25, green: 1 });
    // At the office too, 上期 of the June quarter is March (the proxy form shows the imported 1-3月 figures).
    const proxy = await entryForm(office, { period: '2019-06', unit: '市残联' });
    expect(proxy.tasks.find((t) => t.no === 24)!.indicators.map((i) => [i.previous, i.value])).toEqual([[816, 1632], [107, 214], [15, 30]]);
    // The trend goes by quarter: one point for each quarter reported so far.
    expect((await trendView(office)).overall.map((o) => [o.period, o.onTime, o.late])).toEqual([['2019-03', 0, 1], ['2019-06', 1, 0]]);
  });

  it('a monthly period id is refused in a quarterly plan with the periods it has, at entry and in the summaries', async () => {
    const loop = await createLoop({ frequency: 'quarterly' });
    const unit = await loop.unit('市残联');
    const refusal = {
      code: 'E_NOT_FOUND',
      message: expect.stringContaining('没有报送期 2019-05:本计划按季度报送,报送期为 2019-03(2019年1-3月)、2019-06(2019年1-6月)、2019-09(2019年1-9月)、2019-12(2019年1-12月)'),
    };
    await expect(enterReports(unit, { period: '2019-05', items: canlian(0.5, '五月') })).rejects.toMatchObject(refusal);
    await expect(loadPeriodData(loop.office, '2019-05')).rejects.toMatchObject(refusal);
  });
});

describe('the reporting frequency as a setting', () => {
  it('changes while nothing is reported (periods made again, audited) and is refused, changing nothing, once a report exists', async () => {
    const loop = await createLoop();
    const office = loop.office;
    expect(await settingsView(office)).toMatchObject({ frequency: 'monthly', frequencyLocked: false });
    expect(await listPeriods(office.db, 'xuancheng-2019')).toHaveLength(12);

    const after = await updateSettings(office, { frequency: 'quarterly', dueDay: 10 });
    expect(after).toMatchObject({ frequency: 'quarterly', dueDay: 10, frequencyLocked: false });
    expect((await listPeriods(office.db, 'xuancheng-2019')).map((p) => [p.period, p.dueOn])).toEqual([
      ['2019-03', '2019-04-10'], ['2019-06', '2019-07-10'], ['2019-09', '2019-10-10'], ['2019-12', '2020-01-10'],
    ]);
    expect((await listAudit(office.db, { limit: 1 }))[0]).toMatchObject({
      action: 'settings.update', before: expect.objectContaining({ frequency: 'monthly' }), after: expect.objectContaining({ frequency: 'quarterly', dueDay: 10 }),
    });

    await enterReports(office, { unit: '市残联', period: '2019-06', items: canlian(0.5, '纸质报表代填'), receivedOn: '2019-07-04' });
    expect((await settingsView(office)).frequencyLocked).toBe(true);
    const periodsBefore = await listPeriods(office.db, 'xuancheng-2019');
    const auditBefore = await listAudit(office.db, { limit: 1000 });
    await expect(updateSettings(office, { frequency: 'monthly', yellowPoints: 20 })).rejects.toMatchObject({
      code: 'E_VALIDATION', message: expect.stringContaining('已有报送数据(填报、导入、代填或演示数据),不能再把报送频率从「按季度」改为「按月」'),
    });
    expect(await listPeriods(office.db, 'xuancheng-2019')).toEqual(periodsBefore);
    expect(await listAudit(office.db, { limit: 1000 })).toEqual(auditBefore);
    expect(await settingsView(office)).toMatchObject({ frequency: 'quarterly', yellowPoints: 10 });
    // Saving the other settings with the frequency unchanged still works.
    expect(await updateSettings(office, { frequency: 'quarterly', yellowPoints: 15 })).toMatchObject({ frequency: 'quarterly', yellowPoints: 15 });
  });

  it('a unit on the monthly assignment: its 2019-05 is refused with why and what to do; the new assignment switches a unit with nothing entered, not one with reports', async () => {
    const loop = await createLoop();
    const canlianUnit = await loop.unit('市残联');
    const minzheng = await loop.unit('市民政局');
    await updateSettings(loop.office, { frequency: 'quarterly' });

    const may = await loop.report(canlianUnit, '2019-05', canlian(0.5, '五月'));
    expect(basename(may)).toBe('填报包-市残联-2019-05-第1版.xlsx');
    const [refused] = await importFiles(loop.office, [may], { acceptNewKeys: true });
    expect(refused).toMatchObject({
      status: 'rejected', code: 'E_WRONG_PLAN',
      message: expect.stringContaining('这个填报包报送的是 2019-05(2019年5月,按月报送的报送期),不是本计划的报送期,未导入。本计划按季度报送'),
    });
    expect(refused!.message).toContain('市残联的程序可能是按改为按季度报送之前的任务包建立的:请从本机重新生成市残联的任务包');

    const newAssignments = join(loop.dir, 'new-assignments');
    mkdirSync(newAssignments);
    const forMinzheng = await exportAssignment(loop.office, { unit: '市民政局', outDir: newAssignments });
    const [switched] = await importFiles(minzheng, [forMinzheng.file]);
    expect(switched).toMatchObject({ status: 'accepted', message: expect.stringContaining('报送频率改为「按季度」,报送期随之改为 2019年1-3月、2019年1-6月、2019年1-9月、2019年1-12月') });
    expect((await periodViews(minzheng)).map((p) => p.period)).toEqual(['2019-03', '2019-06', '2019-09', '2019-12']);
    expect((await listAudit(minzheng.db, { limit: 1 }))[0]).toMatchObject({ action: 'plan.update', before: { revision: 1, frequency: 'monthly' }, after: expect.objectContaining({ frequency: 'quarterly' }) });
    expect((await importFiles(minzheng, [forMinzheng.file]))[0]!.status).toBe('duplicate');

    const forCanlian = await exportAssignment(loop.office, { unit: '市残联', outDir: newAssignments });
    const [kept] = await importFiles(canlianUnit, [forCanlian.file]);
    expect(kept).toMatchObject({ status: 'rejected', code: 'E_WRONG_PLAN', message: expect.stringContaining('本机已经有按月填报的内容,报送期不能再改,未导入') });
    expect(await listPeriods(canlianUnit.db, 'xuancheng-2019')).toHaveLength(12);
  });
});
