/**
 * 待报 apart from 未报 (issue 14): a lead task not in yet while its due date has not passed is waiting, not
 * missing, in every count of 应报/按时/逾期/未报/待报 (a unit's, an office's in 分县区, a 汇总包's completeness),
 * judged by the injected clock the day before, the day of and the day after September 2019's due date, which the
 * National Day holiday moves from 10月5日 to 10月8日. Real ledgers, packages and workbooks, written and read back.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listOffices } from '../../db/queries/levels';
import { getRollup } from '../../db/queries/rollups';
import type { OpenLedger } from '../../electron/services/context';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles } from '../../electron/services/import/import';
import { loadKey } from '../../electron/services/keys/keys';
import { summaryByOffice } from '../../electron/services/levels/figures';
import { exportRollup } from '../../electron/services/levels/rollup';
import { readPackage } from '../../electron/services/packages/package-format';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { writePackage } from '../../electron/services/packages/package-writer';
import { draftBulletin } from '../../electron/services/summaries/bulletin';
import { writeSummaryWorkbook } from '../../electron/services/summaries/reports';
import { loadPeriodData, periodFigures, summaryByCategory, summaryByTask } from '../../electron/services/summaries/summaries';
import { rollupStateText } from '../../shared/levels';
import { rollupDataSchema, type OfficeStanding } from '../../shared/rollup';
import type { UnitSummary } from '../../shared/summaries';
import { UNIT_TABLE, tableRows } from '../../shared/table-view';
import { runLedger } from '../helpers/cli';
import { createTestLedger, fixedClock, tempDir } from '../helpers/ledger';
import { cityWithCounties, rsjEntries } from './levels-loop';

const SEPTEMBER = '2019-09';
const BEFORE = '2019-10-07';
const DUE = '2019-10-08';
const AFTER = '2019-10-09';

/** 市残联's September, its one lead task in full (75% of each target, on schedule). */
const CANLIAN_SEPTEMBER = [
  { task: 24, status: '推进中' as const, progress: '药费补助发放中' },
  { task: 24, indicator: 1, value: 2448 },
  { task: 24, indicator: 2, value: 321 },
  { task: 24, indicator: 3, value: 45 },
];

/** The same ledger with its clock on `day` at 9:00: what the app shows that morning. */
const on = <T extends OpenLedger>(ledger: T, day: string): T => ({ ...ledger, now: fixedClock(`${day}T09:00:00`) });

/** Every count is one of the four: onTime + late + missing + waiting = due. */
function expectIdentity(rows: readonly Pick<UnitSummary | OfficeStanding, 'due' | 'onTime' | 'late' | 'missing' | 'waiting'>[]): void {
  for (const r of rows) expect(r.onTime + r.late + r.missing + r.waiting).toBe(r.due);
}

/** `ledger …` as run that morning: the command line reads the computer's clock. */
async function ledgerOn(day: string, ...argv: string[]) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${day}T09:00:00`));
  return await runLedger(...argv);
}
afterEach(() => { vi.useRealTimers(); });

const cells = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1);

describe('a unit: 待报 until its due date has passed, 未报 after', () => {
  it('the day before and of the moved due date nothing in is waiting; the day after it is missing; reported tasks are on time or late by their received date', async () => {
    const office = await createTestLedger({ now: fixedClock(`${BEFORE}T09:00:00`) });
    // 市人社局 sends one of its seven lead tasks on the day before; 市交运局 sends nothing; 市残联 everything, on the day after.
    const firstTask = rsjEntries(SEPTEMBER).filter((e) => e.task === 1);
    await enterReports(office, { unit: '市人社局', period: SEPTEMBER, items: firstTask, receivedOn: BEFORE });
    await enterReports(on(office, AFTER), { unit: '市残联', period: SEPTEMBER, items: CANLIAN_SEPTEMBER, receivedOn: AFTER });

    const figures = async (day: string) => periodFigures(await loadPeriodData(on(office, day), SEPTEMBER));
    const unit = (units: readonly UnitSummary[], name: string) => units.find((u) => u.unit === name)!;
    for (const day of [BEFORE, DUE]) {
      const { head, units, headline } = await figures(day);
      expect(head.dueOn).toBe(DUE);
      expect(unit(units, '市人社局')).toMatchObject({ due: 7, onTime: 1, late: 0, missing: 0, waiting: 6, state: '部分报送' });
      const jiaoyun = unit(units, '市交运局');
      expect(jiaoyun).toMatchObject({ onTime: 0, late: 0, missing: 0, waiting: jiaoyun.leadTasks, state: '待报送', red: 0 });
      expect(headline).toMatchObject({ missing: 0, waiting: headline.due - headline.onTime - headline.late });
      expectIdentity(units);
    }
    const after = await figures(AFTER);
    expect(unit(after.units, '市人社局')).toMatchObject({ onTime: 1, missing: 6, waiting: 0, state: '部分报送' });
    const jiaoyun = unit(after.units, '市交运局');
    expect(jiaoyun).toMatchObject({ missing: jiaoyun.leadTasks, waiting: 0, state: '未报送', red: jiaoyun.leadTasks });
    expect(unit(after.units, '市残联')).toMatchObject({ due: 1, late: 1, missing: 0, waiting: 0 });
    expect(after.headline).toMatchObject({ waiting: 0, missing: after.headline.due - after.headline.onTime - after.headline.late });
    expectIdentity(after.units);

    // 分类别: the tasks no lead has sent in full are 待报送 on the due date and 未报送 the day after.
    for (const [day, timing] of [[DUE, 'waiting'], [AFTER, 'missing']] as const) {
      const d = await loadPeriodData(on(office, day), SEPTEMBER);
      const tasks = summaryByTask(d);
      const categories = summaryByCategory(d, tasks);
      const unreported = tasks.filter((t) => t.reportedLeads === 0).length;
      expect(unreported).toBeGreaterThan(0);
      expect(categories.reduce((n, c) => n + c[timing], 0)).toBe(unreported);
      expect(categories.reduce((n, c) => n + c[timing === 'waiting' ? 'missing' : 'waiting'], 0)).toBe(0);
    }

    // The table sorts by 待报 (units without lead tasks last), and the workbook prints it beside 未报送.
    const due = await figures(DUE);
    const byWaiting = tableRows(due.units.filter((u) => u.leadTasks > 0), UNIT_TABLE, { search: '', filters: {}, sort: { column: 'waiting', order: 'ascend' } });
    expect(byWaiting[0]!.waiting).toBe(0);
    expect(byWaiting.at(-1)!.waiting).toBe(Math.max(...due.units.map((u) => u.waiting)));
    for (const [day, missing, waiting] of [[DUE, 0, 6], [AFTER, 6, 0]] as const) {
      const out = join(tempDir(), `汇总表-${day}.xlsx`);
      await writeSummaryWorkbook(on(office, day), { period: SEPTEMBER, out });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(out);
      const ws = wb.getWorksheet('分单位')!;
      expect(cells(ws, 3).slice(4, 9)).toEqual(['按时报送', '逾期报送', '未报送', '待报送', '报送情况']);
      const row = ws.getRows(4, ws.rowCount - 3)!.find((r) => r.getCell(2).value === '市人社局')!;
      expect(cells(ws, row.number).slice(4, 9)).toEqual([1, 0, missing, waiting, '部分报送']);
      const overview = wb.getWorksheet('总体情况')!;
      const item = (label: string) => overview.getRows(4, overview.rowCount - 3)!.find((r) => r.getCell(1).value === label)?.getCell(2).value;
      const h = (await figures(day)).headline;
      expect([item('未报送（份）'), item('待报送（份）')]).toEqual([h.missing, h.waiting]);
    }

    // The command line, that morning: text and --json carry 待报.
    const json = JSON.parse((await ledgerOn(DUE, 'summary', '--db', office.file, '--period', SEPTEMBER, '--by', 'unit', '--json')).out) as UnitSummary[];
    expect(json.find((u) => u.unit === '市人社局')).toMatchObject({ onTime: 1, missing: 0, waiting: 6 });
    expectIdentity(json);
    const text = (await ledgerOn(AFTER, 'summary', '--db', office.file, '--period', SEPTEMBER, '--by', 'unit')).out;
    expect(text).toContain('序号 单位  牵头/协同  按时/逾期/未报/待报');
    expect(text).toMatch(/ 市人社局 {2}7\/\d+ {2}1\/0\/6\/0 /);
    const byCategory = (await ledgerOn(DUE, 'summary', '--db', office.file, '--period', SEPTEMBER, '--by', 'category')).out;
    expect(byCategory).toMatch(/未报 0 {2}待报 [1-9]/);
  });
});

describe('分县区 and the 汇总包: the same rule at the county that writes it and at the city that reads it', () => {
  /** 郎溪县 (its 市人社局 reports September in full on 10月7日) and 宣州区, which sends nothing, under the city. */
  async function september() {
    const lv = await cityWithCounties(['郎溪县'], { cityOffices: ['宣州区', '郎溪县'] });
    const county = lv.counties.get('郎溪县')!;
    const rsj = await lv.loop.unit('市人社局', { office: county, clock: `${BEFORE}T08:00:00` });
    await lv.report(on(county, BEFORE), rsj, SEPTEMBER, rsjEntries(SEPTEMBER));
    const rollup = async (day: string) => (await exportRollup(on(county, day), { period: SEPTEMBER, outDir: lv.toCity, fileName: `汇总包-郎溪县-${day}.xlsx` })).file;
    const byOffice = async (day: string) => await summaryByOffice(on(lv.city, day), SEPTEMBER);
    return { lv, county, rollup, byOffice };
  }

  it('the county’s 汇总包 counts its units’ tasks not in as 待报 before the due date and 未报 after; the city reads what was written', async () => {
    const { lv, rollup } = await september();
    const dataOf = (file: string) => rollupDataSchema.parse(readPackageFile(file).pkg.data);
    const due = dataOf(await rollup(DUE));
    const onDue = due.completeness;
    expect(onDue).toMatchObject({ onTime: 7, late: 0, missing: 0, waiting: onDue.due - 7 });
    expect(onDue.waiting).toBeGreaterThan(0);
    const after = dataOf(await rollup(AFTER));
    const dayAfter = after.completeness;
    expect(dayAfter).toMatchObject({ due: onDue.due, onTime: 7, late: 0, missing: onDue.due - 7, waiting: 0 });
    // Its 滞后事项 name the units not in only once they are 未报: none on the due date, 市残联 the day after.
    expect(due.lagging.filter((l) => l.reason === '未报送')).toEqual([]);
    expect(after.lagging).toContainEqual({ task: 24, indicator: null, unit: '市残联', reason: '未报送' });
    expect(after.lagging).toContainEqual({ task: 5, indicator: null, unit: '市农业农村局', reason: '未报送' });
    // The sheet people read says the same.
    const sheet = readPackage(readFileSync(join(lv.toCity, `汇总包-郎溪县-${DUE}.xlsx`))).content.sheets.find((s) => s.name === '报送及滞后事项')!;
    expect(sheet.rows[0]![1]).toBe(`${onDue.units} 个单位牵头任务 ${onDue.due} 项:按时 7,逾期 0,未报送 0,待报送(未到截止日期)${onDue.waiting}`);

    // Imported at the city on the due date, the completeness is stored as the county wrote it.
    const file = join(lv.toCity, `汇总包-郎溪县-${DUE}.xlsx`);
    expect((await importFiles(on(lv.city, DUE), [file], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted']);
    const langxi = (await listOffices(lv.city.db)).find((o) => o.name === '郎溪县')!;
    const stored = rollupDataSchema.parse(JSON.parse((await getRollup(lv.city.db, langxi.id, SEPTEMBER))!.data));
    expect(stored.completeness).toEqual(onDue);
  });

  it('the city’s 分县区: before any 汇总包 every office is 待报送 with no red; the day of, what came in is on time and the rest waits; the day after, it is 未报 and red', async () => {
    const { lv, rollup, byOffice } = await september();
    const before = await byOffice(BEFORE);
    expect(before.head.dueOn).toBe(DUE);
    for (const o of before.offices) {
      expect(o).toMatchObject({ revision: null, onTime: 0, late: 0, missing: 0, waiting: o.due, red: 0 });
      expect(o.due).toBeGreaterThan(0);
      expect(rollupStateText(o)).toBe('待报送');
      expect(o.tasks.every((t) => t.reported === 'waiting' && t.light === 'none')).toBe(true);
    }
    expectIdentity([before.own, ...before.offices]);

    expect((await importFiles(on(lv.city, DUE), [await rollup(DUE)], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted']);
    const dueDay = await byOffice(DUE);
    const [xuanzhou, langxi] = dueDay.offices;
    expect(xuanzhou).toMatchObject({ missing: 0, waiting: xuanzhou!.due, red: 0 });
    const inFull = langxi!.tasks.filter((t) => t.reported === 'onTime').length;
    expect(inFull).toBeGreaterThan(0);
    expect(langxi).toMatchObject({ revision: 1, receivedOn: DUE, onTime: inFull, late: 0, missing: 0, waiting: langxi!.due - inFull });
    expectIdentity([dueDay.own, ...dueDay.offices]);

    const after = await byOffice(AFTER);
    const [xz, lx] = after.offices;
    expect(xz).toMatchObject({ missing: xz!.due, waiting: 0, red: xz!.due });
    expect(rollupStateText(xz!)).toBe('未报送');
    expect(lx).toMatchObject({ onTime: inFull, missing: lx!.due - inFull, waiting: 0 });
    expect(lx!.tasks.filter((t) => t.reported === 'missing').every((t) => t.light === 'red')).toBe(true);
    expectIdentity([after.own, ...after.offices]);

    // The workbook's 分县区 and the bulletin say the same that day; the command line too.
    const out = join(lv.loop.dir, '汇总表.xlsx');
    await writeSummaryWorkbook(on(lv.city, DUE), { period: SEPTEMBER, out });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('分县区')!;
    expect(cells(ws, 4).slice(1, 9)).toEqual(['宣州区', '待报送', '—', xuanzhou!.due, 0, 0, 0, xuanzhou!.due]);
    expect(cells(ws, 5).slice(4, 9)).toEqual([langxi!.due, inFull, 0, 0, langxi!.due - inFull]);
    const { bulletin } = await draftBulletin(on(lv.city, DUE), { period: SEPTEMBER });
    expect(bulletin.officeRanking.find((r) => r.office === '宣州区')!.state).toBe('待报送');
    expect(bulletin.offices).toBe('按各县(市、区)分解任务的量化指标平均完成率排序(见下表,空白任务不计,未报送汇总包的按0计),郎溪县推进较快。尚未到截止日期、还未报送汇总包的:宣州区。');
    const cli = JSON.parse((await ledgerOn(DUE, 'summary', '--db', lv.city.file, '--period', SEPTEMBER, '--by', 'office', '--json')).out) as { offices: OfficeStanding[] };
    expect(cli.offices.map((o) => [o.office, o.missing, o.waiting])).toEqual([['宣州区', 0, xuanzhou!.due], ['郎溪县', 0, langxi!.due - inFull]]);
    const text = (await ledgerOn(AFTER, 'summary', '--db', lv.city.file, '--period', SEPTEMBER, '--by', 'office')).out;
    expect(text).toContain('序号 下级汇总端  汇总包  应报/按时/逾期/未报/待报');
    expect(text).toContain(` 1 宣州区  未报送  ${xz!.due}/0/0/${xz!.due}/0  `);
  });

  it('a 汇总包 received the day after the due date is late for what it carries in full', async () => {
    const { lv, rollup, byOffice } = await september();
    expect((await importFiles(on(lv.city, AFTER), [await rollup(AFTER)], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted']);
    const langxi = (await byOffice(AFTER)).offices[1]!;
    const inFull = langxi.tasks.filter((t) => t.reported === 'late').length;
    expect(inFull).toBeGreaterThan(0);
    expect(langxi).toMatchObject({ receivedOn: AFTER, onTime: 0, late: inFull, missing: langxi.due - inFull, waiting: 0 });
  });

  it('a 汇总包 written by the previous version, its completeness without `waiting`, still imports and reads as 0 待报', async () => {
    const { lv, county, rollup, byOffice } = await september();
    // The previous version wrote the same package without the field: its data, signed by the county's key.
    const current = readPackage(readFileSync(await rollup(DUE)));
    const data = rollupDataSchema.parse(current.content.data);
    const { waiting, ...previousCompleteness } = data.completeness;
    expect(waiting).toBeGreaterThan(0);
    const previous = { ...data, completeness: { ...previousCompleteness, missing: previousCompleteness.missing + waiting } };
    const file = join(tempDir(), '汇总包-郎溪县-上一版本.xlsx');
    writeFileSync(file, writePackage({ manifest: { ...current.manifest, packageId: randomUUID() }, sheets: current.content.sheets, data: previous, key: loadKey(county.file) }));
    expect(JSON.stringify(readPackageFile(file).pkg.data)).not.toContain('waiting');

    expect((await importFiles(on(lv.city, DUE), [file], { acceptNewKeys: true })).map((r) => r.status)).toEqual(['accepted']);
    const langxi = (await listOffices(lv.city.db)).find((o) => o.name === '郎溪县')!;
    const stored = rollupDataSchema.parse(JSON.parse((await getRollup(lv.city.db, langxi.id, SEPTEMBER))!.data));
    expect(stored.completeness).toEqual({ ...previousCompleteness, missing: previousCompleteness.missing + waiting, waiting: 0 });
    // The city's own view judges the tasks by its own clock, whatever the sender counted.
    const view = (await byOffice(DUE)).offices[1]!;
    expect(view).toMatchObject({ revision: 1, missing: 0 });
    expect(view.waiting).toBeGreaterThan(0);
  });
});
