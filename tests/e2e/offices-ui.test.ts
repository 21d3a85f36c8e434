/**
 * Roll-up in Chromium over the loopback bridge (issue 13 items 4-5): a county's 报送期 page writes its 汇总包
 * with 生成汇总包(报上级) to the folder the dialog gives; the city imports it and the dashboard's 分县区 tab lists
 * every office against its quota (宣州区 not reported, a blank quota read 无任务), and opens 郎溪县's tasks and a
 * task's indicators; its 分任务 tab shows the whole city's figure with its parts. Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBridge } from '../../electron/bridge/server';
import { importFiles } from '../../electron/services/import/import';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { cityWithCounties, rsjEntries } from '../levels/levels-loop';
import { answerDialogs, choosePeriod, ensureRendererBuilt, launchChromium, menu, openPageOn, poll, runningClock, SCREENSHOTS, shot } from './harness';

const DAY = '2019-07-04T10:00:00';

describe('分县区 in Chromium', () => {
  it('a county rolls up from its 报送期 page; the city’s 分县区 tab shows each office against its quota and drills into its tasks', async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const lv = await cityWithCounties(['郎溪县'], { cityOffices: ['宣州区', '郎溪县', '广德市'] });
    await saveQuotas(lv.city, { quotas: [{ task: 1, indicator: 1, office: null, value: 70 }, { task: 1, indicator: 1, office: '郎溪县', value: 100 }], reasons: [] });
    const county = lv.counties.get('郎溪县')!;
    await lv.report(county, await lv.loop.unit('市人社局', { office: county }), '2019-06', rsjEntries('2019-06', { '1.1': 40 }));
    await lv.report(lv.city, await lv.loop.unit('市人社局'), '2019-06', rsjEntries('2019-06', { '1.1': 35 }));
    const files = [county.file, lv.city.file];
    await county.close();
    await lv.city.close();

    const [atCounty, atCity] = await Promise.all(files.map((dbFile) => startBridge({ dbFile, testHooks: true, now: runningClock(DAY), actor: '汇总端' })));
    const browser = await launchChromium(join(lv.loop.dir, 'profile'));
    const errors: string[] = [];
    try {
      const C = await openPageOn(browser, atCounty!, DAY, errors);
      await C.getByTestId('main-menu').waitFor({ timeout: 90_000 });
      await menu(C, '报送期与关账');
      await C.getByTestId('rollup-2019-06').waitFor();
      // A period not begun has no button.
      expect(await C.getByTestId('rollup-2019-08').count()).toBe(0);
      await shot(C, '70-county-periods-rollup');
      await answerDialogs(atCounty!.origin, atCounty!.token, lv.toCity);
      await C.getByTestId('rollup-2019-06').click();
      await poll(() => C.locator('.ant-message').textContent()).toContain('已生成郎溪县 2019年6月的汇总包(第1版)');
      const written = readdirSync(lv.toCity);
      expect(written).toEqual(['汇总包-郎溪县-2019-06-第1版.xlsx']);

      // The city imports it (the import page is the one of every package; here through the service).
      const { openLedger } = await import('../../electron/services/context');
      const city = await openLedger(files[1]!, { now: () => new Date(DAY) });
      try {
        expect((await importFiles(city, [lv.toCity], { acceptNewKeys: true }))[0]!.status).toBe('accepted');
      } finally {
        await city.close();
      }

      const S = await openPageOn(browser, atCity!, DAY, errors);
      // Two bridges and a browser on a shared machine: the second page may take a while to start.
      await S.getByTestId('main-menu').waitFor({ timeout: 90_000 });
      await menu(S, '汇总与报送情况');
      await choosePeriod(S, '2019年6月');
      await S.getByRole('tab', { name: '分县区' }).click();
      const table = S.getByTestId('office-table');
      await table.waitFor();
      const rows = table.locator('tr.ant-table-row');
      await poll(() => rows.count()).toBe(4);
      // On 07-04, before June's due date (07-05), an office with no 汇总包 yet is 待报送, not 未报送.
      expect(await rows.nth(0).textContent()).toContain('宣州区待报送');
      expect(await rows.nth(1).textContent()).toMatch(/郎溪县第1版/);
      expect(await rows.nth(3).textContent()).toContain('市本级本级各单位');
      await shot(S, '71-summary-offices');

      await rows.nth(1).locator('.ant-table-row-expand-icon').click();
      const tasks = S.getByTestId('office-tasks-郎溪县');
      await tasks.waitFor();
      const task1 = tasks.locator('tr.ant-table-row').first();
      expect(await task1.textContent()).toContain('实施技工大省技能培训工程');
      await task1.locator('.ant-table-row-expand-icon').click();
      // 技能脱贫培训 against 郎溪县's quota; 企业新录用人员培训 has none: 无任务, its figure shown beside.
      await poll(() => tasks.textContent()).toContain('40人 / 100人');
      expect(await tasks.textContent()).toContain('无任务(');
      expect(await tasks.textContent()).toContain('75人 / 250人');
      await shot(S, '72-summary-office-drilldown');

      // 分任务: the city's figure of 技能脱贫培训 is the whole city's (市本级 35 + 郎溪县's 40), its parts under it.
      await S.getByRole('tab', { name: '分任务' }).click();
      const taskTable = S.getByTestId('task-table');
      await taskTable.waitFor();
      await taskTable.locator('tr.ant-table-row').first().locator('.ant-table-row-expand-icon').click();
      await poll(() => taskTable.getByTestId('area-parts').first().textContent()).toBe('市本级 35人 + 下级汇总 40人(有任务的下级已报 1/1)');
      expect(await taskTable.textContent()).toContain('累计完成 75人');
      await shot(S, '74-summary-tasks-area');

      // Both ends show the fingerprints they hold, to compare over the phone: the city 郎溪县's, the county the city's.
      await menu(S, '单位、密钥与数据包');
      await poll(() => S.getByTestId('office-keys').textContent()).toMatch(/下级汇总端的密钥指纹:郎溪县 [0-9A-F]{4}(-[0-9A-F]{4}){3}/);
      await shot(S, '73-units-office-keys');
      await menu(C, '单位、密钥与数据包');
      await poll(() => C.getByTestId('parent-key').textContent()).toMatch(/上级汇总端「市民生工作办公室」的密钥指纹 [0-9A-F]{4}(-[0-9A-F]{4}){3}/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await atCounty?.close();
      await atCity?.close();
    }
  }, 300_000);
});
