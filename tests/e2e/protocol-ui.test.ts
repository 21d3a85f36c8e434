/**
 * The screens of issue 10 items 1, 4 and 6 in Chromium over the loopback bridge: the import page's
 * dialog for a key that already belongs to another unit (the warning shown, registered as a shared
 * key on purpose), the office name in the settings, and a unit's period picker that does not offer a
 * month not yet begun. The databases are prepared with the services, as the loop test's screens made them.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { yearEntries } from '../../scripts/bench-setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { answerDialogs, closeModal, ensureRendererBuilt, openPageOn, poll, SCREENSHOTS, scratch, startTwoSides, type TwoSides } from './harness';

const OFFICE_DAY = '2019-08-03T10:00:00';
const UNIT_DAY = '2019-08-02T15:00:00';

let sides: TwoSides;
let tmp: ReturnType<typeof scratch>;
let inbox: string;
const pageErrors: string[] = [];

function openPage(bridge: Bridge, day: string): Promise<Page> {
  return openPageOn(sides.browser, bridge, day, pageErrors);
}

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-protocol-');
  const sent = join(tmp.dir, 'sent');
  inbox = join(tmp.dir, 'inbox');
  for (const d of [sent, inbox, join(tmp.dir, 'office'), join(tmp.dir, 'unit')]) mkdirSync(d);
  const officeDb = join(tmp.dir, 'office', 'ledger.db');
  const canlianDb = join(tmp.dir, 'unit', 'ledger.db');
  const s = await initSummary(officeDb, { now: () => new Date(OFFICE_DAY), actor: '汇总端' });
  const report = async (name: string, db: string, outDir: string) => {
    const a = await exportAssignment(s, { unit: name, outDir: sent });
    const u = await initUnitFromAssignment(db, a.file, { now: () => new Date(UNIT_DAY), actor: name });
    await enterReports(u, { period: '2019-07', items: yearEntries(PLAN_2019, name, '2019-07') });
    const r = await exportReport(u, { period: '2019-07', outDir });
    await u.close();
    return r.file;
  };
  // 市残联 reports and its key is pinned; 市民政局's computer signs with that same key.
  const canlian = await report('市残联', canlianDb, sent);
  expect((await importFiles(s, [canlian], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
  copyFileSync(`${canlianDb}.key`, join(tmp.dir, 'minzheng.db.key'));
  await report('市民政局', join(tmp.dir, 'minzheng.db'), inbox);
  await s.close();
  sides = await startTwoSides({ dir: tmp.dir, officeDb, unitDb: canlianDb, officeDay: OFFICE_DAY, unitDay: UNIT_DAY });
}, 300_000);

afterAll(async () => {
  await sides?.close();
  tmp?.remove();
});

describe('issue 10 screens in Chromium', () => {
  it('a key of another unit: refused, the dialog names the unit it belongs to, registered as a shared key on purpose; the office renames itself', async () => {
    const S = await openPage(sides.office, OFFICE_DAY);
    await S.getByTestId('main-menu').getByText('导入填报包', { exact: true }).click();
    await answerDialogs(sides.office.origin, sides.office.token, inbox);
    await S.getByTestId('import-folder').click();
    const dialog = S.getByTestId('shared-key-confirm');
    await poll(() => dialog.textContent()).toContain('市民政局');
    await poll(() => S.getByTestId('shared-key-warning').textContent()).toContain('已属于 市残联');
    await poll(() => S.getByTestId('import-results').textContent()).toContain('密钥属于其他单位 E_KEY_OF_OTHER_UNIT');
    await S.waitForTimeout(400); // the dialog's opening animation, for the picture only
    await S.screenshot({ path: join(SCREENSHOTS, '30-summary-import-key-of-other-unit.png') });
    await S.getByRole('button', { name: '确认两个单位共用这个密钥,登记并重新导入' }).click();
    await poll(() => S.getByTestId('shared-key-accepted').textContent()).toContain('同时是市残联(现用)的密钥');
    await closeModal(S);
    await poll(() => S.getByTestId('import-summary').textContent()).toBe('共 1 个文件:可导入 1,重复 0,拒收 0。');
    await S.getByTestId('commit-import').click();
    await poll(() => S.getByTestId('import-summary').textContent()).toBe('共 1 个文件:已导入 1,重复 0,拒收 0。');

    await S.getByTestId('main-menu').getByText('设置', { exact: true }).click();
    const name = S.getByTestId('office-name');
    await poll(() => name.inputValue()).toBe('市民生工作办公室');
    await name.fill('宣城市人民政府民生工作办公室');
    await S.getByRole('button', { name: '保存设置' }).click();
    await poll(() => S.locator('.ant-message').textContent()).toContain('设置已保存');
    await poll(() => S.getByTestId('settings-page').textContent()).toContain('汇总单位宣城市人民政府民生工作办公室');
    await S.getByTestId('main-menu').getByText('审计日志', { exact: true }).click();
    await poll(() => S.locator('.ant-table-tbody').textContent()).toContain('登记共用密钥');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('a unit’s period picker shows the months not yet begun as 未开始 and does not let them be chosen', async () => {
    const U = await openPage(sides.unit, UNIT_DAY);
    await U.getByTestId('entry-page').waitFor();
    await poll(() => U.locator('.entry-title').textContent()).toBe('市残联 · 2019年7月');
    await U.getByTestId('period-select').click();
    const open = U.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    const september = open.locator('.ant-select-item-option').filter({ hasText: '2019年9月' });
    await poll(() => september.getAttribute('class')).toContain('ant-select-item-option-disabled');
    await poll(() => september.textContent()).toContain('未开始');
    expect(await open.locator('.ant-select-item-option').filter({ hasText: '2019年8月' }).getAttribute('class')).not.toContain('ant-select-item-option-disabled');
    await U.waitForTimeout(400); // the dropdown's opening animation, for the picture only
    await U.screenshot({ path: join(SCREENSHOTS, '31-unit-period-picker-future.png') });
    await september.click({ force: true });
    await U.keyboard.press('Escape');
    await poll(() => U.getByTestId('period-select').textContent()).toContain('2019年7月');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
