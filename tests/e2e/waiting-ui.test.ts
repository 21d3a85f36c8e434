/**
 * 待报 on the dashboard (issue 14) in Chromium over the loopback bridge, on September 2019's due date, which the
 * National Day holiday moves to 10月8日: the unit table's 待报 column counts the lead tasks not in yet apart from
 * 未报 (none of which is 未报 that day), sorts by it, and the 分县区 tab says 待报送 for offices with no 汇总包 yet.
 * Screenshots 75-waiting-column.png and 76-waiting-offices.png at 1366×768 in tests/e2e/screenshots/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { loadPeriodData, summaryByUnit } from '../../electron/services/summaries/summaries';
import type { UnitSummary } from '../../shared/summaries';
import { rsjEntries } from '../levels/levels-loop';
import { openDashboardOn, poll, settled, shot, startDemoOffice, type DemoOffice } from './harness';

const DAY = '2019-10-08T10:00:00';

let demo: DemoOffice;
let office: Bridge;
let browser: BrowserContext;
let units: UnitSummary[];
const pageErrors: string[] = [];

beforeAll(async () => {
  demo = await startDemoOffice({
    prefix: 'ledger-e2e-waiting-', day: DAY, through: '2019-08',
    prepare: async (s) => {
      // 市残联 sends its one lead task in full on the due date; 市人社局 one of its seven the day before.
      await enterReports(s, { unit: '市残联', period: '2019-09', receivedOn: '2019-10-08', items: [
        { task: 24, status: '推进中', progress: '药费补助发放中' },
        { task: 24, indicator: 1, value: 2448 }, { task: 24, indicator: 2, value: 321 }, { task: 24, indicator: 3, value: 45 },
      ] });
      await enterReports(s, { unit: '市人社局', period: '2019-09', receivedOn: '2019-10-07', items: rsjEntries('2019-09').filter((e) => e.task === 1) });
      units = summaryByUnit(await loadPeriodData(s, '2019-09'));
    },
  });
  ({ office, browser } = demo);
}, 300_000);

afterAll(async () => {
  await demo?.close();
});

const row = (page: Page, unit: string) => page.getByTestId('unit-table').locator(`tr.unit-row-${units.find((u) => u.unit === unit)!.seq}`);
const unitNames = (page: Page) => page.getByTestId('unit-table').locator('tr.ant-table-row .unit-link').allTextContents();

describe('待报 on the dashboard', () => {
  it('on the due date the unit table counts what is not in yet as 待报, none as 未报, and sorts by it; 分县区 says 待报送', async () => {
    const renshe = units.find((u) => u.unit === '市人社局')!;
    expect(renshe).toMatchObject({ onTime: 1, missing: 0, waiting: 6 });
    const S = await openDashboardOn(browser, office, DAY, pageErrors, '2019年9月');
    const table = S.getByTestId('unit-table');
    await table.waitFor();
    await poll(() => table.locator('th', { hasText: '待报' }).count()).toBe(1);
    // 按时/逾期/未报 then 待报: 市人社局 1/0/0 and 6 waiting; 市交运局, nothing in, all waiting; 市残联 nothing waiting.
    const cellsOf = async (unit: string) => (await row(S, unit).locator('td').allTextContents()).map((t) => t.trim());
    await poll(() => cellsOf('市人社局')).toEqual(expect.arrayContaining(['1/0/0', '6']));
    const jiaoyun = units.find((u) => u.unit === '市交运局')!;
    expect(jiaoyun.waiting).toBe(jiaoyun.leadTasks);
    expect(await cellsOf('市交运局')).toEqual(expect.arrayContaining(['0/0/0', String(jiaoyun.leadTasks)]));
    expect(await cellsOf('市残联')).toEqual(expect.arrayContaining(['1/0/0', '0']));
    expect(units.every((u) => u.missing === 0)).toBe(true);
    await poll(() => S.getByTestId('reporting-waiting').textContent()).toContain('市交运局');
    expect(await S.getByTestId('reporting-missing').textContent()).not.toContain('市交运局');
    await settled(S);
    await shot(S, '75-waiting-column');

    // Sorted by 待报, most first (as every count column sorts on the first click), equals in their fixed order.
    await table.locator('th', { hasText: '待报' }).click();
    const leading = units.filter((u) => u.leadTasks > 0);
    await poll(() => unitNames(S)).toEqual([...leading].sort((a, b) => b.waiting - a.waiting || a.seq - b.seq).map((u) => u.unit));

    await S.getByRole('tab', { name: '分县区' }).click();
    const offices = S.getByTestId('office-table');
    await offices.waitFor();
    const rows = offices.locator('tr.ant-table-row');
    await poll(() => rows.count()).toBeGreaterThan(1);
    const count = await rows.count();
    for (let k = 0; k < count - 1; k++) expect(await rows.nth(k).textContent()).toContain('待报送');
    expect(await offices.locator('th', { hasText: '待报' }).count()).toBe(1);
    await settled(S);
    await shot(S, '76-waiting-offices');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
