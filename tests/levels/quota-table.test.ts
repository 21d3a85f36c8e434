/**
 * The decomposition table (任务分解表) as real xlsx files (issue 13 item 2): written with 合计/差额 as formulas and
 * values, read back unchanged as we wrote it and after a LibreOffice re-save, an openpyxl edit applied cell by
 * cell (dry run first), and every refusal named by sheet, row and column in Chinese, with nothing applied.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { renameOfficeNamed } from '../../electron/services/levels/offices';
import { buildQuotaTable, importQuotaTable, QUOTA_SHEET, quotaHeaders, writeQuotaTable } from '../../electron/services/levels/quota-table';
import { quotaGrid, saveQuotas } from '../../electron/services/levels/quotas';
import { readWorkbookFile } from '../../electron/services/packages/package-format';
import type { OpenLedger } from '../../electron/services/context';
import { requireResavers, SYSTEM_PYTHON } from '../packages/helpers';
import { createTestLedger, tempDir } from '../helpers/ledger';

/** 任务1 技能脱贫培训 250人: 市本级 50, 宣州区 100, 郎溪县 120, the rest blank; 任务2 示范园 1-2家: 郎溪县 1; a level quota. */
async function decomposed(): Promise<OpenLedger> {
  const l = await createTestLedger();
  const level = (await quotaGrid(l)).rows.find((r) => r.kind === 'level')!;
  await saveQuotas(l, {
    quotas: [
      { task: 1, indicator: 1, office: null, value: 50 },
      { task: 1, indicator: 1, office: '宣州区', value: 100 },
      { task: 1, indicator: 1, office: '郎溪县', value: 120 },
      { task: 2, indicator: 1, office: '郎溪县', value: 1 },
      { task: level.task, indicator: level.indicator, office: '泾县', value: level.target + 1 },
    ],
    reasons: [{ task: 1, indicator: 1, reason: '多分解20人,留有余量' }],
  });
  return l;
}

/** Edits cells of the table with openpyxl, as a clerk's Python script would; `cells` maps A1 → value. */
function editWithOpenpyxl(file: string, out: string, cells: Record<string, string | number | null>): void {
  const script = `import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb[${JSON.stringify(QUOTA_SHEET)}]
for ref, v in json.loads(sys.argv[3]).items(): ws[ref] = v
wb.save(sys.argv[2])`;
  execFileSync(SYSTEM_PYTHON, ['-c', script, file, out, JSON.stringify(cells)], { stdio: 'inherit', timeout: 60_000 });
}

/** The office's table written into a fresh folder. */
async function exported(l: OpenLedger): Promise<{ dir: string; file: string }> {
  const dir = tempDir();
  const file = join(dir, 'quota.xlsx');
  await writeQuotaTable(l, file);
  return { dir, file };
}

function resaveWithLibreOffice(file: string, dir: string): string {
  execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', join(dir, 'lo'), file], { stdio: 'ignore', timeout: 120_000 });
  return join(dir, 'lo', 'quota.xlsx');
}

describe('the quota table', () => {
  it('one row per indicator with the headers people use, 合计 and 差额 as formulas with their values', async () => {
    const l = await decomposed();
    const sheet = readWorkbookFile(await buildQuotaTable(l)).sheets.find((s) => s.name === QUOTA_SHEET)!;
    // Names in narrow columns are broken into lines at word boundaries; the words are what a person reads.
    const text = (r: number) => Array.from({ length: 17 }, (_, c) => {
      const v = sheet.rows[r]?.[c]?.value ?? null;
      return typeof v === 'string' ? v.replace(/\n/g, '') : v;
    });
    expect(text(2)).toEqual(['类别', '任务', '指标', '计量单位', '指标类型', '全市目标', '市本级', '宣州区', '郎溪县', '广德市', '宁国市', '泾县', '绩溪县', '旌德县', '合计', '差额', '说明']);
    expect(quotaHeaders(await quotaGrid(l))).toEqual(text(2));
    // 任务1 指标1: blank offices are empty cells (无任务), never 0.
    expect(text(3)).toEqual(['一、稳定和扩大就业', '1. 实施技工大省技能培训工程', '技能脱贫培训', '人', '累计类', 250, 50, 100, 120, null, null, null, null, null, 270, 20, '多分解20人,留有余量']);
    const [total, difference] = [sheet.rows[3]![14]!, sheet.rows[3]![15]!];
    expect([total.formula, difference.formula]).toEqual([true, true]);
    // A range (1-2家) with 1 adds up: 差额 0; a row nothing is set on is blank in 合计 and 差额.
    const range = (await quotaGrid(l)).rows.findIndex((r) => r.task === 2 && r.indicator === 1);
    expect(text(3 + range).slice(5)).toEqual(['1-2', null, null, 1, null, null, null, null, null, 1, 0, null]);
    expect(text(4).slice(14)).toEqual([null, null, null]);
    expect([sheet.rows[4]![14]!.formula, sheet.rows[4]![15]!.formula]).toEqual([true, true]);
    // A level indicator is not split.
    const level = (await quotaGrid(l)).rows.findIndex((r) => r.kind === 'level');
    expect(text(3 + level).slice(14, 16)).toEqual(['不分解', '—']);
  });

  it('reads back unchanged as written, and after a LibreOffice re-save', async () => {
    requireResavers();
    const l = await decomposed();
    const { dir, file } = await exported(l);
    const before = await quotaGrid(l);
    const audited = (await listAudit(l.db)).length;
    expect((await importQuotaTable(l, file)).changes).toEqual([]);
    const resaved = resaveWithLibreOffice(file, dir);
    expect(readFileSync(resaved).equals(readFileSync(file))).toBe(false);
    expect((await importQuotaTable(l, resaved)).changes).toEqual([]);
    expect(await quotaGrid(l)).toEqual(before);
    expect(await listAudit(l.db)).toHaveLength(audited);
  }, 150_000);

  it('an openpyxl edit: the dry run lists each change before → after and writes nothing; then it is applied and audited with the file', async () => {
    requireResavers();
    const l = await decomposed();
    const { dir, file } = await exported(l);
    const edited = join(dir, '任务分解表-改.xlsx');
    // 郎溪县 120 → 100 (now it adds up), 广德市 gets 30 of 任务1 指标2, 宣州区's 任务1 指标1 cleared, the reason cleared.
    editWithOpenpyxl(file, edited, { I4: 100, J5: 30, H4: null, Q4: null });
    const dry = await importQuotaTable(l, edited, { dryRun: true });
    expect(dry.changes.map((c) => `任务${c.task}-${c.indicator} ${c.column}:${c.before ?? '(空)'} → ${c.after ?? '(空)'}`)).toEqual([
      '任务1-1 宣州区:100 → (空)', '任务1-1 郎溪县:120 → 100', '任务1-2 广德市:(空) → 30', '任务1-1 说明:多分解20人,留有余量 → (空)',
    ]);
    expect(dry.unexplained.map((r) => [r.task, r.indicator, r.total, r.difference])).toEqual([[1, 1, 150, -100], [1, 2, 30, -12070]]);
    expect((await quotaGrid(l)).rows[0]!.quotas.slice(0, 2)).toEqual([100, 120]);

    const applied = await importQuotaTable(l, edited);
    expect(applied.changes).toEqual(dry.changes);
    const rows = (await quotaGrid(l)).rows;
    expect(rows[0]).toMatchObject({ own: 50, quotas: [null, 100, null, null, null, null, null], total: 150, reason: null });
    expect(rows[1]).toMatchObject({ quotas: [null, null, 30, null, null, null, null] });
    expect(await l.db.selectFrom('quotas').select('value').where('value', '=', 0).execute()).toEqual([]);
    const audit = (await listAudit(l.db)).filter((a) => a.action === 'quota.set');
    expect(audit[0]!.after).toMatchObject({ 广德市: 30, 来源: '任务分解表-改.xlsx' });
  }, 150_000);

  it('refuses a table with problems, every one named by sheet, row and column, and applies none of it', async () => {
    requireResavers();
    const l = await decomposed();
    const { dir, file } = await exported(l);
    const bad = join(dir, 'bad.xlsx');
    editWithOpenpyxl(file, bad, {
      J4: 30, // a good edit, not applied with the rest
      K4: 0, L4: '十个', M4: '=5+5', N4: -3, B5: '1. 改过的任务', F6: 999, A70: '多出来的一行',
    });
    const err = await importQuotaTable(l, bad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_VALIDATION' });
    expect((err as Error).message.split('\n')).toEqual([
      '任务分解表「bad.xlsx」有 7 处问题,未修改任何内容:',
      '· 表「任务分解」第4行 K列(宁国市):不能为0:没有任务请留空(无任务)',
      '· 表「任务分解」第4行 L列(泾县):是文字「十个」,请填数字,或留空表示无任务',
      '· 表「任务分解」第4行 M列(绩溪县):是公式(空),请直接填数字',
      '· 表「任务分解」第4行 N列(旌德县):不能为负数',
      '· 表「任务分解」第5行 B列(任务):应为「1. 实施技工大省技能培训工程」,现为「1. 改过的任务」。这一列不能修改,行的顺序也不能调整',
      '· 表「任务分解」第6行 F列(全市目标):应为「1100」,现为「999」。这一列不能修改,行的顺序也不能调整',
      '· 表「任务分解」第70行 A列(类别):表格之后不应再有内容「多出来的一行」;每个指标一行,不能增加行',
    ]);
    expect((await quotaGrid(l)).rows[0]!.quotas[2]).toBeNull();
  }, 150_000);

  it('refuses a table whose offices are not this office’s (renamed since), a file that is not a table, and one without the sheet', async () => {
    const l = await decomposed();
    const { dir, file } = await exported(l);
    await renameOfficeNamed(l, '广德市', '广德县');
    await expect(importQuotaTable(l, file)).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: '任务分解表「quota.xlsx」有 1 处问题,未修改任何内容:\n· 表「任务分解」第3行 J列(广德县):表头应为「广德县」,现为「广德市」。下级汇总端的名称和顺序须与本机一致,请重新导出后填写',
    });
    const text = join(dir, 'notes.xlsx');
    writeFileSync(text, '这不是表格');
    await expect(importQuotaTable(l, text)).rejects.toMatchObject({ code: 'E_UNREADABLE', message: expect.stringMatching(/^任务分解表「notes.xlsx」无法读取:.*请用本程序导出的任务分解表/) });
    const { writeSummaryWorkbook } = await import('../../electron/services/summaries/reports');
    const other = join(dir, 'summary.xlsx');
    await writeSummaryWorkbook(l, { period: '2019-06', out: other });
    await expect(importQuotaTable(l, other)).rejects.toMatchObject({ code: 'E_VALIDATION', message: '任务分解表「summary.xlsx」中没有名为「任务分解」的工作表。请用本程序导出的任务分解表填写。' });
  });
});
