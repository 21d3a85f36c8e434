/**
 * 任务分解 in Chromium over the loopback bridge (issue 13 items 1-2): the office sets 任务1's 技能脱贫培训 (250人)
 * for 宣州区 and 郎溪县, leaves 广德市 blank (无任务), sees the difference warning, enters a reason, saves, reloads
 * and finds them kept; the store holds the two quotas and no 0. Then the list of subordinate offices: one added
 * becomes a column of the grid. Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { openLedger } from '../../electron/services/context';
import { quotaGrid } from '../../electron/services/levels/quotas';
import { initSummary } from '../../electron/services/plan/setup';
import { ensureRendererBuilt, launchChromium, menu, openPageOn, poll, runningClock, SCREENSHOTS, scratch, shot } from './harness';
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
});
