/**
 * A county office on its own plan, through the UI in Chromium over the loopback bridge (issue 12 items
 * 4 and 1): the first start reads the county's notice (.docx as LibreOffice saves it), shows its tasks,
 * units, leaders, indicators with their kinds and the review list; a plan with a problem cannot be used;
 * the office is named after the notice's issuer. Then the loop runs on that plan: 工作计划 page, the
 * assignment for 县人社局, the unit set up from it enters and exports March, and the office imports it and
 * sees the unit reported. Screenshots at 1366×768 in tests/e2e/screenshots/.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../electron/bridge/server';
import { answerDialogs, choosePeriod, closeModal, ensureRendererBuilt, menu, openPageOn, poll, scratch, SCREENSHOTS, shot, startTwoSides, type TwoSides } from './harness';

const NOTICE = join(import.meta.dirname, '../fixtures/plans/county-notice-2020-langxi.docx');
const OFFICE_DAY = '2020-04-08T10:00:00';
const UNIT_DAY = '2020-04-03T15:00:00';

let sides: TwoSides;
let tmp: ReturnType<typeof scratch>;
let usb: string;
const pageErrors: string[] = [];

function openPage(bridge: Bridge, day: string): Promise<Page> {
  return openPageOn(sides.browser, bridge, day, pageErrors);
}


beforeAll(async () => {
  ensureRendererBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = scratch('ledger-e2e-plan-');
  usb = join(tmp.dir, 'usb');
  for (const d of ['office', 'unit', 'usb', 'notices']) mkdirSync(join(tmp.dir, d));
  sides = await startTwoSides({ dir: tmp.dir, officeDb: join(tmp.dir, 'office', 'ledger.db'), unitDb: join(tmp.dir, 'unit', 'ledger.db'), officeDay: OFFICE_DAY, unitDay: UNIT_DAY });
}, 300_000);

afterAll(async () => {
  await sides?.close();
  tmp?.remove();
});

describe('a county office on its own plan in Chromium', () => {
  it('first start reads the notice, refuses a plan with problems, and the loop runs on the parsed plan', async () => {
    const { office, unit } = sides;
    const S = await openPage(office, OFFICE_DAY);
    await S.getByTestId('choose-plan-source').getByText('使用本地区的工作计划', { exact: false }).click();
    await expect(S.getByTestId('setup-summary').isDisabled()).resolves.toBe(true);

    // A plan with a problem, pasted as text: shown with the problem, and the office cannot be set up on it.
    await S.getByTestId('paste-plan').click();
    await S.getByTestId('pasted-text').fill('2020年全县民生工作要点\n一、稳定和扩大就业\n1.城镇新增就业2200人。\n');
    await S.getByTestId('read-pasted').click();
    const modal = S.locator('.ant-modal-wrap:visible');
    await poll(() => modal.getByTestId('plan-errors').textContent()).toContain('任务1');
    await closeModal(S, '关闭');
    await expect(S.getByTestId('setup-summary').isDisabled()).resolves.toBe(true);

    // A city's own table of projects in Excel (not the template): read as the table a notice attaches, shown the same way.
    const table = join(tmp.dir, 'notices', '2020年民生实事项目表.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('项目表');
    ws.addRow(['2020年全县民生实事项目一览表']);
    ws.addRow(['序号', '类别', '项目名称', '建设内容', '牵头单位', '配合单位', '完成时限']);
    ws.addRow([1, '教育', '幼儿园建设', '新建公办幼儿园5所', '县教体局', '县财政局', '2020年12月底']);
    ws.addRow([2, '健康', '老年人体检', '免费体检3万人次', '县卫健委', '各乡镇人民政府', '2020年11月底']);
    await wb.xlsx.writeFile(table);
    await answerDialogs(office.origin, office.token, table);
    await S.getByTestId('choose-plan-file').click();
    await poll(() => modal.getByTestId('preview-tasks').textContent()).toBe('2 项(2 个类别)');
    await poll(() => modal.getByTestId('preview-task-table').textContent()).toContain('幼儿园建设');
    expect(await modal.getByTestId('plan-errors').count()).toBe(0);
    await shot(S, '49-first-start-project-table');
    await closeModal(S, '已核对');

    // The county's notice as Word/WPS would save it, chosen instead.
    const notice = join(tmp.dir, 'notices', '郎溪县2020年民生工作要点.docx');
    copyFileSync(NOTICE, notice);
    await answerDialogs(office.origin, office.token, notice);
    await S.getByTestId('choose-plan-file').click();
    await poll(() => modal.getByTestId('preview-tasks').textContent()).toBe('8 项(3 个类别)');
    const tasks = modal.getByTestId('preview-task-table');
    await poll(() => tasks.textContent()).toContain('牵头领导:副县长 王明');
    await poll(() => tasks.textContent()).toContain('县财政局、县农业农村局等,各乡镇人民政府');
    await poll(() => tasks.textContent()).toContain('节点类');
    await poll(() => tasks.textContent()).toContain('增幅类');
    expect(await modal.getByTestId('plan-errors').count()).toBe(0);
    await shot(S, '50-first-start-parsed-plan');
    await closeModal(S, '已核对');
    await poll(() => S.getByTestId('office-name').inputValue()).toBe('郎溪县民生工作办公室');
    await shot(S, '51-first-start-own-plan');
    await S.getByTestId('setup-summary').click();
    await closeModal(S);

    // 工作计划: the plan the office now runs.
    await menu(S, '工作计划');
    await poll(() => S.getByTestId('plan-page').locator('.ant-card-head-title').textContent()).toContain('2020年全县民生工作要点');
    await poll(() => S.getByTestId('preview-tasks').textContent()).toBe('8 项(3 个类别)');
    await shot(S, '52-plan-page');

    // The assignment for 县人社局, and the unit set up from it.
    await menu(S, '单位、密钥与数据包');
    await answerDialogs(office.origin, office.token, usb);
    await S.getByTestId('assign-县人社局').click();
    await poll(() => S.getByTestId('package-result').textContent()).toContain('任务包-县人社局-2020-第1版.xlsx');
    await closeModal(S);

    const U = await openPage(unit, UNIT_DAY);
    await answerDialogs(unit.origin, unit.token, join(usb, '任务包-县人社局-2020-第1版.xlsx'));
    await U.getByRole('button', { name: '选择任务包…' }).click();
    await U.getByTestId('own-fingerprint').waitFor();
    await closeModal(U);
    await U.getByTestId('entry-page').waitFor();
    await poll(() => U.locator('.entry-title').textContent()).toBe('县人社局 · 2020年3月');

    // Task 1 (培训城乡劳动者 3000人次以上) and task 2 (新增就业 2200人; 失业率 4%以内, a level).
    await U.locator('#v-1-1').fill('800');
    await U.getByTestId('task-card-1').getByText('推进中', { exact: true }).click();
    await U.locator('#progress-1').fill('一季度开展职业技能培训800人次。');
    await U.locator('#r-contact').fill('张某');
    await U.locator('#r-phone').fill('0563-7021234');
    await U.locator('#v-2-1').fill('600');
    await U.locator('#v-2-2').fill('3.6');
    await U.getByTestId('task-card-2').getByText('推进中', { exact: true }).click();
    await U.locator('#progress-2').fill('一季度城镇新增就业600人。');
    // Task 3 (农村居民收入增长, a growth target led by 县农业农村局): 县人社局 cooperates.
    await U.getByTestId('task-card-3').getByText('推进中', { exact: true }).click();
    await U.locator('#progress-3').fill('配合开展农民工返乡创业培训。');
    await U.getByTestId('save-draft').click();
    await poll(() => U.locator('.ant-message').textContent()).toContain('已保存');
    await answerDialogs(unit.origin, unit.token, usb);
    await U.getByTestId('export-report').click();
    await poll(() => U.getByTestId('export-result').textContent()).toContain('填报包-县人社局-2020-03-第1版.xlsx');
    await closeModal(U);

    // The office imports it and sees 县人社局 reported on the county's plan.
    await S.bringToFront();
    await menu(S, '导入填报包');
    await answerDialogs(office.origin, office.token, join(usb, readdirSync(usb).find((n) => n.startsWith('填报包-县人社局'))!));
    await S.getByTestId('import-files').click();
    await S.getByRole('button', { name: '指纹一致,接受并继续' }).click();
    await poll(() => S.getByTestId('import-summary').textContent()).toBe('共 1 个文件:可导入 1,重复 0,拒收 0。');
    await S.getByTestId('commit-import').click();
    await poll(() => S.getByTestId('import-summary').textContent()).toBe('共 1 个文件:已导入 1,重复 0,拒收 0。');
    await menu(S, '汇总与报送情况');
    await choosePeriod(S, '2020年3月');
    const row = S.getByTestId('unit-table').locator('tr', { hasText: '县人社局' });
    await poll(() => row.textContent()).toContain('已报送');
    // A county's headline speaks of the county: 全县, not 全市.
    await poll(() => S.getByTestId('dashboard').locator('.ant-statistic-title').allTextContents()).toContain('全县平均完成度');
    await shot(S, '53-county-dashboard');

    // Mid-year the county raises task 1's target in a revised notice: 工作计划 shows every difference
    // first, saves revision 2, keeps it in the history, and writes task 1's three units their new assignment packages.
    await menu(S, '工作计划');
    const template = join(tmp.dir, 'notices', '责任分解表.xlsx');
    await answerDialogs(office.origin, office.token, template);
    await S.getByTestId('export-template').click();
    await poll(() => S.getByTestId('template-file').textContent()).toBe('责任分解表.xlsx');
    expect(existsSync(template)).toBe(true);
    await closeModal(S);
    const revised = join(tmp.dir, 'notices', '郎溪县2020年民生工作要点(修订).txt');
    writeFileSync(revised, readFileSync(NOTICE.replace(/\.docx$/, '.txt'), 'utf8').replace('3000人次以上', '3500人次以上'));
    await answerDialogs(office.origin, office.token, revised);
    await S.getByTestId('revise-from-file').click();
    const changes = S.getByTestId('revise-modal').getByTestId('revision-changes');
    await poll(() => changes.textContent()).toContain('3500');
    await poll(() => S.getByTestId('revise-modal').textContent()).toContain('任务有变化的单位(3 个,保存后需要新的任务包):县人社局、县财政局、县农业农村局');
    await shot(S, '54-plan-revision-preview');
    await S.getByTestId('save-revision').click();
    await poll(() => S.getByTestId('revised-modal').textContent()).toContain('已保存为第 2 版工作计划');
    await answerDialogs(office.origin, office.token, usb);
    await S.getByTestId('send-assignments').click();
    await poll(() => S.getByTestId('assignments-written').locator('li').allTextContents())
      .toEqual(['任务包-县人社局-2020-第2版.xlsx', '任务包-县财政局-2020-第2版.xlsx', '任务包-县农业农村局-2020-第2版.xlsx']);
    await closeModal(S);
    await poll(() => S.getByTestId('plan-page').locator('.ant-card-head-title').textContent()).toContain('第 2 版');
    await S.getByRole('tab', { name: /修订记录/ }).click();
    await poll(() => S.getByTestId('revision-history').textContent()).toContain('第 2 版');
    await shot(S, '55-plan-history');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
