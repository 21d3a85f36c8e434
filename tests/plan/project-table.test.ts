// A city's own table of projects in Excel (not the ledger's 责任分解表 template): read as the table a notice
// attaches is, each project a task, for a person to confirm; real .xlsx files written by ExcelJS and read back.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '../../electron/services/plan/read';
import { tempDir } from '../helpers/ledger';

const HEADER = ['序号', '项目名称', '主要建设内容及目标', '牵头单位', '配合单位', '完成时限'];

/** A table as a city office lays one out: a merged title row, a header, merged category rows, a date cell. */
async function cityTable(file: string, opts: { hiddenJunk?: boolean } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('民生实事');
  ws.addRow(['2021年全市民生实事项目责任分解表']);
  ws.mergeCells('A1:F1');
  ws.addRow(HEADER);
  ws.addRow(['一、教育惠民']);
  ws.mergeCells('A3:F3');
  ws.addRow([1, '幼儿园建设', '新建公办幼儿园12所,新增学位3600个', '市教育局', '市财政局、市自然资源局', '2021年12月底']);
  // A deadline typed as a date: the cell holds a day serial, shown as a date.
  ws.addRow([2, '校舍改造', '改造校舍面积5万平方米', '市教育局', '市财政局', new Date(Date.UTC(2021, 9, 31))]);
  ws.getCell('F5').numFmt = 'yyyy"年"m"月"d"日"';
  ws.addRow(['二、医疗健康']);
  ws.mergeCells('A6:F6');
  ws.addRow([3, '老年人体检', '为65岁以上老年人免费体检20万人次', '市卫健委', '各县区政府', '2021年12月底']);
  if (opts.hiddenJunk) {
    const junk = wb.addWorksheet('草稿', { state: 'hidden' });
    junk.addRow(HEADER);
    junk.addRow([9, '已删除的项目', '新建游泳馆1座', '市体育局', '', '']);
  }
  await wb.xlsx.writeFile(file);
  return file;
}

const summary = (r: Awaited<ReturnType<typeof readPlanFile>>) => ({
  title: r.plan.title,
  year: r.plan.year,
  tasks: r.plan.categories.map((c) => [c.name, c.tasks.map((t) => [t.no, t.title, t.leadUnits, t.coUnits, t.indicators.map((i) => [i.name, i.target, i.unit, i.deadline])])]),
});

describe('readPlanFile: a table of projects in another layout than the template', () => {
  it('reads each project row as a task under its category, the date cell as its deadline, the title without 责任分解表', async () => {
    const dir = tempDir();
    const r = await readPlanFile(await cityTable(join(dir, '2021年民生实事.xlsx')));
    expect(r.errors).toEqual([]);
    expect(summary(r)).toEqual({
      title: '2021年全市民生实事项目',
      year: 2021,
      tasks: [
        ['教育惠民', [
          [1, '幼儿园建设', ['市教育局'], ['市财政局', '市自然资源局'], [['新建公办幼儿园', 12, '所', 12], ['新增学位', 3600, '个', 12]]],
          [2, '校舍改造', ['市教育局'], ['市财政局'], [['改造校舍面积', 50000, '平方米', 10]]],
        ]],
        ['医疗健康', [
          [3, '老年人体检', ['市卫健委'], [], [['65岁以上老年人免费体检', 200000, '人次', 12]]],
        ]],
      ],
    });
    // What the table cannot say is asked for, as of a notice.
    expect(r.review.map((x) => x.reason)).toContain('通知里找不到印发日期(如“2019年4月24日”一行),请补上。');
  });

  it('reads a header of two rows (责任单位 over 牵头单位 | 配合单位) by its lower row', async () => {
    const dir = tempDir();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('附件');
    ws.addRow(['2021年全市民生实事项目一览表']);
    ws.mergeCells('A1:F1');
    ws.addRow(['序号', '项目名称', '建设内容及目标', '责任单位', null, '完成时限']);
    ws.addRow([null, null, null, '牵头单位', '配合单位', null]);
    for (const c of ['A', 'B', 'C', 'F']) ws.mergeCells(`${c}2:${c}3`);
    ws.mergeCells('D2:E2');
    ws.addRow([1, '幼儿园建设', '新建公办幼儿园12所', '市教育局', '市财政局', '2021年12月底']);
    const file = join(dir, '一览表.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await readPlanFile(file);
    expect(r.errors).toEqual([]);
    expect(summary(r).tasks).toEqual([['工作任务', [[1, '幼儿园建设', ['市教育局'], ['市财政局'], [['新建公办幼儿园', 12, '所', 12]]]]]]);
    // Nothing to confirm about who leads: the lower header row says it.
    expect(r.review.map((x) => x.reason).filter((x) => x.includes('牵头'))).toEqual([]);
  });

  it('reads a 类别 column as the categories, each new value heading the projects under it', async () => {
    const dir = tempDir();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('项目表');
    ws.addRow(['2022年全县民生实事项目']);
    ws.addRow(['序号', '类别', '项目名称', '建设内容', '牵头单位', '配合单位']);
    ws.addRow([1, '教育', '幼儿园建设', '新建公办幼儿园12所', '市教育局', '市财政局']);
    ws.addRow([2, '教育', '校舍改造', '改造校舍5万平方米', '市教育局', '']);
    ws.addRow([3, '卫生健康', '老年人体检', '免费体检20万人次', '市卫健委', '']);
    const file = join(dir, '项目表.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await readPlanFile(file);
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.map((c) => [c.no, c.name, c.tasks.map((t) => t.title)])).toEqual([
      ['一', '教育', ['幼儿园建设', '校舍改造']],
      ['二', '卫生健康', ['老年人体检']],
    ]);
  });

  it('leaves a hidden sheet out', async () => {
    const dir = tempDir();
    const r = await readPlanFile(await cityTable(join(dir, 'with-hidden.xlsx'), { hiddenJunk: true }));
    expect(r.errors).toEqual([]);
    expect(r.plan.categories.flatMap((c) => c.tasks.map((t) => t.title))).toEqual(['幼儿园建设', '校舍改造', '老年人体检']);
  });

  it('refuses one of the program\u2019s own packages, which lists tasks too, as no plan', async () => {
    const r = await readPlanFile(new URL('../fixtures/packages/report-signed-by-test-unit-key.xlsx', import.meta.url).pathname);
    expect(r.errors.map((e) => e.message)).toEqual(['这是本程序生成的数据包(任务包、下达包、填报包等),不是工作计划。工作计划请选择通知(.docx、.txt)或责任分解表(.xlsx)。']);
  });

  it('refuses a workbook that is neither the template nor a table of projects, saying what it looked for', async () => {
    const dir = tempDir();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['姓名', '电话']);
    const file = join(dir, '通讯录.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await readPlanFile(file);
    expect(r.errors.map((e) => e.message)).toEqual([
      '这不像责任分解表(找不到工作表「责任分解」「单位名单」「计划信息」),也不像项目表(找不到含“项目名称”或“建设内容”和“牵头单位”或“责任单位”的表头行)。请用 ledger plan template 生成的模板填写。',
    ]);
  });
});
