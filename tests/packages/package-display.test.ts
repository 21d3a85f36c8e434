/**
 * What a person sees must be what was signed (docs/package-format.md §7 g): a formula, a number
 * format or style that changes how a signed value reads, a comment, a drawing, a hidden row or
 * column, a merge … each built for real by editing a signed package as an attacker would
 * (tests/packages/attacks.ts), each refused as E_TAMPERED naming the sheet and the cell. Where
 * LibreOffice can show it, the same file is opened there to prove the attack really changes what
 * is displayed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPackage } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { DATA_SHEET, DISPLAY_ATTACKS, edit, styleCell, withStyle } from './attacks';
import { editZipText, readZip, refusalOf, requireResavers, resaveWithOpenpyxl, sampleReport, tempDir, testKey } from './helpers';

const key = testKey('unit');
const signed = writePackage(sampleReport(key));

describe('each way of showing something else is refused, naming the sheet and the cell', () => {
  it.each(DISPLAY_ATTACKS.map((a) => [a.name, a] as const))('%s', (_name, attack) => {
    const err = refusalOf(attack.build(signed));
    expect(err.code).toBe('E_TAMPERED');
    const first = err.details?.cells?.[0];
    expect(first).toMatchObject({ sheet: attack.sheet, cell: attack.cell });
    expect(first?.problem).toMatch(attack.problem);
    // The message a clerk reads names the place and what is wrong there.
    expect(err.message).toContain(attack.sheet ? `表「${attack.sheet}」${attack.cell}` : '工作簿');
    expect(err.message).toMatch(attack.problem);
  });

  it('the message gives the signed value beside what is wrong', () => {
    const err = refusalOf(DISPLAY_ATTACKS.find((a) => a.name.startsWith('a custom number format'))!.build(signed));
    expect(err.message).toBe('数据包内容被改动:表「填报数据」E2(原值 120)使用了数字格式「"999"」。请让发送方重新导出,不要手工修改数据包。');
    expect(err.details?.cells).toEqual([{ sheet: '填报数据', cell: 'E2', signed: 120, found: 120, problem: '使用了数字格式「"999"」' }]);
  });

  it('a changed value is still named as a change, with the formula that made it', () => {
    const err = refusalOf(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><f>2*120</f><v>240</v></c>'));
    expect(err.details?.cells).toEqual([{ sheet: '填报数据', cell: 'E2', signed: 120, found: 240, problem: '含有公式' }]);
  });
});

describe('content a spreadsheet program skips is not read as the package\'s', () => {
  const Q = 'xmlns:q="urn:x-not-spreadsheetml"';

  it('signed rows in a sheetData of another namespace, other rows in mc:Fallback: refused, the sheet read as programs show it', () => {
    const err = refusalOf(editZipText(signed, DATA_SHEET, (xml) => xml
      .replace(/<(\/?)(sheetData|row|c|v)([ >])/g, '<$1q:$2$3').replace('<q:sheetData>', `<q:sheetData ${Q}>`)
      .replace('</q:sheetData>', '</q:sheetData><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="q"/><mc:Fallback><sheetData><row r="2"><c r="E2"><v>240</v></c></row></sheetData></mc:Fallback></mc:AlternateContent>')));
    expect(err.code).toBe('E_TAMPERED');
    // What LibreOffice shows of the sheet (nothing but the Fallback) is what was compared: no signed cell is there.
    expect(err.details?.cells?.[0]).toMatchObject({ sheet: '填报数据', cell: 'A1', signed: '序号', found: null });
    expect(err.message).toContain('等,共');
  });

  it('a text piece in another namespace is not part of the text (加快进度 read as 加快, as LibreOffice shows it)', () => {
    const err = refusalOf(edit(signed, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', `<si><t>加快</t><q:t ${Q}>进度</q:t></si>`));
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells?.[0]).toMatchObject({ sheet: '填报数据', cell: 'I2', signed: '加快进度', found: '加快' });
  });

  it('a value in another namespace, two values in one cell, an element inside a value, two font lists, one style child twice: refused as unreadable', () => {
    const cases: [Buffer, RegExp][] = [
      [edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', `<c r="E2"><q:v ${Q}>120</q:v></c>`), /E2 中有不认识的元素 q:v/],
      [edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><v>12</v><v>0</v></c>'), /E2 有两个 <v>/],
      [edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', `<c r="E2"><v>12<q:x ${Q}/>0</v></c>`), /E2 中有多余的元素 q:x/],
      [editZipText(signed, 'xl/styles.xml', (x) => x.replace('</styleSheet>', '<fonts count="1"><font><color rgb="FFFFFFFF"/></font></fonts></styleSheet>')), /两份 fonts/],
      // One child twice in a style: LibreOffice shows the last, another program may show the first.
      [editZipText(signed, 'xl/styles.xml', (x) => x.replace(/<font>(.*?)<\/font>/, '<font>$1<color rgb="FFFFFFFF"/></font>')), /样式中的字体有两个 <color>/],
      [editZipText(signed, 'xl/styles.xml', (x) => x.replace(/<font>(.*?)<\/font>/, '<font>$1<sz val="1"/></font>')), /样式中的字体有两个 <sz>/],
      [editZipText(signed, 'xl/styles.xml', (x) => x.replace('<patternFill patternType="none"/>', '<patternFill patternType="none"/><patternFill patternType="solid"><fgColor rgb="FF000000"/></patternFill>')), /样式中的填充有两个 <patternFill\/gradientFill>/],
      [editZipText(signed, 'xl/styles.xml', (x) => x.replace('</numFmts>', '<numFmt numFmtId="56" formatCode="&quot;999&quot;"/></numFmts>')), /样式中数字格式 56 有两种写法/],
    ];
    for (const [bytes, why] of cases) {
      const err = refusalOf(bytes);
      expect(err.code).toBe('E_UNREADABLE');
      expect(err.message).toMatch(why);
    }
  });
});

describe('what does not change how a value reads is accepted', () => {
  it('the text format @ on a text cell', () => {
    const { bytes, s } = withStyle(signed, { numFmt: 49 });
    expect(readPackage(styleCell(bytes, 'B2', s)).manifest.unit).toBe('市人社局');
  });

  it('a custom format spelled General (as LibreOffice writes it), bold, a border, another font and a light fill', () => {
    const { bytes, s } = withStyle(signed, {
      numFmt: 'General', font: '<b/><sz val="11"/><color rgb="FF1F4E79"/><name val="宋体"/>',
      fill: '<patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/><bgColor indexed="64"/></patternFill>',
    });
    expect(readPackage(styleCell(bytes, 'E2', s)).manifest.unit).toBe('市人社局');
  });

  it('a hidden row, a merge or a format where nothing was signed (below the data)', () => {
    let bytes = edit(signed, DATA_SHEET, '</sheetData>', '<row r="30" hidden="1"/></sheetData><mergeCells count="1"><mergeCell ref="A40:A40"/></mergeCells>');
    bytes = edit(bytes, DATA_SHEET, '<col min="10" max="10" width="16.83203125" customWidth="1"/>', '<col min="10" max="10" width="16.83203125" customWidth="1"/><col min="20" max="20" width="0" hidden="1" customWidth="1"/>');
    expect(readPackage(bytes).manifest.unit).toBe('市人社局');
  });

  it('a fixed format that shows the number as it is (#,##0 on 250, 0.00 on 0.48, #,##0.00_ as WPS writes it), and one on text', () => {
    for (const [ref, numFmt] of [['D2', 3], ['E2', '#,##0'], ['F2', 2], ['D2', '#,##0.00_ '], ['E2', '0.000'], ['B2', '0.00']] as const) {
      const { bytes, s } = withStyle(signed, { numFmt });
      expect(readPackage(styleCell(bytes, ref, s)).manifest.unit, `${ref} ${numFmt}`).toBe('市人社局');
    }
  });

  it('page numbers in a header or footer, with the words around them a clerk adds before printing (第 &P 页,共 &N 页)', () => {
    for (const footer of ['&amp;C第 &amp;P 页,共 &amp;N 页', '&amp;CPage &amp;P of &amp;N', '&amp;R&amp;P/&amp;N', '&amp;L&amp;A&amp;R&amp;D &amp;T']) {
      const bytes = edit(signed, DATA_SHEET, '</sheetData>', `</sheetData><headerFooter><oddFooter>${footer}</oddFooter></headerFooter>`);
      expect(readPackage(bytes).manifest.unit, footer).toBe('市人社局');
    }
  });

  it("LibreOffice's TRUE() and FALSE() for booleans (a constant of the same value)", () => {
    const bytes = edit(signed, DATA_SHEET, '<c r="I4" t="b"><v>1</v></c>', '<c r="I4" t="b"><f aca="false">TRUE()</f><v>1</v></c>');
    expect(readPackage(bytes).manifest.unit).toBe('市人社局');
    // … but not the other constant, nor another formula.
    expect(refusalOf(edit(signed, DATA_SHEET, '<c r="I4" t="b"><v>1</v></c>', '<c r="I4" t="b"><f>FALSE()</f><v>1</v></c>')).details?.cells?.[0]).toMatchObject({ cell: 'I4', problem: '含有公式' });
    expect(refusalOf(edit(signed, DATA_SHEET, '<c r="I4" t="b"><v>1</v></c>', '<c r="I4" t="b"><f>1=1</f><v>1</v></c>')).details?.cells?.[0]).toMatchObject({ cell: 'I4', problem: '含有公式' });
  });
});

describe('a fixed format that rounds the number, or makes it too wide for its column, is refused saying how it shows', () => {
  const formatted = (ref: string, numFmt: string | number) => {
    const { bytes, s } = withStyle(signed, { numFmt });
    return refusalOf(styleCell(bytes, ref, s)).details?.cells?.[0];
  };

  it('0.00 on 0.953 shows 0.95; #,##0 on 0.48 shows 0', () => {
    expect(formatted('E3', '0.00')).toMatchObject({ sheet: '填报数据', cell: 'E3', signed: 0.953, problem: '使用了数字格式「0.00」,显示为 0.95,与原值不同' });
    expect(formatted('F2', 3)).toMatchObject({ cell: 'F2', problem: '使用了数字格式「#,##0」,显示为 0,与原值不同' });
  });

  it('#,##0 on 1234567890123 needs 17 characters: ### in its column', () => {
    expect(formatted('D5', '#,##0')?.problem).toMatch(/^使用了数字格式「#,##0」,在宽度为 [\d.]+ 的列中显示为 ###$/);
  });
});

describe('numbers in the program\'s own packages show in full: the writer widens their columns', () => {
  it('1234567.891 in the 10-wide 累计完成 column: written 12 wide and verifies; narrowed back to 10, refused', () => {
    const input = sampleReport(key);
    const sheets = input.sheets.map((s) => (s.name === '填报数据' ? { ...s, rows: s.rows.map((row, r) => (r === 1 ? row.map((v, c) => (c === 4 ? 1234567.891 : v)) : row)) } : s));
    const bytes = writePackage({ ...input, sheets });
    const pkg = readPackage(bytes);
    expect(pkg.content.sheets[1]!.colWidths).toEqual([6, 24, 18, 10, 12, 10, 30, 20, 20, 16]);
    expect(pkg.content.sheets[1]!.rows[1]![4]).toBe(1234567.891);
    const narrowed = edit(bytes, DATA_SHEET, '<col min="5" max="5" width="12.83203125" customWidth="1"/>', '<col min="5" max="5" width="10.83203125" customWidth="1"/>');
    const err = refusalOf(narrowed);
    expect(err.code).toBe('E_TAMPERED');
    expect(err.details?.cells?.[0]).toMatchObject({ sheet: '填报数据', cell: 'E2', signed: 1234567.891, problem: '所在的 E 列宽度为 10.83203125,数字显示为 ### 或少了小数' });
  });

  it('a column given no width is the default 8.43 wide: the writer gives one to a column whose numbers need more; the width removed, refused', () => {
    const input = sampleReport(key);
    const sheets = [...input.sheets.slice(0, 2), { name: '说明', rows: [['说明', 1234567.891, 12345678]] }];
    const bytes = writePackage({ ...input, sheets });
    expect(readPackage(bytes).content.sheets[2]!.colWidths).toEqual([9, 12, 9]);
    const part = 'xl/worksheets/sheet3.xml';
    const err = refusalOf(editZipText(bytes, part, (x) => x.replace(/<cols>.*<\/cols>/, '')));
    expect(err.details?.cells?.[0]).toMatchObject({ sheet: '说明', cell: 'B1', signed: 1234567.891, problem: '所在的 B 列宽度为 8.43(默认),数字显示为 ### 或少了小数' });
  });

  it('a number General shows rounded in any width (0.1 + 0.2, 2^53 + 1) needs only its whole part: the widths stay as given', () => {
    expect(readPackage(signed).content.sheets[1]!.colWidths).toEqual([6, 24, 18, 10, 10, 10, 30, 20, 20, 16]);
  });
});

describe('a header or footer that says something is refused, quoting what it prints', () => {
  const footed = (footer: string) => edit(signed, DATA_SHEET, '</sheetData>', `</sheetData><headerFooter><oddFooter>${footer}</oddFooter></headerFooter>`);

  it('words beside the page number, a literal & or a picture', () => {
    expect(refusalOf(footed('&amp;C第 &amp;P 页 已作废')).details?.cells?.[0]).toMatchObject({ sheet: '填报数据', cell: 'A1', problem: '页眉或页脚中有文字「第 页 已作废」' });
    expect(refusalOf(footed('&amp;C市人社局 2019年1月')).message).toContain('页眉或页脚中有文字「市人社局 2019年1月」');
    expect(refusalOf(footed('&amp;&amp;')).details?.cells?.[0]?.problem).toBe('页眉或页脚中有文字「&」');
    expect(refusalOf(footed('&amp;L&amp;G')).details?.cells?.[0]?.problem).toBe('页眉或页脚中有图片');
  });
});

describe('a print area hides nothing when it covers every cell with content', () => {
  beforeAll(requireResavers, 120_000);
  /** The package with `areas` as the workbook's defined names (each `[localSheetId, text]`). */
  const withAreas = (areas: readonly (readonly [number | null, string])[]) => edit(signed, 'xl/workbook.xml', '</sheets>', `</sheets><definedNames>${areas
    .map(([at, text]) => `<definedName name="_xlnm.Print_Area"${at === null ? '' : ` localSheetId="${at}"`}>${text}</definedName>`).join('')}</definedNames>`);

  it('set over each whole sheet before printing, then saved by openpyxl (as a clerk would in WPS): still verifies', () => {
    const bytes = resaveWithOpenpyxl(signed, tempDir(), "for ws in wb.worksheets:\n    if ws.sheet_state == 'visible': ws.print_area = 'A1:Z200'");
    expect(readZip(bytes).find((e) => e.name === 'xl/workbook.xml')!.data.toString('utf8')).toContain("'填报数据'!$A$1:$Z$200");
    expect(readPackage(bytes).content).toEqual(readPackage(signed).content);
  });

  it('set over part of a sheet, saved by openpyxl: refused, naming the first cell with content it leaves out', () => {
    const bytes = resaveWithOpenpyxl(signed, tempDir(), "wb['填报数据'].print_area = 'A1:D3'");
    const err = refusalOf(bytes);
    expect(err.details?.cells).toEqual([{ sheet: '填报数据', cell: 'E1', signed: '累计完成', found: '累计完成', problem: '不在打印区域内(打印时印不出来)' }]);
    expect(err.message).toContain('表「填报数据」E1(原值“累计完成”)不在打印区域内(打印时印不出来)');
  });

  it('whole columns, whole rows, or several ranges together that cover the sheet: verifies', () => {
    for (const text of ["'填报数据'!$A:$Z", '填报数据!$1:$50', "'填报数据'!$A$1:$D$30,'填报数据'!$E$1:$Z$30", '$A$1:$Z$30']) {
      expect(readPackage(withAreas([[1, text]])).manifest.unit, text).toBe('市人社局');
    }
  });

  it('#REF! refers to no cells and prints as if there were no area (Gnumeric writes one for every sheet): verifies', () => {
    expect(readPackage(withAreas([[0, '#REF!'], [1, "'填报数据'!#REF!"], [3, '#REF!']])).manifest.unit).toBe('市人社局');
  });

  it('one that names another sheet, belongs to no sheet or cannot be read: refused for the workbook', () => {
    for (const areas of [[[1, "'封面'!$A$1:$Z$200"]], [[null, "'填报数据'!$A$1:$Z$200"]], [[9, "'填报数据'!$A$1:$Z$200"]], [[1, "'填报数据'!$A$1:$Z$200+1"]], [[1, "'填报数据!$A$1"]]] as const) {
      const err = refusalOf(withAreas(areas));
      expect(err.details?.cells?.[0], JSON.stringify(areas)).toMatchObject({ sheet: '', cell: '', problem: '带有打印区域(打印时只印出其中的单元格)' });
    }
  });
});

/** LibreOffice set to recalculate formulas on loading, as Excel does with a workbook from another program. */
function recalcProfile(dir: string): string {
  const user = path.join(dir, 'user');
  mkdirSync(user, { recursive: true });
  writeFileSync(path.join(user, 'registrymodifications.xcu'), `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>`);
  return dir;
}

describe('shown by LibreOffice: the attacks are real', () => {
  beforeAll(requireResavers, 120_000);
  const shown = DISPLAY_ATTACKS.filter((a) => a.shown);

  it(`${shown.length} attacked packages display something other than what was signed (and the signed one does not)`, () => {
    const dir = tempDir();
    const convert = (files: string[], as: 'csv' | 'pdf', profile: string) => {
      // One LibreOffice start for all the files: it takes seconds.
      const filter = as === 'csv' ? 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,2' : 'pdf';
      execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', filter, '--outdir', path.join(dir, as), ...files], { stdio: 'ignore', timeout: 240_000 });
    };
    const text = (name: string, as: 'csv' | 'pdf') => as === 'csv'
      ? readFileSync(path.join(dir, 'csv', `${name}-填报数据.csv`), 'utf8')
      : execFileSync('pdftotext', ['-layout', path.join(dir, 'pdf', `${name}.pdf`), '-'], { encoding: 'utf8' });
    const files = shown.map((a, i) => {
      const file = path.join(dir, `attack-${i}.xlsx`);
      writeFileSync(file, a.build(signed));
      return file;
    });
    const original = path.join(dir, 'signed.xlsx');
    writeFileSync(original, signed);
    const plain = path.join(dir, 'profile-plain');
    const recalc = recalcProfile(path.join(dir, 'profile-recalc'));
    convert([original, ...files.filter((_f, i) => shown[i]!.shown!.as === 'csv' && !shown[i]!.shown!.recalc)], 'csv', plain);
    convert([original, ...files.filter((_f, i) => shown[i]!.shown!.as === 'pdf')], 'pdf', plain);
    const recalcFiles = files.filter((_f, i) => shown[i]!.shown!.recalc);
    if (recalcFiles.length > 0) convert(recalcFiles, 'csv', recalc);
    expect(readdirSync(path.join(dir, 'csv')).length).toBeGreaterThan(1);

    shown.forEach((attack, i) => {
      const as = attack.shown!.as;
      expect(attack.shown!.worked(text(`attack-${i}`, as)), `${attack.name}: LibreOffice shows the signed value`).toBe(true);
      expect(attack.shown!.worked(text('signed', as)), `${attack.name}: the check cannot tell the signed package apart`).toBe(false);
    });
  }, 600_000);
});
