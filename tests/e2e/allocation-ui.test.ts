/**
 * The 下达包 in Chromium over the loopback bridge (issue 13 item 3): the city writes 郎溪县's from the 任务分解 page;
 * a new computer starts as 郎溪县's office from it: it sees the city, its fingerprint, the plan and its tasks,
 * edits one proposed unit name, confirms; the office is set up with the county's targets and the edited name.
 * Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { activePlan, openLedger } from '../../electron/services/context';
import { fingerprint, loadKey } from '../../electron/services/keys/keys';
import { saveQuotas } from '../../electron/services/levels/quotas';
import { initSummary } from '../../electron/services/plan/setup';
import { getSetting } from '../../db/queries/settings';
import { answerDialogs, closeModal, ensureRendererBuilt, launchChromium, menu, openPageOn, poll, runningClock, scratch, SCREENSHOTS, shot } from './harness';

const DAY = '2019-07-10T10:00:00';

let tmp: ReturnType<typeof scratch>;
let city: Bridge;
let county: Bridge;
let browser: BrowserContext;
let cityDb: string;
let countyDb: string;
let usb: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-allocation-');
  cityDb = join(tmp.dir, 'city.db');
  countyDb = join(tmp.dir, 'county.db');
  usb = join(tmp.dir, 'usb');
  mkdirSync(usb);
  const c = await initSummary(cityDb, { now: () => new Date(DAY) });
  await saveQuotas(c, { quotas: [{ task: 1, indicator: 1, office: '郎溪县', value: 40 }, { task: 1, indicator: 2, office: '郎溪县', value: 3000 }], reasons: [] });
  await c.close();
  city = await startBridge({ dbFile: cityDb, testHooks: true, now: runningClock(DAY), actor: '市民生办' });
  county = await startBridge({ dbFile: countyDb, testHooks: true, now: runningClock(DAY), actor: '郎溪县民生办' });
  browser = await launchChromium(join(tmp.dir, 'profile'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await city?.close();
  await county?.close();
  tmp?.remove();
});


describe('下达包 in Chromium', () => {
  it('the city writes 郎溪县’s 下达包 from 任务分解; a new computer becomes 郎溪县’s office from it, one unit renamed', async () => {
    const S = await openPageOn(browser, city, DAY, pageErrors);
    await menu(S, '任务分解');
    await S.getByTestId('quota-grid').waitFor();
    await S.getByTestId('open-allocations').click();
    await S.getByTestId('allocations-table').waitFor();
    await answerDialogs(city.origin, city.token, usb);
    await S.getByTestId('allocate-郎溪县').click();
    await poll(() => S.locator('.ant-message').textContent()).toContain('已生成「郎溪县」的下达包');
    await poll(() => S.getByTestId('allocations-table').textContent()).toContain('下达包-郎溪县-2019-第1版');
    await shot(S, '72-summary-allocations');
    await closeModal(S, '完成');
    const [file] = readdirSync(usb).filter((n) => n.startsWith('下达包-郎溪县'));
    expect(file).toBeDefined();

    const C = await openPageOn(browser, county, DAY, pageErrors);
    await C.getByTestId('setup-from-allocation').waitFor();
    await shot(C, '71-first-start-with-allocation');
    await answerDialogs(county.origin, county.token, join(usb, file!));
    await C.getByTestId('setup-from-allocation').click();
    const dialog = C.getByTestId('allocation-modal');
    await poll(() => C.getByTestId('parent-fingerprint').textContent()).toBe(fingerprint(loadKey(cityDb).publicKey));
    expect(await C.getByTestId('allocation-tasks').textContent()).toBe('19 个指标有本地任务,43 个无任务');
    expect(await C.getByTestId('allocation-office-name').inputValue()).toBe('郎溪县民生工作办公室');
    expect(await C.getByTestId('own-name-团市委').inputValue()).toBe('团县委');
    const renshe = C.getByTestId('own-name-市人社局');
    expect(await renshe.inputValue()).toBe('郎溪县人社局');
    await renshe.fill('郎溪县人力资源和社会保障局');
    await poll(() => dialog.getByText('已修改').count()).toBe(1);
    await shot(C, '73-first-start-from-allocation');
    await C.getByTestId('confirm-office').click();
    await poll(() => C.locator('.ant-modal-confirm-title').textContent()).toBe('已建立郎溪县民生工作办公室');
    await shot(C, '74-first-start-from-allocation-done');
    await closeModal(C, '知道了');
    expect(pageErrors).toEqual([]);

    // What the clerk confirmed is what was set up.
    const l = await openLedger(countyDb);
    try {
      const plan = await activePlan(l);
      expect(plan.units.map((u) => u.name)).toContain('郎溪县人力资源和社会保障局');
      expect(plan.tasks.find((t) => t.no === 1)!.indicators.map((i) => [i.no, i.target])).toEqual([[1, 40], [2, 3000]]);
      expect(await getSetting(l.db, 'office_name')).toBe('郎溪县民生工作办公室');
    } finally {
      await l.close();
    }
  }, 240_000);
});
