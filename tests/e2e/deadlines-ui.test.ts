/**
 * Deadlines and a unit set up mid-year, in Chromium over the loopback bridge (issue 14 items 2 and 7).
 * The office's 报送期 page on 2019-10-08 shows September due on 10月8日 with why (10月5日 is in the National
 * Day holiday), sets November's date by hand with a reason, and shows it so, and sets 市残联 to start in
 * October; 市残联, set up from its assignment on 10月12日, sees January–September as 未起报, not red, and enters
 * its opening cumulative values, which its form shows as 上期累计. Screenshots at 1366×768.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../electron/bridge/server';
import { initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { ensureRendererBuilt, menu, openPageOn, poll, SCREENSHOTS, scratch, settled, shot, startTwoSides, type TwoSides } from './harness';

const OFFICE_DAY = '2019-10-08T10:00:00';
const UNIT_DAY = '2019-10-12T15:00:00';

let sides: TwoSides;
let tmp: ReturnType<typeof scratch>;
const pageErrors: string[] = [];

function openPage(bridge: Bridge, day: string): Promise<Page> {
  return openPageOn(sides.browser, bridge, day, pageErrors);
}

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-deadlines-');
  for (const d of ['office', 'unit', 'sent']) mkdirSync(join(tmp.dir, d));
  const officeDb = join(tmp.dir, 'office', 'ledger.db');
  const office = await initSummary(officeDb, { now: () => new Date(OFFICE_DAY), actor: '汇总端' });
  const a = await exportAssignment(office, { unit: '市残联', outDir: join(tmp.dir, 'sent') });
  await office.close();
  const unitDb = join(tmp.dir, 'unit', 'ledger.db');
  await (await initUnitFromAssignment(unitDb, a.file, { now: () => new Date(UNIT_DAY), actor: '市残联' })).close();
  sides = await startTwoSides({ dir: tmp.dir, officeDb, unitDb, officeDay: OFFICE_DAY, unitDay: UNIT_DAY });
}, 300_000);

afterAll(async () => {
  await sides?.close();
  tmp?.remove();
});

describe('deadlines on the 报送期 page', () => {
  it('September moved to 10月8日 with why; November set by hand with a reason, shown and kept', async () => {
    const S = await openPage(sides.office, OFFICE_DAY);
    await S.getByTestId('dashboard').waitFor();
    // On September's due date itself nobody is red yet: every unit still has the day.
    await poll(() => S.getByTestId('reporting-waiting').textContent()).toContain('市人社局');
    expect(await S.getByTestId('reporting-missing').textContent()).not.toContain('市人社局');

    await menu(S, '报送期与关账');
    const september = S.getByTestId('due-2019-09');
    await poll(() => september.textContent()).toBe('2019-10-0810月5日为国庆节假期,顺延至10月8日');
    await poll(() => S.getByTestId('due-2019-12').textContent()).toBe('2020-01-061月5日为星期日,顺延至1月6日');
    await poll(() => S.getByTestId('due-2019-06').textContent()).toBe('2019-07-05');
    await shot(S, '60-periods-moved-deadlines');

    await S.getByTestId('periods-page').locator('tr', { hasText: '2019年11月' }).getByRole('button', { name: '设定截止日期…' }).click();
    const dialog = S.locator('.ant-modal-wrap:visible');
    await poll(() => dialog.textContent()).toContain('按规则为 2019-12-05');
    const date = dialog.getByTestId('due-date-input');
    await date.click();
    await date.fill('2019-12-09');
    await date.press('Enter');
    await dialog.getByTestId('due-reason-input').fill('12月上旬集中督查,统一延至12月9日');
    await shot(S, '61-periods-set-deadline');
    await dialog.getByRole('button', { name: '保存' }).last().click();
    await poll(() => S.locator('.ant-modal-wrap:visible').count()).toBe(0);
    await poll(() => S.getByTestId('due-2019-11').textContent()).toBe('2019-12-09手工设定汇总端设定为12月9日(按规则为12月5日):12月上旬集中督查,统一延至12月9日');
    await settled(S);
    await shot(S, '62-periods-deadline-by-hand');

    // 市残联 takes on its task from October: September is no longer owed by it.
    await menu(S, '汇总与报送情况');
    await S.getByTestId('unit-table').locator('tr', { hasText: '市残联' }).locator('.unit-link').click();
    await S.getByTestId('unit-detail').waitFor();
    await S.getByTestId('set-start').click();
    const start = S.locator('.ant-modal-wrap:visible');
    await start.getByTestId('start-period').click();
    const dropdown = S.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    await dropdown.waitFor();
    await settled(S);
    await dropdown.locator('.ant-select-item-option').filter({ hasText: '2019年10月' }).first().click();
    await start.getByTestId('start-reason').fill('10月起承担贫困残疾人康复任务');
    await start.getByRole('button', { name: '保存' }).last().click();
    await poll(() => S.locator('.ant-modal-wrap:visible').count()).toBe(0);
    await poll(() => S.getByTestId('unit-detail').textContent()).toContain('未起报');
    await shot(S, '64-unit-detail-starts-in-october');

    await menu(S, '审计日志');
    await poll(() => S.locator('body').textContent()).toContain('设定截止日期');
    expect(await S.locator('body').textContent()).toContain('设定单位起报期');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('a unit set up on 10月12日: January–September are 未起报, not 未报送·已过截止日', async () => {
    const U = await openPage(sides.unit, UNIT_DAY);
    await U.getByTestId('entry-page').waitFor();
    await menu(U, '报送期');
    const rows = U.getByTestId('periods-page').locator('tr.ant-table-row');
    await poll(() => rows.count()).toBe(12);
    await poll(() => rows.nth(0).textContent()).toContain('未起报');
    expect(await rows.nth(8).textContent()).toContain('未起报');
    expect(await rows.nth(9).textContent()).toContain('未填报');
    expect(await U.getByTestId('periods-page').textContent()).not.toContain('已过截止日');
    await shot(U, '63-unit-periods-mid-year');

    // What it had done before October, as its first 上期累计.
    await U.getByTestId('open-opening').click();
    const dialog = U.locator('.ant-modal-wrap:visible');
    // Lead tasks come first: task 24's first indicator (贫困精神残疾人药费补助) is the first input.
    await dialog.getByRole('spinbutton').first().fill('2400');
    await shot(U, '65-unit-opening-values');
    await dialog.getByRole('button', { name: '保存' }).last().click();
    await poll(() => U.locator('.ant-modal-wrap:visible').count()).toBe(0);
    await menu(U, '本期填报');
    await poll(() => U.getByTestId('previous-24-1').textContent()).toContain('2,400');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
