/**
 * 任务分解 in Chromium over the loopback bridge (issue 13 items 1-2): the office sets 任务1's 技能脱贫培训 (250人)
 * for 宣州区 and 郎溪县, leaves 广德市 blank (无任务), sees the difference warning, enters a reason, saves, reloads
 * and finds them kept; the store holds the two quotas and no 0. Then the list of subordinate offices: one added
 * becomes a column of the grid. Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { openLedger } from '../../electron/services/context';
import { quotaGrid } from '../../electron/services/levels/quotas';
import { initSummary } from '../../electron/services/plan/setup';
import { answerDialogs, chooseOption, ensureRendererBuilt, launchChromium, menu, openPageOn, poll, runningClock, scratch, SCREENSHOTS, settled, shot } from './harness';
import type { BrowserContext } from 'playwright-core';

const DAY = '2019-07-10T10:00:00';

let tmp: ReturnType<typeof scratch>;
let bridge: Bridge;
let browser: BrowserContext;
let dbFile: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-quotas-');
  dbFile = join(tmp.dir, 'office.db');
  await (await initSummary(dbFile, { now: () => new Date(DAY) })).close();
  bridge = await startBridge({ dbFile, testHooks: true, now: runningClock(DAY), actor: '汇总端' });
  browser = await launchChromium(join(tmp.dir, 'profile'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  tmp?.remove();
});

const cell = (page: Page, column: string) => page.getByTestId(`quota-1-1-${column}`);

async function openQuotas(page: Page): Promise<void> {
  await menu(page, '任务分解');
  await page.getByTestId('quota-grid').waitFor();
  await poll(() => page.getByTestId('quota-grid').locator('tr.ant-table-row').count()).toBe(62);
}

describe('任务分解 in Chromium', () => {
  it('two offices set, one left blank (无任务): the difference is shown, a reason entered, and all of it kept after a reload', async () => {
    const S = await openPageOn(browser, bridge, DAY, pageErrors);
    await openQuotas(S);
    const headers = await S.getByTestId('quota-grid').locator('thead th').allTextContents();
    expect(headers.slice(0, 14)).toEqual(['任务', '指标', '全市目标', '市本级', '宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县', '合计', '差额', '说明']);

    await cell(S, '宣州区').fill('100');
    await cell(S, '郎溪县').fill('120');
    // 广德市 stays blank: it reads 无任务, and 合计 leaves it out.
    expect(await cell(S, '广德市').getAttribute('placeholder')).toBe('无任务');
    await poll(() => S.getByTestId('quota-diff-1-1').textContent()).toBe('-30');
    await poll(() => S.getByTestId('quota-unexplained').textContent()).toBe('1 个指标与全市目标不一致,待说明');
    const reason = S.getByTestId('quota-reason-1-1');
    expect(await reason.getAttribute('placeholder')).toBe('与全市目标不一致,请说明原因');
    await reason.fill('广德市今年无此项任务,余30人由市本级统筹');
    await poll(() => S.getByTestId('quota-unexplained').count()).toBe(0);
    // The picture shows the grid from its first column (typing the reason scrolled it right).
    await S.getByTestId('quota-grid').locator('.ant-table-content, .ant-table-body').first().evaluate((el) => { el.scrollLeft = 0; });
    await shot(S, '60-summary-quota-grid');
    await S.getByTestId('quota-save').click();
    await poll(() => S.locator('.ant-message').textContent()).toContain('已保存 3 处修改');

    await S.reload();
    await openQuotas(S);
    await poll(() => cell(S, '宣州区').inputValue()).toBe('100');
    expect(await cell(S, '郎溪县').inputValue()).toBe('120');
    expect(await cell(S, '广德市').inputValue()).toBe('');
    expect(await cell(S, 'own').inputValue()).toBe('');
    expect(await S.getByTestId('quota-diff-1-1').textContent()).toBe('-30');
    expect(await S.getByTestId('quota-reason-1-1').inputValue()).toBe('广德市今年无此项任务,余30人由市本级统筹');

    // The store has the two quotas and the reason, and no row (never a 0) for a blank.
    const l = await openLedger(dbFile, { mustExist: true });
    try {
      const row = (await quotaGrid(l)).rows[0]!;
      expect(row).toMatchObject({ own: null, quotas: [100, 120, null, null, null, null, null], total: 220, difference: -30, reason: '广德市今年无此项任务,余30人由市本级统筹' });
      expect(l.handle.sqlite!.prepare('SELECT count(*) AS n FROM quotas').get()).toEqual({ n: 2 });
    } finally {
      await l.close();
    }
    expect(pageErrors).toEqual([]);
    await S.close();
  }, 180_000);

  it('the list of subordinate offices: one added at the end becomes the grid’s last office column', async () => {
    const S = await openPageOn(browser, bridge, DAY, pageErrors);
    await openQuotas(S);
    await S.getByTestId('edit-offices').click();
    await S.getByTestId('office-name').fill('宣城经开区');
    await S.getByTestId('office-name').press('Enter');
    const rows = S.getByTestId('offices-table').locator('tr.ant-table-row');
    await poll(() => rows.count()).toBe(8);
    expect(await rows.last().textContent()).toContain('8宣城经开区');
    await shot(S, '61-summary-offices');
    await S.getByTestId('offices-done').click();
    await poll(() => S.getByTestId('quota-grid').locator('thead th').nth(11).textContent()).toBe('宣城经开区');
    expect(await cell(S, '宣城经开区').getAttribute('placeholder')).toBe('无任务');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('the grid searched, narrowed to one office and its 未分解 indicators, and sorted by task number', async () => {
    const S = await openPageOn(browser, bridge, DAY, pageErrors);
    await openQuotas(S);
    const grid = S.getByTestId('quota-grid');
    const rows = grid.locator('tr.ant-table-row');
    const shown = S.getByTestId('shown-quotas');
    expect(await shown.textContent()).toBe('显示 62 / 62 个指标');

    // Search by a task's words: every indicator of 任务1 (实施技工大省技能培训工程), by an indicator's: that one.
    await S.getByTestId('search-quotas').locator('input').fill('技工大省');
    await poll(() => shown.textContent()).toBe('显示 5 / 62 个指标');
    await S.getByTestId('search-quotas').locator('input').fill('新型职业农民');
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('新型职业农民培育');
    await S.getByTestId('search-quotas').locator('input').fill('');
    await poll(() => rows.count()).toBe(62);

    // One office: its column alone beside 市本级.
    await chooseOption(S, S.getByTestId('quota-office'), '郎溪县');
    await poll(() => grid.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['市本级', '郎溪县', '合计', '差额']));
    const heads = await grid.locator('thead th').allTextContents();
    expect(heads.filter((h) => ['宣州区', '广德市', '宣城经开区'].includes(h))).toEqual([]);
    await settled(S);

    // 未分解 for 郎溪县: its one quota (任务1 指标1, saved above) is out, the other 44 cumulative indicators stay.
    await grid.locator('thead th').filter({ hasText: '合计' }).locator('.ant-table-filter-trigger').click();
    const dropdown = S.locator('.ant-table-filter-dropdown:visible');
    await dropdown.waitFor();
    await settled(S);
    // The choices in the order the rows first show them, as in the other tables: 任务1 指标1 is 郎溪县's one quota.
    expect(await dropdown.locator('.ant-dropdown-menu-item').allTextContents()).toEqual(['已分解(1)', '未分解(44)', '不分解(17)']);
    await dropdown.locator('.ant-dropdown-menu-item').filter({ hasText: '未分解' }).click();
    await dropdown.getByRole('button', { name: /确\s*定/ }).click();
    await poll(() => shown.textContent()).toBe('显示 44 / 62 个指标');
    const kept = await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { rowKey: string } }).dataset.rowKey));
    expect(kept).not.toContain('1-1');
    expect(kept).toContain('1-2');
    for (const key of kept.slice(0, 5)) expect(await S.getByTestId(`quota-${key}-郎溪县`).inputValue()).toBe('');

    // Sorted by task number, highest first; the office and the filter stay.
    await grid.locator('thead th').filter({ hasText: /^任务/ }).first().click();
    await poll(async () => (await rows.first().getAttribute('data-row-key'))?.split('-')[0]).toBe('54');
    const tasks = (await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { rowKey: string } }).dataset.rowKey))).map((k) => Number(k.split('-')[0]));
    expect(tasks).toEqual([...tasks].sort((a, b) => b - a));
    expect(tasks).toHaveLength(44);
    // The picture from the top, the search and the office in view, no sorter tooltip over the header.
    await S.mouse.move(900, 700);
    await S.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await poll(() => S.locator('.ant-tooltip:visible').count()).toBe(0);
    await shot(S, '78-quotas-filter');
    expect(pageErrors).toEqual([]);
    await S.close();
  }, 120_000);

  it('生成下达包 for an office with no quota at all asks first; one with some says how many are 无任务', async () => {
    const usb = join(tmp.dir, 'usb');
    mkdirSync(usb);
    const S = await openPageOn(browser, bridge, DAY, pageErrors);
    await openQuotas(S);
    await S.getByTestId('open-allocations').click();
    const table = S.getByTestId('allocations-table');
    await table.waitFor();
    expect(await S.getByTestId('allocation-gap-郎溪县').textContent()).toBe('44 / 45 个');
    expect(await S.getByTestId('allocation-gap-广德市').textContent()).toBe('全部 45 个都未分解');

    // 广德市: the confirm says what the county would get; 先去分解 writes nothing.
    await S.getByTestId('allocate-广德市').click();
    const confirm = S.getByTestId('no-quota-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toBe('「广德市」还没有分解任何任务:45 个累计类指标都没有填广德市的任务,下达包里它们都将是「无任务」,广德市将没有任何累计类目标(水平类、增幅类、节点类指标沿用原目标)。请先在「任务分解」页填好广德市的任务再生成下达包。');
    await shot(S, '79-allocation-no-quota-confirm');
    await S.locator('.ant-modal-wrap:visible').getByRole('button', { name: '先去分解' }).last().click();
    await poll(() => S.getByTestId('no-quota-confirm').count()).toBe(0);
    expect(readdirSync(usb)).toEqual([]);

    // 仍然生成: written, and the folder dialog answered.
    await answerDialogs(bridge.origin, bridge.token, usb);
    await S.getByTestId('allocate-广德市').click();
    await confirm.waitFor();
    await settled(S); // a click during the dialog's opening animation can be lost under load (harness.ts closeModal)
    await S.locator('.ant-modal-wrap:visible').getByRole('button', { name: '仍然生成' }).last().click();
    await poll(() => readdirSync(usb).filter((f) => f.startsWith('下达包-广德市'))).toHaveLength(1);
    await poll(() => table.textContent()).toContain('下达包-广德市');

    // 郎溪县 has one: written without asking, the message says how many are left 无任务.
    await answerDialogs(bridge.origin, bridge.token, usb);
    await S.getByTestId('allocate-郎溪县').click();
    await poll(() => S.locator('.ant-message').textContent()).toContain('「郎溪县」还有 44 个累计类指标没有分解任务(共 45 个)');
    expect(await S.getByTestId('no-quota-confirm').count()).toBe(0);
    await poll(() => readdirSync(usb).filter((f) => f.startsWith('下达包-郎溪县'))).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await S.close();
  }, 120_000);
});
