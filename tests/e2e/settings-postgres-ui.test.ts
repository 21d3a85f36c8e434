/**
 * The settings page switches the app to an office's PostgreSQL database (issue 15) in Chromium over the loopback
 * bridge: an office working on its own ledger file types the server's address, chooses the folder of the office's
 * key files in the dialog, and the dashboard then shows the server's ledger; the choice is remembered for the next
 * start. Runs in the postgres project (it needs the test server); screenshot 79-settings-postgres.png at 1366×768.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocation } from '../../db/location';
import { startBridge } from '../../electron/bridge/server';
import { fillDemo } from '../../electron/services/entry/demo';
import { keyFilePath } from '../../electron/services/keys/keys';
import { initSummary } from '../../electron/services/plan/setup';
import type { OpenLedger } from '../../electron/services/context';
import { readStoreChoice } from '../../electron/services/store/store';
import { tempDir, testDialect, testLocation } from '../helpers/ledger';
import type { Page } from 'playwright-core';
import { answerDialogs, ensureRendererBuilt, launchChromium, menu, openPageOn, poll, runningClock, SCREENSHOTS, settled, shot } from './harness';

const DAY = '2019-07-04T10:00:00';

/** The error dialog the page shows says `words`; it is closed. */
async function refusedWith(page: Page, words: string): Promise<void> {
  const dialog = page.locator('.ant-modal-wrap:visible');
  await poll(() => dialog.last().textContent()).toContain(words);
  await settled(page);
  await dialog.getByRole('button', { name: '知道了' }).last().click();
  await poll(() => dialog.count()).toBe(0);
}

function serverOf(address: string): { local: string; shown: string } {
  const loc = parseLocation(address);
  if (loc.dialect !== 'postgres') throw new Error(`not a server address: ${address}`);
  return loc;
}

/**
 * The office's ledger on the server, made by a colleague (its key lands in the test's LEDGER_HOME), and this
 * clerk's copy of the office's key in a folder of their own under `dir`.
 */
async function serverLedger(dir: string, name: string, officeName: string, fill: (made: OpenLedger) => Promise<unknown> = async () => undefined) {
  const server = await testLocation(name);
  const made = await initSummary(server, { now: () => new Date(DAY), officeName, actor: '汇总端' });
  await fill(made);
  await made.close();
  const keys = join(dir, '密钥');
  mkdirSync(keys);
  const keyName = basename(keyFilePath(serverOf(server).local));
  copyFileSync(join(process.env.LEDGER_HOME!, keyName), join(keys, keyName));
  return { server, keys };
}

/** The office's app over the bridge on `localFile`, its store choice remembered in `dir`, open in Chromium. */
async function officePage(dir: string, localFile: string) {
  const choiceFile = join(dir, 'store.json');
  const bridge = await startBridge({ dbFile: localFile, storeChoiceFile: choiceFile, testHooks: true, now: runningClock(DAY), actor: '汇总端' });
  const browser = await launchChromium(join(dir, 'profile'));
  const errors: string[] = [];
  try {
    return { choiceFile, bridge, browser, errors, page: await openPageOn(browser, bridge, DAY, errors) };
  } catch (err) {
    await browser.close();
    await bridge.close();
    throw err;
  }
}

// The server is the postgres project's (tests/helpers/pg-server.ts); the sqlite project has none to switch to.
describe.skipIf(testDialect() !== 'postgres')('settings → PostgreSQL in Chromium', () => {
  it('types the server address, chooses the key folder, and the dashboard shows the server’s ledger; remembered for the next start', async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const dir = tempDir('ledger-e2e-pg-');
    const localFile = join(dir, 'office.db');
    await (await initSummary(localFile, { now: () => new Date(DAY), officeName: '本机测试民生办', actor: '汇总端' })).close();

    const { server, keys } = await serverLedger(dir, 'city', '宣城市民生工作办公室', (made) => fillDemo(made, '2019-06'));
    const empty = join(dir, '空文件夹');
    mkdirSync(empty);

    const { choiceFile, bridge, browser, page, errors } = await officePage(dir, localFile);
    try {
      await page.getByTestId('main-menu').waitFor({ timeout: 90_000 });
      await poll(() => page.locator('.role-tag').textContent()).toContain('本机测试民生办');
      await menu(page, '设置');
      await page.getByTestId('store-card').waitFor();
      expect(await page.getByTestId('store-shown').textContent()).toBe(localFile);

      // A password in the address is refused by the contract, before any dialog.
      await page.getByTestId('store-address').fill(server.replace('ledger@', 'ledger:secret@'));
      await page.getByTestId('store-connect').click();
      await poll(() => page.locator('.ant-message').textContent()).toContain('地址里不能写密码:请把密码放在环境变量 PGPASSWORD 或 .pgpass 文件中');
      expect(bridge.dialogs.shown).toEqual([]);

      // A folder without the office's key: refused in words, nothing switched.
      await page.getByTestId('store-address').fill(server);
      await answerDialogs(bridge.origin, bridge.token, empty);
      await page.getByTestId('store-connect').click();
      await refusedWith(page, `没有台账 PostgreSQL ${serverOf(server).shown} 的密钥文件`);
      expect(readStoreChoice(choiceFile)).toBeNull();

      await answerDialogs(bridge.origin, bridge.token, keys);
      await page.getByTestId('store-connect').click();
      await page.getByTestId('dashboard').waitFor();
      await poll(() => page.locator('.role-tag').textContent()).toContain('宣城市民生工作办公室');
      expect(bridge.dialogs.shown.at(-1)).toContain('密钥文件');
      expect(readStoreChoice(choiceFile)).toEqual({ location: server, ledgerHome: keys });
      expect(JSON.parse(readFileSync(choiceFile, 'utf8')) as unknown).not.toHaveProperty('password');
      // The dashboard reads the server's demo reports.
      await poll(() => page.getByTestId('dashboard').textContent()).toMatch(/已报送|报送/);

      await menu(page, '设置');
      await page.getByTestId('store-card').waitFor();
      await poll(() => page.getByTestId('store-card').textContent()).toContain('单位服务器上的 PostgreSQL 数据库');
      expect(await page.getByTestId('store-card').textContent()).toContain(keys);
      await page.getByTestId('store-card').scrollIntoViewIfNeeded();
      await shot(page, '79-settings-postgres');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await bridge.close();
    }
  }, 240_000);

  it('at the first start, joins the office’s ledger on the server instead of making one; going back to the own ledger shows the first start again', async () => {
    ensureRendererBuilt();
    const dir = tempDir('ledger-e2e-pg-first-');
    const localFile = join(dir, 'office.db'); // never made: this computer joins the server's ledger
    const { server, keys } = await serverLedger(dir, 'county', '郎溪县民生工作办公室');

    const { choiceFile, bridge, browser, page, errors } = await officePage(dir, localFile);
    try {
      await page.getByTestId('first-server').waitFor({ timeout: 90_000 });
      await page.getByTestId('first-server').getByTestId('store-address').fill(server);
      await page.getByTestId('first-server').scrollIntoViewIfNeeded();
      await shot(page, '80-first-start-server');
      await answerDialogs(bridge.origin, bridge.token, keys);
      await page.getByTestId('first-server').getByTestId('store-connect').click();
      await poll(() => page.locator('.role-tag').textContent()).toContain('郎溪县民生工作办公室');
      expect(readStoreChoice(choiceFile)).toEqual({ location: server, ledgerHome: keys });
      expect(existsSync(localFile)).toBe(false);

      await menu(page, '设置');
      await page.getByTestId('store-card').waitFor();
      await page.getByRole('button', { name: '改回本机的台账' }).click();
      await page.getByTestId('choose-summary').waitFor();
      expect(readStoreChoice(choiceFile)).toBeNull();
      expect(existsSync(localFile)).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await bridge.close();
    }
  }, 240_000);
});
