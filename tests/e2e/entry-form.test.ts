/**
 * The entry form of a long unit and proxy entry made explicit (issue 14 items 3 and 4), in Debian's
 * Chromium over the loopback bridge at 1366×768:
 * - 市人社局 (7 lead + 3 co tasks) fills June by keyboard only (Tab, Enter, arrow keys and typing), every
 *   value read back through the API from the field it was meant for; Ctrl+S halfway keeps the scroll
 *   position and the focused input; the index shows each task's state; the export goes out at the first
 *   attempt with the report's contact, phone and 填报人 on every task of the package.
 * - The office on 11月5日 opens 代填 from the menu with no unit chosen (after drilling into one), sees that
 *   市财政局's September came as 第1版填报包 received 10月3日, is asked before replacing it, and the
 *   received date stays 10月3日: September stays on time.
 * Screenshots: entry-form-index.png, entry-proxy-warning.png, entry-proxy-confirm.png.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryForm } from '../../shared/api';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { exportAssignment, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { answerDialogs, chooseOption, ensureRendererBuilt, invoke, launchChromium, menu, openPageOn, poll, runningClock, scratch, SCREENSHOTS, settled, shot } from './harness';

const UNIT_DAY = '2019-07-02T10:00:00';
const OFFICE_DAY = '2019-11-05T09:00:00';

let tmp: ReturnType<typeof scratch>;
let browser: BrowserContext;
const bridges: Bridge[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-entry-');
  browser = await launchChromium(join(tmp.dir, 'profile'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const b of bridges) await b.close();
  tmp?.remove();
});

/** What the page has in focus: the input's id, or for a status button the id of its group. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { id: string; closest(s: string): { id: string } | null } | null } }).document.activeElement;
    if (!el) return '';
    return el.id || el.closest('.ant-radio-group')?.id || '';
  });
}

function scrollY(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
}

/** A figure for each indicator that tells where it was typed: task and indicator in its decimals, on the way to the target. */
function valueFor(task: number, indicator: number, target: number): number {
  return Math.round(target * 0.6) + task / 100 + indicator / 1000;
}

/** The 说明 typed beside each figure. */
function noteFor(task: number, indicator: number): string {
  return `小数为位置标记${task}-${indicator}`;
}

const REPORTER = { filledBy: '李填报', contact: '王联系', phone: '0563-3029999' };

/** Presses a key and checks the cursor went where it should. */
async function press(page: Page, key: string, expected: string): Promise<void> {
  await page.keyboard.press(key);
  await poll(() => focused(page)).toBe(expected);
}

/** Types one task's fields in the order the form visits them, ending on its 情况说明. */
async function typeTask(page: Page, t: EntryForm['tasks'][number]): Promise<void> {
  for (const [k, i] of t.indicators.entries()) {
    if (k > 0) await poll(() => focused(page)).toBe(`v-${t.no}-${i.no}`);
    await page.keyboard.type(String(valueFor(t.no, i.no, i.target)));
    await press(page, 'Enter', `n-${t.no}-${i.no}`);
    // The figures' decimals say where they were typed; people are counted whole, so each says why in its 说明.
    await page.keyboard.insertText(noteFor(t.no, i.no));
    await press(page, k % 2 === 0 ? 'Enter' : 'Tab', k + 1 < t.indicators.length ? `v-${t.no}-${i.no + 1}` : `s-${t.no}`);
  }
  // 推进状态: the arrow keys choose, as in any radio group; Enter goes on.
  await poll(() => focused(page)).toBe(`s-${t.no}`);
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await press(page, 'Enter', `progress-${t.no}`);
  await page.keyboard.insertText(`任务${t.no}进展`);
  await press(page, 'Tab', `problems-${t.no}`);
  await page.keyboard.insertText(`任务${t.no}问题`);
  await press(page, 'Tab', `next-${t.no}`);
  await page.keyboard.insertText(`任务${t.no}措施`);
  await press(page, 'Tab', `fp-${t.no}`);
  await page.keyboard.type(String(100 + t.no));
  await press(page, 'Enter', `fa-${t.no}`);
  await page.keyboard.type(String(50 + t.no));
  await press(page, 'Enter', `fs-${t.no}`);
  await page.keyboard.type(String(10 + t.no));
  await press(page, 'Enter', `explanation-${t.no}`);
  await page.keyboard.insertText(`任务${t.no}说明`);
}

describe('the entry form of a long unit, by keyboard only', () => {
  it('市人社局 fills June with Tab, Enter and typing; every value lands in its field; Ctrl+S keeps the place; the export goes out at once', async () => {
    const officeDb = join(tmp.dir, 'office-june.db');
    const office = await initSummary(officeDb, { now: () => new Date(UNIT_DAY), actor: '汇总端' });
    const a = await exportAssignment(office, { unit: '市人社局', outDir: tmp.dir });
    await office.close();
    const unitDb = join(tmp.dir, 'renshe.db');
    await (await initUnitFromAssignment(unitDb, a.file, { now: () => new Date(UNIT_DAY), actor: '市人社局' })).close();
    const unit = await startBridge({ dbFile: unitDb, testHooks: true, now: runningClock(UNIT_DAY), actor: '市人社局' });
    bridges.push(unit);

    const form = await invoke(unit, 'entry:get', { period: '2019-06' });
    expect(form.tasks.filter((t) => t.role === 'lead')).toHaveLength(7);
    expect(form.tasks.filter((t) => t.role === 'co')).toHaveLength(3);

    const page = await openPageOn(browser, unit, UNIT_DAY, pageErrors);
    await page.getByTestId('entry-index').waitFor();
    await poll(() => page.getByTestId('entry-index').locator('[data-state="未填"]').count()).toBe(10);
    // The plan's own words beside each indicator; 推进状态 of a co-task is 选填, as the export treats it.
    const first = form.tasks[0]!;
    const firstSource = PLAN_2019.categories.flatMap((c) => c.tasks).find((t) => t.no === first.no)!.indicators[0]!.source;
    expect(await page.getByTestId(`source-${first.no}-1`).textContent()).toBe(`「${firstSource}」`);
    const co = form.tasks.find((t) => t.role === 'co')!;
    expect(await page.getByTestId(`task-card-${co.no}`).locator('.ant-form-item-label').first().textContent()).toBe('推进状态(选填)');
    expect(await page.getByTestId('task-card-' + first.no).locator('.ant-form-item-label').first().textContent()).toBe('推进状态');
    // No 展开 link, no per-task contact inputs in the way.
    expect(await page.getByTestId('entry-page').getByText('展开', { exact: true }).count()).toBe(0);
    expect(await page.locator('[id^="contact-"], [id^="phone-"]').count()).toBe(0);

    // The report's contact, phone and 填报人, once; the cursor starts there.
    await poll(() => focused(page)).toBe('r-filledBy');
    await page.keyboard.insertText(REPORTER.filledBy);
    await press(page, 'Tab', 'r-contact');
    await page.keyboard.insertText(REPORTER.contact);
    await press(page, 'Enter', 'r-phone');
    await page.keyboard.type(REPORTER.phone);
    await press(page, 'Tab', form.tasks[0]!.indicators.length ? `v-${form.tasks[0]!.no}-1` : `s-${form.tasks[0]!.no}`);

    for (const [k, t] of form.tasks.entries()) {
      await typeTask(page, t);
      if (k === 3) {
        // Halfway, on 情况说明 of the fourth task: Ctrl+S saves and the clerk stays where they were.
        const before = { y: await scrollY(page), field: await focused(page) };
        expect(before.y).toBeGreaterThan(1000);
        await page.keyboard.press('Control+s');
        await page.locator('.ant-message').getByText('已保存 4 项任务(草稿)').waitFor();
        await poll(() => page.getByTestId('entry-index').locator('[data-state="完成"]').count()).toBe(4);
        expect(await focused(page)).toBe(before.field);
        expect(Math.abs((await scrollY(page)) - before.y)).toBeLessThanOrEqual(2);
        await shot(page, 'entry-form-index');
      }
      const next = form.tasks[k + 1];
      if (next) await press(page, 'Enter', next.indicators.length ? `v-${next.no}-1` : `s-${next.no}`);
    }
    await page.keyboard.press('Control+s');
    await page.locator('.ant-message').getByText('已保存 10 项任务(草稿)').waitFor();
    await poll(() => page.getByTestId('entry-index').locator('[data-state="完成"]').count()).toBe(10);

    // Every value where it was meant to go.
    const saved = await invoke(unit, 'entry:get', { period: '2019-06' });
    for (const t of saved.tasks) {
      expect(t, `任务${t.no}`).toMatchObject({
        status: '推进中', progress: `任务${t.no}进展`, problems: `任务${t.no}问题`, nextSteps: `任务${t.no}措施`, explanation: `任务${t.no}说明`,
        fundsPlanned: 100 + t.no, fundsAvailable: 50 + t.no, fundsSpent: 10 + t.no, contact: REPORTER.contact, phone: REPORTER.phone, saved: true,
      });
      for (const i of t.indicators) expect(i.value, `任务${t.no}指标${i.no}`).toBe(valueFor(t.no, i.no, i.target));
      for (const i of t.indicators) expect(i.note).toBe(noteFor(t.no, i.no));
    }
    expect(saved.reporter).toEqual({ contact: REPORTER.contact, phone: REPORTER.phone, filledBy: REPORTER.filledBy });
    // And the screen shows what was saved: typed fast, a number input once showed 10 where 105 went in.
    for (const t of saved.tasks) {
      for (const i of t.indicators) expect(await page.locator(`#v-${t.no}-${i.no}`).inputValue(), `任务${t.no}指标${i.no}`).toBe(String(i.value));
      for (const [id, v] of [['fp', t.fundsPlanned], ['fa', t.fundsAvailable], ['fs', t.fundsSpent]] as const) {
        expect(await page.locator(`#${id}-${t.no}`).inputValue(), `任务${t.no} ${id}`).toBe(String(v));
      }
    }

    // 打印: the filled form alone on A4 pages, with the 填报人 and a line to sign; no index, no menu, no buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('entry-index').isVisible()).toBe(false);
    expect(await page.getByTestId('main-menu').isVisible()).toBe(false);
    expect(await page.getByTestId('save-draft').isVisible()).toBe(false);
    expect(await page.getByTestId('print-signature').textContent()).toContain(`填报人:${REPORTER.filledBy}`);
    expect(await page.getByTestId('print-signature').textContent()).toContain('单位负责人(签字)');
    await shot(page, 'entry-print');
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const pages = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(pages.length).toBeGreaterThan(1);
    // A4 portrait is 595 × 842 points.
    for (const [w, h] of pages) expect([Math.round(w!), Math.round(h!)]).toEqual([595, 842]);
    await page.emulateMedia({ media: 'screen' });

    // Export: no problem list, the package written at the first attempt.
    const usb = join(tmp.dir, 'usb-renshe');
    mkdirSync(usb);
    await answerDialogs(unit.origin, unit.token, usb);
    await page.getByTestId('export-report').click();
    await page.getByTestId('export-result').waitFor();
    expect(await page.getByTestId('export-result').textContent()).toContain('第1版');
    expect(await page.locator('.ant-modal-confirm-error').count()).toBe(0);
    const [file] = readdirSync(usb);
    const wb = XLSX.read(readFileSync(join(usb, file!)));
    const contacts = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['资金及联系人']!, { header: 1 }).slice(1);
    expect(contacts).toHaveLength(10);
    for (const row of contacts) expect(row.slice(5, 8)).toEqual([REPORTER.contact, REPORTER.phone, REPORTER.filledBy]);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});

describe('proxy entry over a unit\'s own report', () => {
  it('代填 opens with no unit chosen; 市财政局\'s package is named; saving asks before replacing it and keeps 10月3日', async () => {
    const officeDb = join(tmp.dir, 'office-proxy.db');
    const office = await initSummary(officeDb, { now: () => new Date(OFFICE_DAY), actor: '汇总端' });
    const a = await exportAssignment(office, { unit: '市财政局', outDir: tmp.dir });
    const unit = await initUnitFromAssignment(join(tmp.dir, 'caizheng.db'), a.file, { now: () => new Date('2019-10-02T15:00:00'), actor: '市财政局' });
    await enterReports(unit, { period: '2019-09', items: yearEntries(PLAN_2019, '市财政局', '2019-09') });
    const usb = join(tmp.dir, 'usb-caizheng');
    mkdirSync(usb);
    const pkg = await exportReport(unit, { period: '2019-09', outDir: usb });
    await unit.close();
    const [imported] = await importFiles(office, [pkg.file], { acceptNewKeys: true, receivedOn: '2019-10-03' });
    expect(imported).toMatchObject({ status: 'accepted' });
    await office.close();
    const bridge = await startBridge({ dbFile: officeDb, testHooks: true, now: runningClock(OFFICE_DAY), actor: '汇总端' });
    bridges.push(bridge);
    const onTime = async () => (await invoke(bridge, 'summary:byUnit', { period: '2019-09' })).rows.find((u) => u.unit === '市财政局')!;
    expect(await onTime()).toMatchObject({ state: '已报送', late: 0 });

    const page = await openPageOn(browser, bridge, OFFICE_DAY, pageErrors);
    await page.getByTestId('dashboard').waitFor();
    // Drill into a unit first: the proxy page used to come up with it already chosen.
    await page.getByTestId('unit-table').locator('.unit-link', { hasText: '市财政局' }).click();
    await page.getByTestId('unit-detail').waitFor();
    await menu(page, '代填纸质报表');
    await poll(() => page.getByTestId('proxy-unit').textContent()).toBe('选择单位');
    expect(await page.getByTestId('entry-page').count()).toBe(0);

    await chooseOption(page, page.getByTestId('proxy-unit'), '市财政局');
    const warning = page.getByTestId('proxy-prior');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/市财政局本期已有:第1版填报包\(10月3日收到\),任务[\d、]+\(共\d+项\)/);
    expect(await page.getByTestId('received-kept').textContent()).toBe('沿用原收到日期');
    await page.locator('#v-54-1').fill('35');
    await settled(page);
    await shot(page, 'entry-proxy-warning');

    await page.getByTestId('save-draft').click();
    const confirm = page.getByTestId('replace-confirm');
    await confirm.waitFor();
    // Only the task typed over is replaced, and the dialog says so.
    expect(await confirm.textContent()).toContain('市财政局本期已有:第1版填报包(10月3日收到),任务54(共1项)');
    expect(await confirm.textContent()).toContain('各任务保留原收到日期,是否逾期不变');
    await shot(page, 'entry-proxy-confirm');
    await page.locator('.ant-modal-wrap:visible').getByRole('button', { name: '确认替换并保存' }).last().click();
    await page.locator('.ant-message').getByText('已代填保存 1 项任务').waitFor();

    const detail = await invoke(bridge, 'summary:unitDetail', { period: '2019-09', unit: '市财政局' });
    expect(detail.tasks.find((t) => t.no === 54)).toMatchObject({ receivedOn: '2019-10-03', proxy: true });
    expect(detail.tasks.find((t) => t.no === 54)!.indicators[0]!.value).toBe(35);
    expect(await onTime()).toMatchObject({ state: '已报送', late: 0 });
    // The form now names the proxy entry beside the package.
    await poll(() => warning.textContent()).toContain('汇总端代填(收到日期10月3日,11月5日由汇总端录入),任务54(共1项)');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
