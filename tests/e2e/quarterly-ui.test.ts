/**
 * A quarterly office in Chromium over the loopback bridge (issue 11 item 4): the first start chooses
 * 按季度, the period picker then offers the plan's four quarters only (1-3月 … 1-12月, each with the due
 * date in the month after it), the dashboard and the periods page name them so, and the settings no
 * longer let the frequency change once the demo reports exist. A unit set up from a quarterly assignment
 * sees the same four quarters, the last not yet begun. Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../electron/bridge/server';
import { initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { closeModal, ensureRendererBuilt, openPageOn, SCREENSHOTS, scratch, startTwoSides, type TwoSides } from './harness';

const OFFICE_DAY = '2019-07-10T10:00:00';
const UNIT_DAY = '2019-07-02T15:00:00';
const QUARTERS = ['2019年1-3月', '2019年1-6月', '2019年1-9月', '2019年1-12月'];

let sides: TwoSides;
let tmp: ReturnType<typeof scratch>;
const pageErrors: string[] = [];

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}

function openPage(bridge: Bridge, day: string): Promise<Page> {
  return openPageOn(sides.browser, bridge, day, pageErrors);
}

/** Opens the period picker; its options' texts, in order. */
async function pickerOptions(page: Page): Promise<{ texts: string[]; option: (label: string) => ReturnType<Page['locator']> }> {
  await page.getByTestId('period-select').click();
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const options = open.locator('.ant-select-item-option');
  await poll(() => options.count()).toBe(4);
  return { texts: await options.allTextContents(), option: (label) => options.filter({ hasText: label }) };
}

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-quarterly-');
  for (const d of ['office', 'unit', 'sent']) mkdirSync(join(tmp.dir, d));
  // The unit's computer, set up from another quarterly office's assignment (this test's office starts blank).
  const other = await initSummary(join(tmp.dir, 'sent', 'office.db'), { frequency: 'quarterly', now: () => new Date(UNIT_DAY) });
  const a = await exportAssignment(other, { unit: '市残联', outDir: join(tmp.dir, 'sent') });
  await other.close();
  const unitDb = join(tmp.dir, 'unit', 'ledger.db');
  await (await initUnitFromAssignment(unitDb, a.file, { now: () => new Date(UNIT_DAY), actor: '市残联' })).close();
  sides = await startTwoSides({ dir: tmp.dir, officeDb: join(tmp.dir, 'office', 'ledger.db'), unitDb, officeDay: OFFICE_DAY, unitDay: UNIT_DAY });
}, 300_000);

afterAll(async () => {
  await sides?.close();
  tmp?.remove();
});

describe('a quarterly plan in Chromium', () => {
  it('first start chooses 按季度: four quarters in the picker, the dashboard and periods page name them, settings keep the frequency', async () => {
    const S = await openPage(sides.office, OFFICE_DAY);
    await S.getByTestId('choose-frequency').getByText('按季度').click();
    await poll(() => S.getByTestId('choose-frequency').locator('.ant-radio-wrapper-checked').textContent()).toBe('按季度(1-3月、1-6月……)');
    await S.screenshot({ path: join(SCREENSHOTS, '40-first-start-quarterly.png') });
    await S.getByTestId('with-demo').click(); // demo data is off by default
    await S.getByRole('button', { name: '设为汇总端' }).click();
    await closeModal(S);

    // The demo fills the quarters over by 2019-07-10 (1-3月, 1-6月); the office opens on the latest.
    await poll(() => S.getByTestId('dashboard').locator('.ant-statistic').first().textContent()).toBe('报送期2019年1-6月');
    const picker = await pickerOptions(S);
    expect(picker.texts).toEqual([
      // Due on the 5th after each quarter, moved to the next working day: 清明, 国庆, a Sunday.
      `${QUARTERS[0]}(截止4月8日)`, `${QUARTERS[1]}(截止7月5日)`, `${QUARTERS[2]}(截止10月8日)`, `${QUARTERS[3]}(截止1月6日)`,
    ]);
    await S.waitForTimeout(400); // the dropdown's opening animation, for the picture only
    await S.screenshot({ path: join(SCREENSHOTS, '41-summary-quarterly-period-picker.png') });
    await picker.option(QUARTERS[0]!).click();
    await poll(() => S.getByTestId('dashboard').locator('.ant-statistic').first().textContent()).toBe('报送期2019年1-3月');
    await poll(() => S.getByTestId('dashboard').textContent()).toContain('序时进度25.0%');
    await S.getByRole('tab', { name: '图表' }).click();
    await S.getByTestId('chart-trend').locator('canvas').waitFor();
    await S.waitForTimeout(1200); // the charts' growing animation, for the picture only
    await S.screenshot({ path: join(SCREENSHOTS, '42-summary-quarterly-trend.png'), fullPage: true });

    await S.getByTestId('main-menu').getByText('报送期与关账', { exact: true }).click();
    const rows = S.getByTestId('periods-page').locator('tr.ant-table-row');
    await poll(() => rows.count()).toBe(4);
    // The period chosen in the picker (1-3月) is marked 当前.
    expect(await rows.locator('td:first-child').allTextContents()).toEqual([`${QUARTERS[0]}当前`, ...QUARTERS.slice(1)]);
    // Each due date, then why it moved where it did.
    expect((await rows.locator('td:nth-child(2)').allTextContents()).map((t) => t.slice(0, 10))).toEqual(['2019-04-08', '2019-07-05', '2019-10-08', '2020-01-06']);
    expect(await rows.nth(2).locator('td:nth-child(2)').textContent()).toContain('10月5日为国庆节假期,顺延至10月8日');
    await poll(() => S.getByTestId('periods-page').textContent()).toContain('每季度一期');

    await S.getByTestId('main-menu').getByText('设置', { exact: true }).click();
    const frequency = S.getByTestId('settings-frequency');
    await poll(() => frequency.locator('.ant-radio-wrapper-checked').textContent()).toBe('按季度');
    expect(await frequency.locator('input[value="monthly"]').isDisabled()).toBe(true);
    await poll(() => S.getByTestId('settings-page').textContent()).toContain('已有报送数据,报送频率不能再修改。');
    await S.screenshot({ path: join(SCREENSHOTS, '43-summary-quarterly-settings.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('a unit set up from a quarterly assignment: the four quarters, the fourth 未开始 and not to be chosen', async () => {
    const U = await openPage(sides.unit, UNIT_DAY);
    await U.getByTestId('entry-page').waitFor();
    await poll(() => U.locator('.entry-title').textContent()).toBe('市残联 · 2019年1-6月');
    const picker = await pickerOptions(U);
    expect(picker.texts.map((t) => t.split('(')[0])).toEqual(QUARTERS);
    await poll(() => picker.option(QUARTERS[3]!).getAttribute('class')).toContain('ant-select-item-option-disabled');
    expect(await picker.option(QUARTERS[3]!).textContent()).toContain('未开始');
    expect(await picker.option(QUARTERS[2]!).getAttribute('class')).not.toContain('ant-select-item-option-disabled');
    await U.waitForTimeout(400); // the dropdown's opening animation, for the picture only
    await U.screenshot({ path: join(SCREENSHOTS, '44-unit-quarterly-period-picker.png') });
    await picker.option(QUARTERS[2]!).click();
    await poll(() => U.locator('.entry-title').textContent()).toBe('市残联 · 2019年1-9月');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
