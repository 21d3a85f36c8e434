/**
 * `ledger summary --by office` (issue 13 item 5) on real files: every subordinate office in order, reported or
 * not, against its quotas; 市本级 from the city's own units; per indicator the city total = 本级 + offices for a
 * cumulative one; a blank quota is 无任务 (no target, left out), never 0.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeSummaryWorkbook } from '../../electron/services/summaries/reports';
import { draftBulletin, renderBulletin } from '../../electron/services/summaries/bulletin';
import { importFiles } from '../../electron/services/import/import';
import { loadPeriodData, ownTaskSummaries, summaryByTask, summaryByUnit } from '../../electron/services/summaries/summaries';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { isSplit } from '../../shared/levels';
import { areaPartText } from '../../shared/summaries';
import type { OfficeIndicatorRow } from '../../shared/rollup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { runLedger } from '../helpers/cli';
import { fixedClock } from '../helpers/ledger';
import type { OpenLedger } from '../../electron/services/context';
import { cityWithCounties, rsjEntries } from './levels-loop';

interface Row { office: string; due: number; onTime: number; late: number; missing: number; waiting: number; completion: number | null; green: number; yellow: number; red: number; revision: number | null }

/** The office on 2019-07-08, after June's due date (07-05): what the CLI, on today's clock, also sees. */
const afterDue = (office: OpenLedger): OpenLedger => ({ ...office, now: fixedClock('2019-07-08T09:00:00') });

/** Tasks every office owes whatever its quotas: those with a target that is not split, and those with no number at all. */
const owedByAll = PLAN_2019.categories.flatMap((c) => c.tasks).filter((t) => t.indicators.length === 0 || t.indicators.some((i) => !isSplit(i.kind))).length;

async function cityJune() {
  const lv = await cityWithCounties(['郎溪县', '广德市'], { cityOffices: ['宣州区', '郎溪县', '广德市'] });
  // 技能脱贫培训 250人: 市本级 70, 郎溪县 100, 广德市 80, 宣州区 blank (无任务). 企业新录用人员培训: only 广德市 has a quota.
  await saveQuotas(lv.city, { quotas: [
    { task: 1, indicator: 1, office: null, value: 70 }, { task: 1, indicator: 1, office: '郎溪县', value: 100 }, { task: 1, indicator: 1, office: '广德市', value: 80 },
    { task: 1, indicator: 2, office: '广德市', value: 5000 },
  ], reasons: [] });
  const langxi = lv.counties.get('郎溪县')!;
  const guangde = lv.counties.get('广德市')!;
  await lv.report(langxi, await lv.loop.unit('市人社局', { office: langxi }), '2019-06', rsjEntries('2019-06', { '1.1': 40, '1.2': 900 }));
  await lv.report(guangde, await lv.loop.unit('市人社局', { office: guangde }), '2019-06', rsjEntries('2019-06', { '1.1': 30, '1.2': 2600 }));
  await lv.report(lv.city, await lv.loop.unit('市人社局'), '2019-06', rsjEntries('2019-06', { '1.1': 35, '1.2': 3000 }));
  const rollups = [await lv.rollup(langxi, '2019-06'), await lv.rollup(guangde, '2019-06')];
  expect((await importFiles(lv.city, rollups, { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted', 'accepted']);
  return lv;
}

describe('ledger summary --by office', () => {
  it('each county against its quota, 宣州区 listed though it sent nothing, and the city total equal to 本级 + offices', async () => {
    const lv = await cityJune();
    const r = await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out) as { own: Row; offices: Row[]; indicators: OfficeIndicatorRow[] };
    expect(v.offices.map((o) => [o.office, o.revision])).toEqual([['宣州区', null], ['郎溪县', 1], ['广德市', 1]]);
    expect(v.own.office).toBe('市本级');

    const training = v.indicators.find((i) => i.task === 1 && i.indicator === 1)!;
    expect(training).toMatchObject({ name: '技能脱贫培训', basis: 'sum', target: 250, own: { target: 70, value: 35 } });
    expect(training.offices).toEqual([{ target: null, value: null }, { target: 100, value: 40 }, { target: 80, value: 30 }]);
    expect(training.total).toBe(35 + 40 + 30);
    // Every cumulative indicator: the total is 本级 + the offices' figures; a rate is 本级's own figure, never summed.
    for (const i of v.indicators) {
      const parts = [i.own.value, ...i.offices.map((o) => o.value)].filter((x): x is number => x !== null);
      if (i.basis === 'sum') expect(i.total).toBeCloseTo(parts.reduce((a, b) => a + b, 0), 6);
      else expect(i.total).toBe(i.own.value);
    }
    // A figure where there is no task (市本级's 3000 of 企业新录用人员培训, which only 广德市 has a quota of) counts in
    // the total, so the lines printed show it beside 无任务: the columns add up to the total a person reads.
    const text = await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office');
    const hiring = text.out.split('\n').find((l) => l.includes('任务1 指标2'))!;
    const hiringTotal = v.indicators.find((i) => i.task === 1 && i.indicator === 2)!.total;
    expect(hiring).toContain(`合计 ${hiringTotal}/12100  市本级 无任务(3000)`);
    expect(hiringTotal).toBe(3000 + 2600 + (v.indicators.find((i) => i.task === 1 && i.indicator === 2)!.offices[1]!.value ?? 0));
    const pension = v.indicators.find((i) => i.task === 20 && i.indicator === 2)!;
    expect(pension).toMatchObject({ basis: 'lead', total: pension.own.value });
    expect(pension.offices.map((o) => o.target)).toEqual([100, 100, 100]);

    // 宣州区 sent nothing: every task it owes is missing and red. It owes no task whose targets are all split and blank.
    const [xuanzhou, langxi, guangde] = v.offices;
    expect(xuanzhou).toMatchObject({ due: owedByAll, onTime: 0, late: 0, missing: owedByAll, waiting: 0, red: owedByAll, completion: 0 });
    // 郎溪县 owes task 1 besides (its quota of 技能脱贫培训); 广德市 too (two quotas, one task).
    expect(langxi!.due).toBe(owedByAll + 1);
    expect(guangde!.due).toBe(owedByAll + 1);
    for (const o of [langxi!, guangde!]) {
      expect(o.onTime + o.late + o.missing + o.waiting).toBe(o.due);
      expect(o.green + o.yellow + o.red).toBe(o.due);
      expect(o.late).toBe(0);
      // Only 市人社局 reports in each county: every task missing there came in without a status, and is red.
      expect(o.red).toBeGreaterThanOrEqual(o.missing);
    }
  });

  it('a blank quota is 无任务: no target, out of the office’s completion, whatever the office reported for it', async () => {
    const lv = await cityJune();
    const v = JSON.parse((await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office', '--json')).out) as { offices: Row[]; indicators: OfficeIndicatorRow[] };
    const newHires = v.indicators.find((i) => i.task === 1 && i.indicator === 2)!;
    // 郎溪县 reported 900 for it, but has no quota: 无任务, not a target of 0; its figure still counts in the city total.
    expect(newHires.offices[1]).toEqual({ target: null, value: 900 });
    expect(newHires.total).toBe(3000 + 900 + 2600);
    // Raising 郎溪县's figure on an indicator it has no task for does not change how it stands.
    const before = v.offices[1]!;
    const again = await cityWithCounties(['郎溪县'], { cityOffices: ['宣州区', '郎溪县', '广德市'] });
    await saveQuotas(again.city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 100 }], reasons: [] });
    const county = again.counties.get('郎溪县')!;
    await again.report(county, await again.loop.unit('市人社局', { office: county }), '2019-06', rsjEntries('2019-06', { '1.1': 40, '1.2': 12000 }));
    await importFiles(again.city, [await again.rollup(county, '2019-06')], { acceptNewKeys: true });
    const after = (JSON.parse((await runLedger('summary', '--db', again.city.handle.location, '--period', '2019-06', '--by', 'office', '--json')).out) as { offices: Row[] }).offices[1]!;
    expect(after).toMatchObject({ due: before.due, completion: before.completion, green: before.green, yellow: before.yellow, red: before.red });

    const text = await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office');
    expect(text.out).toContain('任务1 指标1 技能脱贫培训(人)  合计 105/250  市本级 35/70  宣州区 无任务  郎溪县 40/100  广德市 30/80');
    expect(text.out).toContain(' 1 宣州区  未报送  ');
    expect(text.out).toContain(' 2 郎溪县  第1版 2019-07-04  ');
  });

  it('the summary workbook’s 分县区 sheet: one row per office in order with its roll-up and rank, 本级 after them; none for an office without offices', async () => {
    const lv = await cityJune();
    const out = join(lv.loop.dir, '汇总表.xlsx');
    // Written the day the CLI reads (its clock is today's, long after June's due date of 2019-07-05).
    const r = await writeSummaryWorkbook(afterDue(lv.city), { period: '2019-06', out });
    expect(r.sheets).toContain('分县区');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('分县区')!;
    const v = JSON.parse((await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office', '--json')).out) as { own: Row; offices: Row[] };
    const rowOf = (n: number) => (ws.getRow(n).values as unknown[]).slice(1, 15);
    expect(rowOf(3)).toEqual(['序号', '下级汇总端', '汇总包', '收到日期', '应报任务', '按时报送', '逾期报送', '未报送', '待报送', '平均完成度', '● 绿灯', '▲ 黄灯', '■ 红灯', '排名']);
    // Ranked by completion: 郎溪县 (40 of 100) and 广德市 (30 of 80) above 宣州区, which sent nothing.
    const [xz, lx, gd] = v.offices;
    const ranked = [lx!, gd!].sort((a, b) => b.completion! - a.completion!);
    const rankOf = (o: Row) => (o === xz ? 3 : ranked.indexOf(o) + 1);
    expect(rowOf(4)).toEqual([1, '宣州区', '未报送', '—', xz!.due, 0, 0, xz!.due, 0, 0, 0, 0, xz!.due, rankOf(xz!)]);
    expect(rowOf(5).slice(0, 3)).toEqual([2, '郎溪县', '第1版']);
    expect(rowOf(5).slice(4)).toEqual([lx!.due, lx!.onTime, lx!.late, lx!.missing, lx!.waiting, lx!.completion, lx!.green, lx!.yellow, lx!.red, rankOf(lx!)]);
    expect(rowOf(6).slice(13)).toEqual([rankOf(gd!)]);
    expect(rowOf(7).slice(0, 5)).toEqual([undefined, '市本级', '本级各单位', '—', v.own.due]);

    const top = await cityWithCounties([]);
    const none = await writeSummaryWorkbook(top.city, { period: '2019-06', out: join(top.loop.dir, '汇总表.xlsx') });
    expect(none.sheets).not.toContain('分县区');
  });

  it('a share withdrawn after the office reported: its figure stays in the sum, and the parts say so', async () => {
    const lv = await cityJune();
    await saveQuotas(lv.city, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: null }], reasons: [] });
    const training = summaryByTask(await loadPeriodData(afterDue(lv.city), '2019-06'))[0]!.indicators[0]!;
    expect(training).toMatchObject({ value: 105, area: { own: 35, offices: 70, owing: 1, reported: 1, unshared: 1 } });
    expect(areaPartText(training.area!, '人', '市本级')).toBe('市本级 35人 + 下级汇总 70人(有任务的下级已报 1/1;含无分解任务的下级 1 个报送的数)');
  });

  it('the bulletin ranks the offices that rolled up, names the silent ones, and has no such section before any roll-up', async () => {
    const lv = await cityJune();
    const { bulletin } = await draftBulletin(afterDue(lv.city), { period: '2019-06' });
    const v = JSON.parse((await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office', '--json')).out) as { offices: Row[] };
    const [, lx, gd] = v.offices;
    const [first, second] = lx!.completion! >= gd!.completion! ? [lx!, gd!] : [gd!, lx!];
    expect(bulletin.officeRanking.map((r) => [r.rank, r.office, r.state])).toEqual([[1, first.office, '第1版'], [2, second.office, '第1版'], [3, '宣州区', '未报送']]);
    expect(bulletin.offices).toBe(`按各县(市、区)分解任务的量化指标平均完成率排序(见下表,空白任务不计,未报送汇总包的按0计),${first.office}、${second.office}推进较快。未报送汇总包的:宣州区。`);
    const html = renderBulletin({ bulletin, timeProgress: 0.5 });
    expect(html).toContain('<th>名次</th><th>下级汇总端</th><th>完成率</th><th>红灯任务(项)</th><th>汇总包</th>');
    expect(html).toContain(`<td>1</td><td>${first.office}</td>`);
    expect(html).toContain('<td>3</td><td>宣州区</td><td>0.0%</td>');

    const quiet = await cityWithCounties(['郎溪县']);
    const none = (await draftBulletin(quiet.city, { period: '2019-06' })).bulletin;
    expect([none.offices, none.officeRanking]).toEqual(['', []]);
    expect(renderBulletin({ bulletin: none, timeProgress: 0.5 })).not.toContain('下级汇总端');
  });

  it('the city’s task-by-task view, workbook and CLI judge a cumulative indicator for the whole city: 本级 + the offices’ 汇总包 against the city’s target, the total --by office shows; a county without offices sees its own', async () => {
    const lv = await cityJune();
    const loaded = await loadPeriodData(afterDue(lv.city), '2019-06');
    const tasks = summaryByTask(loaded);
    const byOffice = JSON.parse((await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'office', '--json')).out) as { indicators: OfficeIndicatorRow[] };
    // 技能脱贫培训 250: 市本级 35 (of its 70) was judged alone against 250 (14%, red); the city's figure is 35 + 40 + 30.
    const training = tasks[0]!.indicators[0]!;
    expect(training).toMatchObject({ target: 250, value: 105, completion: 105 / 250, area: { own: 35, offices: 70, owing: 2, reported: 2, unshared: 0 } });
    expect(training.completion).toBeCloseTo(105 / 250, 9);
    // Every indicator: the value the task view judges is the total the by-office view shows.
    for (const row of byOffice.indicators) {
      const shown = tasks.find((t) => t.no === row.task)!.indicators[row.indicator - 1]!;
      expect([row.task, row.indicator, shown.value]).toEqual([row.task, row.indicator, row.total]);
      // Its parts are shown where an office has a share of it or sent a figure of it.
      expect(shown.area !== undefined).toBe(row.basis === 'sum' && row.offices.some((o) => o.target !== null || o.value !== null));
    }
    // The unit-by-unit view and 本级's own figures are untouched: 市人社局 still reported 35.
    expect(ownTaskSummaries(loaded)[0]!.indicators[0]!.value).toBe(35);
    expect(summaryByUnit(loaded).find((u) => u.unit === '市人社局')!.indicatorsReported).toBeGreaterThan(0);

    const text = (await runLedger('summary', '--db', lv.city.handle.location, '--period', '2019-06', '--by', 'task')).out;
    expect(text).toContain('累计类指标为全辖区合计:市本级加各下级汇总端最新汇总包(2/3个已报)。');
    const line = text.split('\n').find((l) => l.includes('· 技能脱贫培训'))!;
    expect(line).toContain('累计完成 105人 完成率 42.0%');
    expect(line).toContain('市本级 35人 + 下级汇总 70人(有任务的下级已报 2/2)');

    const out = join(lv.loop.dir, '汇总表-分任务.xlsx');
    await writeSummaryWorkbook(afterDue(lv.city), { period: '2019-06', out });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('分任务')!;
    expect(String(ws.getCell(2, 1).value)).toContain('累计类指标的进展情况为全市合计：市本级加各下级汇总端最新汇总包（2/3个已报）');
    const trainingRow = [...Array(ws.rowCount).keys()].map((k) => ws.getRow(k + 1)).find((r) => r.getCell(5).value === '技能脱贫培训')!;
    expect(trainingRow.getCell(7).value).toBe(105);

    // A county has no offices of its own: its task view is its own units' figures, with no parts.
    const county = lv.counties.get('郎溪县')!;
    const own = summaryByTask(await loadPeriodData(afterDue(county), '2019-06'));
    expect(own[0]!.indicators[0]!.value).toBe(40);
    expect(own.flatMap((t) => t.indicators).some((i) => i.area !== undefined)).toBe(false);
  });
});
