/**
 * The office's tables and the smaller points of issue 14 (items 6 and 8) in Chromium over the loopback bridge,
 * on the demo year through September plus a proxy entry, a lock and a reopen: the unit table searched, sorted
 * and exported as shown; units without a lead task behind a switch; the sticky table header below the app
 * header and the period picker; bars coloured by one light scale; the trend chart in view at 1366×768; the
 * audit log in words; the keys page; 生成全部任务包. Screenshots tables-*.png in tests/e2e/screenshots/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowLight, type CategorySummary, type UnitSummary } from '../../shared/summaries';
import type { Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { lockPeriod, reopenPeriod } from '../../electron/services/entry/periods';
import { loadPeriodData, summaryByCategory, summaryByUnit } from '../../electron/services/summaries/summaries';
import { answerDialogs, choosePeriod, closeModal, type DemoOffice, menu, openDashboardOn, poll, settled, shot, startDemoOffice, VIEWPORT } from './harness';

const DAY = '2019-10-12T10:00:00';

let demo: DemoOffice;
let office: Bridge;
let browser: BrowserContext;
let units: UnitSummary[];
let categories: CategorySummary[];
const pageErrors: string[] = [];

beforeAll(async () => {
  demo = await startDemoOffice({
    prefix: 'ledger-e2e-tables-', day: DAY, through: '2019-09',
    prepare: async (s) => {
      await enterReports(s, { unit: '市残联', period: '2019-09', items: [{ task: 24, status: '已完成' }, { task: 24, indicator: 1, value: 3300 }], receivedOn: '2019-10-08', replace: true });
      await lockPeriod(s, '2019-08');
      await reopenPeriod(s, '2019-08', '补录市残联8月的说明');
      const d = await loadPeriodData(s, '2019-09');
      units = summaryByUnit(d);
      categories = summaryByCategory(d);
    },
  });
  ({ office, browser } = demo);
}, 300_000);

afterAll(async () => {
  await demo?.close();
});

async function openSeptember(): Promise<Page> {
  const page = await openDashboardOn(browser, office, DAY, pageErrors, '2019年9月');
  await page.getByTestId('unit-table').waitFor();
  return page;
}

const unitRows = (page: Page) => page.getByTestId('unit-table').locator('tr.ant-table-row');
const unitNames = (page: Page) => unitRows(page).locator('.unit-link').allTextContents();

/** The dialog's own button, in the modal that is showing. */

describe('office tables that work', () => {
  it('the unit table: units with no lead task behind a switch, searched, sorted by completion and exported as shown', async () => {
    const S = await openSeptember();
    const leading = units.filter((u) => u.leadTasks > 0);
    expect(leading.length).toBeLessThan(units.length);
    await poll(() => unitRows(S).count()).toBe(leading.length);
    await shot(S, 'tables-01-dashboard');
    await S.getByTestId('show-co-only').click();
    await poll(() => unitRows(S).count()).toBe(units.length);
    await S.getByTestId('show-co-only').click();
    await poll(() => unitRows(S).count()).toBe(leading.length);

    await S.getByTestId('search-units').locator('input').fill('人社');
    await poll(() => unitNames(S)).toEqual(['市人社局']);
    await S.getByTestId('search-units').locator('input').fill('');
    await poll(() => unitRows(S).count()).toBe(leading.length);

    // 完成度 sorts from the highest first; units without a figure go last.
    await S.getByTestId('unit-table').locator('th', { hasText: '完成度' }).click();
    const expected = [...leading].sort((a, b) => (a.completion === null ? 1 : b.completion === null ? -1 : b.completion - a.completion) || a.seq - b.seq).map((u) => u.unit);
    await poll(() => unitNames(S)).toEqual(expected);
    await poll(() => S.getByTestId('shown-units').textContent()).toBe(`显示 ${leading.length} / ${leading.length} 行`);

    const folder = join(demo.dir, 'exports');
    mkdirSync(folder);
    await answerDialogs(office.origin, office.token, folder);
    await S.getByTestId('export-units').click();
    await poll(() => S.getByTestId('table-exported').textContent()).toContain('民生工作分单位汇总表-2019年9月.xlsx');
    expect(await S.getByTestId('table-exported').textContent()).toContain('不含无牵头任务的单位;按完成度从高到低');
    await shot(S, 'tables-02-exported');
    await closeModal(S, '知道了');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(folder, '民生工作分单位汇总表-2019年9月.xlsx')) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('分单位')!;
    const names: string[] = [];
    for (let r = 4; r < 4 + expected.length; r++) names.push(String(ws.getRow(r).getCell(2).value));
    expect(names).toEqual(expected);
    expect(ws.getRow(4 + expected.length).getCell(2).value).toBe('合计');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('the sticky table header stays below the app header and leaves the period picker usable', async () => {
    const S = await openSeptember();
    await S.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 900));
    await settled(S);
    const header = (await S.locator('.app-header').boundingBox())!;
    const thead = (await S.getByTestId('unit-table').locator('.ant-table-thead').first().boundingBox())!;
    expect(header.y).toBe(0);
    expect(thead.y).toBeGreaterThanOrEqual(header.y + header.height - 0.5);
    expect(thead.y).toBeLessThan(header.y + header.height + 4);
    // What is at the picker's centre is the picker, not the table's header drawn over it.
    const picker = (await S.getByTestId('period-select').boundingBox())!;
    const hit = await S.evaluate(([x, y]) => {
      const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document;
      return doc.elementFromPoint(x!, y!)?.closest('[data-testid="period-select"], .ant-select') !== null;
    }, [picker.x + picker.width / 2, picker.y + picker.height / 2]);
    expect(hit).toBe(true);
    await shot(S, 'tables-03-sticky-header');
    await choosePeriod(S, '2019年8月');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('bars take the colour of the row\'s light, the same on the unit and the category tables; the trend chart is in view at 1366×768', async () => {
    const S = await openSeptember();
    const barColour = (row: ReturnType<Page['locator']>) => row.locator('.ant-progress').first().evaluate((el) => {
      const bg = (el as unknown as { querySelector(s: string): unknown }).querySelector('.ant-progress-track');
      return { light: (el as unknown as { getAttribute(n: string): string | null }).getAttribute('data-light'), colour: (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(bg).backgroundColor };
    });
    const colourOf = new Map<string, string>();
    for (const u of units.filter((x) => x.completion !== null).slice(0, 12)) {
      const c = await barColour(S.getByTestId('unit-table').locator(`tr.unit-row-${u.seq}`));
      expect(c.light).toBe(rowLight(u));
      colourOf.set(c.light!, c.colour);
    }
    await S.getByRole('tab', { name: '分类别' }).click();
    await S.getByTestId('category-table').waitFor();
    for (const c of categories.filter((x) => x.completion !== null)) {
      const bar = await barColour(S.getByTestId('category-table').locator(`tr[data-row-key="${c.no}"]`));
      expect(bar.light).toBe(rowLight(c));
      if (colourOf.has(bar.light!)) expect(bar.colour).toBe(colourOf.get(bar.light!));
    }
    expect([...colourOf.keys()].length).toBeGreaterThan(1);
    await shot(S, 'tables-04-categories');

    await S.getByRole('tab', { name: '图表' }).click();
    const trend = S.getByTestId('chart-trend');
    await trend.waitFor();
    await settled(S);
    const box = (await trend.boundingBox())!;
    expect(box.y).toBeGreaterThan(0);
    expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
    await shot(S, 'tables-05-charts');
    // 个百分点 on screen as in the printouts: no figure followed by a bare 点.
    await S.getByRole('tab', { name: '分任务' }).click();
    await S.getByTestId('task-table').locator('.ant-table-row-expand-icon').first().click();
    await settled(S);
    const text = await S.locator('body').innerText();
    expect(text).not.toMatch(/\d(?:\.\d+)?点/);
    expect(text).toContain('个百分点');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('the audit log reads in plain Chinese: action, object, before → after', async () => {
    const S = await openSeptember();
    await menu(S, '审计日志');
    const table = S.getByTestId('audit-table');
    await poll(() => table.locator('tr.ant-table-row').count()).toBeGreaterThan(3);
    const text = await table.innerText();
    expect(text).toContain('重新开启报送期');
    expect(text).toContain('已关账 → 重新开启');
    expect(text).toContain('原因:补录市残联8月的说明');
    expect(text).toContain('市残联 2019年9月 任务24');
    expect(text).toContain('推进状态:');
    expect(text).not.toMatch(/[{}"]|indicatorId|before|after/);
    await shot(S, 'tables-06-audit-log');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('the keys page says 未登记 (not 尚未报送) for units that reported without a package, and 生成全部任务包 writes and lists every one', async () => {
    const S = await openSeptember();
    await menu(S, '单位、密钥与数据包');
    const table = S.getByTestId('units-table');
    await poll(() => table.locator('tr.ant-table-row').count()).toBe(units.length);
    const text = await table.innerText();
    expect(text).not.toContain('尚未报送');
    expect(text).toContain('未登记');
    await shot(S, 'tables-07-keys-page');
    await S.getByTestId('search-keys').locator('input').fill('残联');
    await poll(() => table.locator('tr.ant-table-row').count()).toBe(1);
    await S.getByTestId('search-keys').locator('input').fill('');
    await poll(() => table.locator('tr.ant-table-row').count()).toBe(units.length);

    const folder = join(demo.dir, 'all-assignments');
    mkdirSync(folder);
    await answerDialogs(office.origin, office.token, folder);
    await S.getByTestId('assign-all').click();
    const list = S.getByTestId('assignments-written');
    // 37 packages signed and written on two busy cores.
    await expect.poll(() => list.locator('li').count(), { timeout: 90_000, interval: 250 }).toBe(units.length);
    expect(await list.locator('li').first().textContent()).toBe(`${units[0]!.unit}:任务包-${units[0]!.unit}-2019-第1版.xlsx(计划第1版)`);
    await shot(S, 'tables-08-all-assignments');
    await closeModal(S, '知道了');
    expect(readdirSync(folder).filter((f) => f.endsWith('.xlsx'))).toHaveLength(units.length);
    expect(existsSync(join(folder, `任务包-${units.at(-1)!.unit}-2019-第1版.xlsx`))).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
