/**
 * A package opened and saved again without changes must still verify; a package with a visible
 * cell changed must be refused naming exactly that cell, whoever saved it last.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../electron/services/keys/keys';
import { SIGNATURE_SHEET, readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import type { CellDiff } from '../../electron/services/packages/package-format';
import { edit } from './attacks';
import { resaveExcelLike } from './excel-like';
import { editWithSheetJS, fixture, refusalOf, readZip, requireResavers, resaveWithOpenpyxl, sampleReport, setCell, tempDir, testKey } from './helpers';

const key = testKey('unit');
const original = readPackage(fixture('report-signed-by-test-unit-key.xlsx'));

beforeAll(requireResavers, 120_000);

function expectSameAsOriginal(bytes: Buffer): void {
  const pkg = readPackage(bytes);
  expect(pkg.fingerprint).toBe(fingerprint(key.publicKey));
  expect(pkg.manifest).toEqual(original.manifest);
  expect(pkg.content).toEqual(original.content);
}

describe('re-saved without changes, the package still verifies', () => {
  it('by SheetJS (read and write again)', () => {
    const resaved = editWithSheetJS(writePackage(sampleReport(key)), () => {});
    expectSameAsOriginal(resaved);
  });

  it('by ExcelJS (load and save again)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(writePackage(sampleReport(key)) as unknown as ArrayBuffer);
    expectSameAsOriginal(Buffer.from(await wb.xlsx.writeBuffer()));
  });

  it('by ExcelJS: committed fixture', () => {
    expectSameAsOriginal(fixture('report-resaved-by-exceljs.xlsx'));
  });

  it('by LibreOffice Calc: committed fixture', () => {
    const bytes = fixture('report-resaved-by-libreoffice.xlsx');
    // What LibreOffice did to it: the signature sheet is now merely hidden, floats keep 15 digits.
    const wb = XLSX.read(bytes, { type: 'buffer' });
    expect(wb.Workbook?.Sheets?.find((s) => s.name === SIGNATURE_SHEET)?.Hidden).toBe(1);
    expect(wb.Sheets['填报数据']!['E4']!.v).toBe(0.3);
    expectSameAsOriginal(bytes);
  });

  it('by openpyxl: committed fixture', () => {
    const bytes = fixture('report-resaved-by-openpyxl.xlsx');
    // What openpyxl did to it: no shared strings (every text an inline string, its characters as &#…;).
    const entries = readZip(bytes);
    expect(entries.some((e) => e.name === 'xl/sharedStrings.xml')).toBe(false);
    expect(entries.find((e) => e.name === 'xl/worksheets/sheet2.xml')!.data.toString('utf8')).toContain('t="inlineStr"><is><t>&#24207;&#21495;</t>');
    expectSameAsOriginal(bytes);
  });

  it('by openpyxl, live', () => {
    expectSameAsOriginal(resaveWithOpenpyxl(writePackage(sampleReport(key)), tempDir()));
  });

  it('as WPS and Excel write workbooks: committed fixture', () => {
    const bytes = fixture('report-resaved-excel-like.xlsx');
    const text = (name: string) => readZip(bytes).find((e) => e.name === name)!.data.toString('utf8');
    // What such a writer does that ours never does (tests/packages/excel-like.ts).
    expect(text('xl/_rels/workbook.xml.rels')).toContain('Target="/xl/worksheets/sheet2.xml"');
    expect(text('xl/worksheets/sheet2.xml')).toMatch(/mc:Ignorable="x14ac[^"]*".*<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5" x14ac:dyDescent="0.15"\/>/);
    // Rows and cells without `r`: each follows the one before.
    expect(text('xl/worksheets/sheet2.xml')).toContain('<row spans="1:10"');
    expect(text('xl/worksheets/sheet2.xml')).toContain('<c t="s"><v>');
    expect(text('xl/worksheets/sheet2.xml')).toContain('ht="27" customHeight="1"');
    expect(text('xl/styles.xml').match(/<xf /g)!.length).toBeGreaterThan(80);
    expect(text('xl/sharedStrings.xml')).toContain('_x005F_x0041_ 字面文字');
    expect(text('xl/workbook.xml')).toContain('<mc:AlternateContent');
    expectSameAsOriginal(bytes);
  });

  it('as WPS and Excel write workbooks, live', () => {
    expectSameAsOriginal(resaveExcelLike(writePackage(sampleReport(key))));
  });

  it('by LibreOffice Calc, live', () => {
    const dir = tempDir();
    const input = path.join(dir, 'report.xlsx');
    writeFileSync(input, writePackage(sampleReport(key)));
    execFileSync('soffice', [
      `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
      '--headless', '--convert-to', 'xlsx', '--outdir', path.join(dir, 'out'), input,
    ], { stdio: 'ignore', timeout: 120_000 });
    expectSameAsOriginal(readFileSync(path.join(dir, 'out', 'report.xlsx')));
  }, 150_000);
});

describe('re-saved without changes by a program that shows more: refused for that alone', () => {
  it('by Gnumeric: committed fixture (the signature sheet now shows; its #REF! print areas are no print area)', () => {
    const bytes = fixture('report-resaved-by-gnumeric.xlsx');
    expect(readZip(bytes).find((e) => e.name === 'xl/workbook.xml')!.data.toString('utf8')).toContain('<definedName name="_xlnm.Print_Area" localSheetId="1">#REF!</definedName>');
    const err = refusalOf(bytes);
    expect(err.details?.cells).toEqual([{ sheet: SIGNATURE_SHEET, cell: 'A1', signed: null, found: null, problem: '签名页被设为可见' }]);
    expect(err.message).toBe('数据包内容被改动:表「_ledger_signature」A1签名页被设为可见。请让发送方重新导出,不要手工修改数据包。');
  });
});

describe('a visible cell changed is refused, cell by cell', () => {
  const E2: CellDiff = { sheet: '填报数据', cell: 'E2', signed: 120, found: 150 };
  const I2: CellDiff = { sheet: '填报数据', cell: 'I2', signed: '加快进度', found: '已完成' };

  it('edited with SheetJS: one number and one text cell', () => {
    const edited = editWithSheetJS(writePackage(sampleReport(key)), (wb) => {
      const ws = wb.Sheets['填报数据']!;
      setCell(ws, 'E2', { t: 'n', v: 150 });
      setCell(ws, 'I2', { t: 's', v: '已完成' });
    });
    const err = refusalOf(edited);
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells).toEqual([E2, I2]);
    expect(err.message).toContain('表「填报数据」E2 原值 120,现值 150');
    expect(err.message).toContain('表「填报数据」I2 原值“加快进度”,现值“已完成”');
  });

  it('edited with SheetJS: committed fixture', () => {
    const err = refusalOf(fixture('report-visible-cells-edited-by-sheetjs.xlsx'));
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells).toEqual([E2, I2]);
  });

  it('edited, then re-saved by LibreOffice: committed fixture', () => {
    const err = refusalOf(fixture('report-visible-cell-edited-and-resaved.xlsx'));
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells).toEqual([E2]);
    expect(err.message).toBe('数据包内容被改动:表「填报数据」E2 原值 120,现值 150。请让发送方重新导出,不要手工修改数据包。');
  });

  it('a number typed over as text is a change', () => {
    const edited = editWithSheetJS(writePackage(sampleReport(key)), (wb) => {
      setCell(wb.Sheets['填报数据']!, 'E2', { t: 's', v: '120' });
    });
    expect(refusalOf(edited).details?.cells).toEqual([{ ...E2, found: '120' }]);
  });

  it('a text escaped one level more than signed is a change: `_x005F_x8FDB_` shows as _x8FDB_ (Excel and LibreOffice decode one level)', () => {
    const signed = writePackage(sampleReport(key));
    const err = refusalOf(edit(signed, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><t>加快_x005F_x8FDB_度</t></si>'));
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells).toEqual([{ ...I2, found: '加快_x8FDB_度' }]);
    // The other way round is a writer losing a level of the signed text's own escapes: still the same text.
    expectSameAsOriginal(edit(signed, 'xl/sharedStrings.xml', '<t>_x005F_x0041_ 字面文字</t>', '<t>_x0041_ 字面文字</t>'));
  });

  it('a cell emptied, a cell filled in and an error value are changes', () => {
    const edited = editWithSheetJS(writePackage(sampleReport(key)), (wb) => {
      const ws = wb.Sheets['填报数据']!;
      delete ws['B2'];
      setCell(ws, 'H2', { t: 's', v: '新增问题' });
      setCell(ws, 'L30', { t: 'n', v: 1 });
      setCell(ws, 'F2', { t: 'e', v: 0x2a });
    });
    expect(refusalOf(edited).details?.cells).toEqual([
      { sheet: '填报数据', cell: 'B2', signed: '开展技能脱贫培训', found: null },
      { sheet: '填报数据', cell: 'F2', signed: 0.48, found: '#N/A' },
      { sheet: '填报数据', cell: 'H2', signed: '', found: '新增问题' },
      { sheet: '填报数据', cell: 'L30', signed: null, found: 1 },
    ]);
  });

  it('sheets removed, added, renamed or reordered are changes', () => {
    const bytes = writePackage(sampleReport(key));
    const removed = refusalOf(editWithSheetJS(bytes, (wb) => {
      wb.SheetNames = wb.SheetNames.filter((n) => n !== '说明');
      delete wb.Sheets['说明'];
    }));
    expect(removed.code).toBe('E_TAMPERED');
    expect(removed.details?.sheets).toEqual({ missing: ['说明'], extra: [], reordered: false });
    expect(removed.message).toContain('缺少表「说明」');

    const added = refusalOf(editWithSheetJS(bytes, (wb) => {
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['补充']]), '补充说明');
    }));
    expect(added.details?.sheets).toEqual({ missing: [], extra: ['补充说明'], reordered: false });
    expect(added.details?.cells).toEqual([{ sheet: '补充说明', cell: 'A1', signed: null, found: '补充' }]);

    const reordered = refusalOf(editWithSheetJS(bytes, (wb) => {
      wb.SheetNames = ['填报数据', '封面', ...wb.SheetNames.slice(2)];
      if (wb.Workbook?.Sheets) wb.Workbook.Sheets = wb.SheetNames.map((name) => wb.Workbook!.Sheets!.find((s) => s.name === name)!);
    }));
    expect(reordered.details?.sheets).toEqual({ missing: [], extra: [], reordered: true });
    expect(reordered.message).toContain('表的顺序被调换');
  });

  it('reports thousands of changes without listing them all in the message', () => {
    const edited = editWithSheetJS(writePackage(sampleReport(key)), (wb) => {
      const ws = wb.Sheets['说明']!;
      for (let r = 1; r <= 1500; r++) setCell(ws, `A${r}`, { t: 'n', v: r });
    });
    const err = refusalOf(edited);
    expect(err.details?.cells).toHaveLength(1000);
    expect(err.details?.cellCount).toBe(1500);
    expect(err.message).toContain('共 1500 处');
    expect(err.message.length).toBeLessThan(300);
  });
});
