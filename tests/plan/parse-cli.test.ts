// `ledger plan parse FILE [--json]`: the plan a notice gives, printed as `ledger plan` prints one, with what
// to check and what makes it unusable; exit 0 without errors, 1 with. No database is involved.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '../../electron/services/plan/read';
import { runLedger as ledger } from '../helpers/cli';
import { tempDir } from '../helpers/ledger';

const COUNTY = new URL('../fixtures/plans/county-plan-several-lines-per-task.docx', import.meta.url).pathname;

describe('ledger plan parse', () => {
  it('prints the parsed plan as `ledger plan` does, then the review list, and exits 0', async () => {
    const r = await ledger('plan', 'parse', COUNTY);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('2022年全县民生实事工作计划(2022-03-15 印发,第 1 版,按月报送)');
    expect(lines).toContain('  1. 城镇新增就业2800人以上,城镇登记失业率控制在4%以内  牵头:县人社局  协同:县财政局、县商务局等  协同下级:各乡镇人民政府  牵头领导:副县长 王建国');
    expect(lines).toContain('      · 新增农村公益性岗位 >= 120个  节点类(6月底前)  「6月底前新增农村公益性岗位120个」');
    expect(lines).toContain('请核对(3 处):');
    expect(lines).toContain('      · 招标 >= 1项  节点类(9月底前)  「三季度末前完成招标」');
    expect(lines).toContain('  · 任务5 指标2:「三季度末前完成招标」有完成时限但没有数量,按节点类(9月底前完成1项)提出,请确认。');
  });

  it('--json prints the whole plan with review and errors, and that file reads back as the same plan', async () => {
    const r = await ledger('plan', 'parse', COUNTY, '--json');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['id', 'year', 'title', 'issuedOn', 'issuer', 'revision', 'frequency', 'categories', 'units', 'review', 'errors']);
    expect(printed.errors).toEqual([]);
    expect((printed.review as unknown[]).length).toBe(3);
    const file = join(tempDir(), 'plan.json');
    writeFileSync(file, r.out);
    const back = await readPlanFile(file);
    expect(back.errors).toEqual([]);
    expect(back.plan).toEqual((await readPlanFile(COUNTY)).plan);
  });

  it('prints every task of a notice numbered ①②③ under 一、 二、, the marks out of the titles', async () => {
    const file = join(tempDir(), '工作安排.txt');
    writeFileSync(file, '2026年广德市民生实事工作安排\n一、就业\n①开展技能培训。培训3000人次。(牵头单位:市人社局)\n②新增城镇就业。城镇新增就业5000人。(牵头单位:市人社局;配合单位:市财政局)\n二、养老\n③建设助餐点。新建老年助餐点30个。(牵头单位:市民政局)\n广德市人民政府办公室\n2026年2月10日\n');
    const r = await ledger('plan', 'parse', file);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^\S|^ {2}\d/.test(l))).toEqual([
      '2026年广德市民生实事工作安排(2026-02-10 印发,第 1 版,按月报送)',
      '一、就业',
      '  1. 开展技能培训  牵头:市人社局',
      '  2. 新增城镇就业  牵头:市人社局  协同:市财政局',
      '二、养老',
      '  3. 建设助餐点  牵头:市民政局',
    ]);
  });

  it('lists the errors in Chinese and exits 1 when the notice cannot be used', async () => {
    const file = join(tempDir(), '要点.txt');
    writeFileSync(file, '2020年全县民生工作要点\n一、就业\n1.开展培训250人。\n2.新建幼儿园3所。(牵头责任单位:县教体局)\n');
    const r = await ledger('plan', 'parse', file);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      '无法使用这份计划(1 处错误):',
      '  · 任务1(第3行):任务1没有牵头单位。请在该任务后写明“牵头责任单位:××”或“责任单位:××、××”。',
    ]);
    const json = await ledger('plan', 'parse', file, '--json');
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as { errors: unknown[] }).errors).toHaveLength(1);
  });

  it('names a missing file, and asks for the file when none is given', async () => {
    const missing = await ledger('plan', 'parse', join(tempDir(), '没有这个文件.docx'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^错误 \[E_NOT_FOUND\]:找不到文件「.*没有这个文件.docx」。$/);
    const usage = await ledger('plan', 'parse');
    expect(usage.code).toBe(2);
    expect(usage.err).toBe('错误 [E_USAGE]:用法:ledger plan parse 文件(通知 .docx、.txt,责任分解表 .xlsx,或 .json)[--json]');
  });
});
