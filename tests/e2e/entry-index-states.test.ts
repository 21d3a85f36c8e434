/**
 * The entry form's task index and the per-task contact (issue 14 item 4), in Debian's Chromium over the loopback
 * bridge at 1366×768, on 市人社局's June after the office returned one of its tasks:
 * - the returned task (through a real 反馈包 imported at the unit) is 已退回 in the index; a negative figure typed
 *   into another task makes that one 有错误; a click on either entry jumps to its task, cursor in its first input;
 * - the report's contact is typed once, one lead task is given a phone of its own; the exported 填报包, read back
 *   from the real xlsx (the sheet people see and the signed data), carries that phone on that task only and the
 *   report's contact and phone on every other. The export answers the return: the index no longer says 已退回.
 * Screenshots: 76-index-error-returned.png, 77-contact-override.png.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { enterReports } from '../../electron/services/entry/entry';
import { returnTask } from '../../electron/services/entry/returns';
import { importFiles, initUnitFromAssignment } from '../../electron/services/import/import';
import { reportDataSchema } from '../../electron/services/packages/package-data';
import { readPackageFile } from '../../electron/services/packages/package-data';
import { exportAssignment, exportFeedback, exportReport } from '../../electron/services/packages/packages';
import { initSummary } from '../../electron/services/plan/setup';
import { PLAN_2019 } from '../../seeds/plan2019';
import { yearEntries } from '../../scripts/bench-setup';
import { answerDialogs, closeModal, ensureRendererBuilt, invoke, launchChromium, openPageOn, poll, runningClock, SCREENSHOTS, scratch, settled, shot } from './harness';
import type { BrowserContext } from 'playwright-core';

const UNIT_DAY = '2019-07-03T10:00:00';
const RETURN_COMMENT = '技能脱贫培训人数与人社统计口径不一致,请核实后重报';
const REPORTER = { contact: '王联系', phone: '0563-3029999', filledBy: '李填报' };
const OWN_PHONE = '13905631234';

let tmp: ReturnType<typeof scratch>;
let browser: BrowserContext;
let unit: Bridge;
const pageErrors: string[] = [];

/**
 * 市人社局 reports June (contact 张某 on every task), the office returns 任务1 through a 反馈包, and the unit
 * imports it: what a clerk finds on opening the form again.
 */
beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-entry-states-');
  const office = await initSummary(join(tmp.dir, 'office.db'), { now: () => new Date('2019-07-01T09:00:00'), actor: '汇总端' });
  const a = await exportAssignment(office, { unit: '市人社局', outDir: tmp.dir });
  const unitDb = join(tmp.dir, 'renshe.db');
  const u = await initUnitFromAssignment(unitDb, a.file, { now: () => new Date('2019-07-01T15:00:00'), actor: '市人社局' });
  await enterReports(u, { period: '2019-06', items: yearEntries(PLAN_2019, '市人社局', '2019-06') });
  const first = await exportReport(u, { period: '2019-06', outDir: tmp.dir });
  expect((await importFiles(office, [first.file], { acceptNewKeys: true }))[0]).toMatchObject({ status: 'accepted' });
  await returnTask(office, { unit: '市人社局', period: '2019-06', task: 1, comment: RETURN_COMMENT });
  const feedbackDir = join(tmp.dir, 'feedback');
  mkdirSync(feedbackDir);
  const feedback = await exportFeedback(office, { unit: '市人社局', outDir: feedbackDir });
  await office.close();
  expect((await importFiles(u, [feedback.file]))[0]).toMatchObject({ status: 'accepted' });
  await u.close();
  unit = await startBridge({ dbFile: unitDb, testHooks: true, now: runningClock(UNIT_DAY), actor: '市人社局' });
  browser = await launchChromium(join(tmp.dir, 'profile'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await unit?.close();
  tmp?.remove();
});

/** The id of the input in focus. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? '');
}

/** Where a task's card begins, in the window. */
async function cardTop(page: Page, task: number): Promise<number> {
  return (await page.getByTestId(`task-card-${task}`).boundingBox())!.y;
}

/** Where a jump puts a card: just under the app's header and the form's sticky toolbar (its scroll-margin-top). */
async function jumpedTo(page: Page, task: number): Promise<number> {
  return page.getByTestId(`task-card-${task}`).evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { scrollMarginTop: string } }).getComputedStyle(el).scrollMarginTop));
}

const stateOf = (page: Page, task: number) => page.getByTestId(`index-${task}`).getAttribute('data-state');

describe('the entry form’s index and the per-task contact', () => {
  it('已退回 and 有错误 in the index, each jumping to its task; one task’s own phone goes to that task alone in the exported package', async () => {
    const form = await invoke(unit, 'entry:get', { period: '2019-06' });
    const lead = form.tasks.filter((t) => t.role === 'lead').map((t) => t.no);
    expect(lead.slice(0, 3)).toEqual([1, 2, 3]);
    const [returned, wrong, own] = lead as [number, number, number];
    expect(form.tasks.find((t) => t.no === returned)!.returnComment).toBe(RETURN_COMMENT);

    const page = await openPageOn(browser, unit, UNIT_DAY, pageErrors);
    const index = page.getByTestId('entry-index');
    await index.waitFor();
    // The returned task says so; every other task came back as saved and exported.
    await poll(() => stateOf(page, returned)).toBe('已退回');
    expect(await index.locator('[data-state="已退回"]').count()).toBe(1);
    expect(await index.locator('[data-state="完成"]').count()).toBe(form.tasks.length - 1);
    expect(await page.getByTestId(`return-comment-${returned}`).textContent()).toContain(RETURN_COMMENT);

    // A negative figure is refused as it is typed: the task is 有错误 in the index, and the form counts it.
    const original = form.tasks.find((t) => t.no === wrong)!.indicators[0]!.value!;
    await page.locator(`#v-${wrong}-1`).fill('-5');
    await poll(() => stateOf(page, wrong)).toBe('有错误');
    expect(await page.getByTestId(`index-${wrong}`).locator('.entry-index-state').textContent()).toBe('有错误');
    expect(await page.getByTestId('error-count').textContent()).toBe('错误 1 处');
    expect(await page.getByTestId(`task-card-${wrong}`).getByTestId('issue-NEGATIVE').textContent()).toContain('不能为负数');

    // Each index entry jumps to its task, the cursor in the task's first input, the card at the top of the window.
    await page.mouse.wheel(0, 6000);
    await poll(() => cardTop(page, returned)).toBeLessThan(0);
    await page.getByTestId(`index-${returned}`).click();
    await poll(() => focused(page)).toBe(`v-${returned}-1`);
    expect(await jumpedTo(page, returned)).toBeGreaterThan(0);
    expect(Math.abs((await cardTop(page, returned)) - (await jumpedTo(page, returned)))).toBeLessThanOrEqual(2);
    expect(await page.getByTestId(`return-comment-${returned}`).isVisible()).toBe(true);
    await page.mouse.wheel(0, 6000);
    await poll(() => cardTop(page, wrong)).toBeLessThan(0);
    await page.getByTestId(`index-${wrong}`).click();
    await poll(() => focused(page)).toBe(`v-${wrong}-1`);
    expect(Math.abs((await cardTop(page, wrong)) - (await jumpedTo(page, wrong)))).toBeLessThanOrEqual(2);
    await settled(page);
    await shot(page, '76-index-error-returned');

    // Put right, the task is no longer 有错误.
    await page.locator(`#v-${wrong}-1`).fill(String(original));
    await poll(() => stateOf(page, wrong)).not.toBe('有错误');
    await poll(() => page.getByTestId('error-count').count()).toBe(0);

    // The report's contact, phone and 填报人 typed once; one lead task has a phone of its own.
    await page.locator('#r-filledBy').fill(REPORTER.filledBy);
    await page.locator('#r-contact').fill(REPORTER.contact);
    await page.locator('#r-phone').fill(REPORTER.phone);
    expect(await page.locator('[id^="phone-"]').count()).toBe(0);
    await page.getByTestId(`own-contact-${own}`).click();
    const ownPhone = page.locator(`#phone-${own}`);
    // It starts from the report's, to be changed where it differs.
    expect(await ownPhone.inputValue()).toBe(REPORTER.phone);
    expect(await page.locator(`#contact-${own}`).inputValue()).toBe(REPORTER.contact);
    await ownPhone.fill(OWN_PHONE);
    expect(await page.locator('[id^="phone-"]').count()).toBe(1);
    await page.getByTestId(`task-card-${own}`).scrollIntoViewIfNeeded();
    await page.getByTestId(`index-${own}`).click();
    await settled(page);
    await shot(page, '77-contact-override');

    // The returned task corrected, then everything saved.
    const returnedValue = form.tasks.find((t) => t.no === returned)!.indicators[0]!.value!;
    await page.locator(`#v-${returned}-1`).fill(String(returnedValue + 1));
    await page.getByTestId('save-draft').click();
    await page.locator('.ant-message').getByText(`已保存 ${form.tasks.length} 项任务(草稿)`).waitFor();
    const saved = await invoke(unit, 'entry:get', { period: '2019-06' });
    for (const t of saved.tasks) {
      expect([t.no, t.contact, t.phone]).toEqual([t.no, REPORTER.contact, t.no === own ? OWN_PHONE : REPORTER.phone]);
    }
    expect(saved.reporter).toEqual(REPORTER);
    // Only that task keeps its own contact boxes after the reload.
    await poll(() => page.locator('[id^="phone-"]').count()).toBe(1);
    expect(await ownPhone.inputValue()).toBe(OWN_PHONE);

    // Export: 第2版, written at the first attempt; it answers the return.
    const usb = join(tmp.dir, 'usb');
    mkdirSync(usb);
    await answerDialogs(unit.origin, unit.token, usb);
    await page.getByTestId('export-report').click();
    await page.getByTestId('export-result').waitFor();
    expect(await page.getByTestId('export-result').textContent()).toContain('第2版');
    expect(await page.locator('.ant-modal-confirm-error').count()).toBe(0);
    await closeModal(page);
    await poll(() => stateOf(page, returned)).toBe('完成');
    expect(await index.locator('[data-state="已退回"]').count()).toBe(0);

    // The package read back: the sheet people see, and the signed data an office imports.
    const [file] = readdirSync(usb);
    const path = join(usb, file!);
    const wb = XLSX.read(readFileSync(path));
    const contacts = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['资金及联系人']!, { header: 1 }).slice(1);
    expect(contacts).toHaveLength(form.tasks.length);
    for (const row of contacts) {
      expect([row[0], ...row.slice(5, 8)]).toEqual([row[0], REPORTER.contact, row[0] === own ? OWN_PHONE : REPORTER.phone, REPORTER.filledBy]);
    }
    expect(contacts.filter((r) => r[6] === OWN_PHONE).map((r) => r[0])).toEqual([own]);
    const signed = reportDataSchema.parse(readPackageFile(path).pkg.data);
    expect(signed.reports.map((r) => [r.task, r.contact, r.phone])).toEqual(
      saved.tasks.map((t) => t.no).sort((x, y) => x - y).map((no) => [no, REPORTER.contact, no === own ? OWN_PHONE : REPORTER.phone]),
    );
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
