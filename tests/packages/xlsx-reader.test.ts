/**
 * The package reader (electron/services/packages/xlsx-reader.ts) on real packages edited the way other
 * writers write, or the way a hostile file would: what it reads as the same values, and what it
 * refuses as unreadable rather than guess how Excel or LibreOffice would read it.
 */
import { describe, expect, it } from 'vitest';
import { PackageError, readPackage, readWorkbookFile } from '../../electron/services/packages/package-format';
import { writePackage } from '../../electron/services/packages/package-writer';
import { DATA_SHEET, edit, withParts } from './attacks';
import { deflated, editZipText, readZip, refusalOf, sampleReport, testKey, writeRawZip, writeZip } from './helpers';

const key = testKey('unit');
const signed = writePackage(sampleReport(key));
const original = readPackage(signed);

function verifiesAsSigned(bytes: Buffer): void {
  const pkg = readPackage(bytes);
  expect(pkg.content).toEqual(original.content);
}

function refusedAs(bytes: Buffer, code: string, message: string | RegExp): void {
  let err: unknown;
  try {
    readPackage(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PackageError);
  expect((err as PackageError).code).toBe(code);
  expect((err as PackageError).message).toMatch(message);
}

describe('read as the same values', () => {
  it('rows and cells without `r` (each follows the one before), as the spec allows', () => {
    const bytes = editZipText(signed, DATA_SHEET, (x) => x
      .replace('<row r="3">', '<row>')
      .replace('<c r="B3" t="s">', '<c t="s">')
      .replace('<c r="C3" t="s">', '<c t="s">'));
    verifiesAsSigned(bytes);
  });

  it('inline strings, formula-less `t="str"` text, booleans written true/false, rich-text runs, phonetic properties', () => {
    let bytes = edit(signed, DATA_SHEET, '<c r="I2" t="s"><v>26</v></c>', '<c r="I2" t="inlineStr"><is><r><t>加快</t></r><r><rPr><b/></rPr><t>进度</t></r></is></c>');
    bytes = edit(bytes, DATA_SHEET, '<c r="J2" t="s"><v>27</v></c>', '<c r="J2" t="str"><v>0563-1234567</v></c>');
    bytes = edit(bytes, DATA_SHEET, '<c r="I4" t="b"><v>1</v></c>', '<c r="I4" t="b"><v>true</v></c>');
    bytes = edit(bytes, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><t>加快进度</t><phoneticPr fontId="0" type="noConversion"/></si>');
    verifiesAsSigned(bytes);
  });

  it('absolute `/xl/…` targets, part names in another case, CDATA text', () => {
    let bytes = editZipText(signed, 'xl/_rels/workbook.xml.rels', (x) => x.replace('Target="worksheets/sheet2.xml"', 'Target="/XL/Worksheets/Sheet2.xml"'));
    bytes = edit(bytes, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><t><![CDATA[加快]]>进度</t></si>');
    verifiesAsSigned(bytes);
  });

  it('a sheet named toString or hasOwnProperty is just a name (the change is in its name)', () => {
    const bytes = editZipText(signed, 'xl/workbook.xml', (x) => x.replace('name="说明"', 'name="hasOwnProperty"'));
    refusedAs(bytes, 'E_TAMPERED', '缺少表「说明」;多出表「hasOwnProperty」');
  });
});

describe('cells, columns and strings written plainly (each read in one match) read as the same XML written any other way', () => {
  // The reader takes `<c r="B2" t="s"><v>17</v></c>`, `<col min=… max=… width=…/>` and `<si><t>…</t></si>` in one
  // regular-expression match each (xml.ts `plain`); a space before `>` is the same XML that only the tokenizer reads.
  const cellParts = (bytes: Buffer, edit: (x: string) => string) => writeZip(readZip(bytes).map((e) => (
    /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(e.name) ? { name: e.name, data: Buffer.from(edit(e.data.toString('utf8'))) } : e)));
  const spaced = (bytes: Buffer, extra: (x: string) => string = (x) => x) => cellParts(bytes, (x) => extra(x).replace(/<(c|col|t|row)( [^>]*?)?(\/?)>/g, '<$1$2 $3>'));

  it('the whole package: every sheet, string and column the same, and it verifies', () => {
    expect(readWorkbookFile(spaced(signed))).toEqual(readWorkbookFile(signed));
    verifiesAsSigned(spaced(signed));
  });

  it('text with references, empty values and empty cells the same', () => {
    const odd = (x: string) => x
      .replace('<si><t>加快进度</t></si>', '<si><t>A &amp; B &lt;1&gt; &#x4E2D;&#25991;</t></si>')
      .replace('<c r="E2"><v>', '<c r="E2" s="0"><v>')
      .replace(/(<c r="A2"[^>]*>)<v>[^<]*<\/v>/, '$1<v></v>')
      .replace(/(<row r="2"[^>]*>.*?)<\/row>/, '$1<c r="Z2"/><c r="AA2" s="0"></c></row>');
    expect(readWorkbookFile(spaced(signed, odd))).toEqual(readWorkbookFile(cellParts(signed, odd)));
  });

  it('a reference that is not one refused in the same words', () => {
    const bad = (x: string) => x.replace('<si><t>加快进度</t></si>', '<si><t>加快&bogus;进度</t></si>');
    const plain = editZipText(signed, 'xl/sharedStrings.xml', bad);
    refusedAs(plain, 'E_UNREADABLE', /未定义的实体 &bogus;/);
    expect(() => readPackage(spaced(signed, bad))).toThrow(refusalOf(plain).message);
  });
});

describe('time in proportion to the cells, not to the sheet\'s extent', () => {
  it('19,000 rows each with one cell in the last column (XFD) are 19,000 changes, found in seconds', () => {
    const rows = Array.from({ length: 19_000 }, (_x, i) => `<row r="${i + 10}"><c r="XFD${i + 10}"><v>1</v></c></row>`).join('');
    const bytes = edit(signed, DATA_SHEET, '</sheetData>', `${rows}</sheetData>`);
    const t0 = performance.now();
    let err: PackageError | undefined;
    try {
      readPackage(bytes);
    } catch (e) {
      err = e as PackageError;
    }
    expect(performance.now() - t0).toBeLessThan(5_000); // column by column it was 311 million comparisons
    expect(err?.code).toBe('E_TAMPERED');
    expect(err?.details?.cellCount).toBe(19_000);
    expect(err?.details?.cells?.[0]).toMatchObject({ sheet: '填报数据', cell: 'XFD10', signed: null, found: 1 });
  });
});

describe('refused rather than guessed', () => {
  it('numbers other programs read otherwise: hexadecimal, spaces, Infinity', () => {
    for (const v of ['0x78', ' 120', '120 ', 'Infinity', '1e999', '12,0']) {
      refusedAs(edit(signed, DATA_SHEET, '<v>120</v>', `<v>${v}</v>`), 'E_UNREADABLE', /E2 的数值/);
    }
  });

  it('rows or cells out of order, or one cell twice', () => {
    refusedAs(editZipText(signed, DATA_SHEET, (x) => x.replace('<row r="3">', '<row r="2">')), 'E_UNREADABLE', '行顺序错乱');
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><v>120</v></c><c r="E2"><v>150</v></c>'), 'E_UNREADABLE', '单元格顺序错乱');
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E3"><v>120</v></c>'), 'E_UNREADABLE', '单元格位置 E3 无效');
  });

  it('two sheets with the same data, or a sheet whose data is missing', () => {
    refusedAs(editZipText(signed, 'xl/_rels/workbook.xml.rels', (x) => x.replace('Target="worksheets/sheet3.xml"', 'Target="worksheets/sheet2.xml"')), 'E_UNREADABLE', '两个工作表指向同一份数据');
    const entries = readZip(signed).filter((e) => e.name !== 'xl/worksheets/sheet3.xml');
    refusedAs(writeRawZip(entries.map(deflated)), 'E_UNREADABLE', '缺少工作表「说明」的数据');
  });

  it('a relationship target or entry name that is not a plain part name: each program finds another part (§7 b)', () => {
    const entries = readZip(signed);
    const sheet = entries.find((e) => e.name === DATA_SHEET)!.data.toString('utf8');
    const changed = Buffer.from(sheet.replace('<c r="E2"><v>120</v></c>', '<c r="E2"><v>9999</v></c>'));
    expect(changed.toString('utf8')).not.toBe(sheet);
    const WB_RELS = 'xl/_rels/workbook.xml.rels';
    /** The signed sheet left in place, a changed copy under `entry`, and the workbook's relationship pointing at `target`. */
    const twin = (entry: string, target: string, rename?: string) => {
      const out = readZip(signed).map((e) => (e.name === DATA_SHEET && rename ? { ...e, name: rename } : e));
      const rels = out.find((e) => e.name === WB_RELS)!;
      rels.data = Buffer.from(rels.data.toString('utf8').replace('Target="worksheets/sheet2.xml"', `Target="${target}"`));
      out.push({ name: entry, data: changed });
      return writeRawZip(out.map(deflated));
    };
    // LibreOffice shows 9999 from the entry named literally; the old reader decoded the target and read the signed sheet.
    refusedAs(twin('xl/worksheets/sheet%32.xml', 'worksheets/sheet%32.xml'), 'E_UNREADABLE', /文件名「xl\/worksheets\/sheet%32\.xml」含有 %/);
    refusedAs(twin('xl/worksheets//sheet2.xml', 'worksheets//sheet2.xml'), 'E_UNREADABLE', /文件名「xl\/worksheets\/\/sheet2\.xml」含有空的路径段/);
    refusedAs(twin('xl/worksheets/sheet%202.xml', 'worksheets/sheet%202.xml', 'xl/worksheets/sheet 2.xml'), 'E_UNREADABLE', /含有 %/);
    for (const name of ['/xl/worksheets/sheet9.xml', 'xl\\worksheets\\sheet9.xml', 'xl/./worksheets/sheet9.xml', 'xl/worksheets/../worksheets/sheet9.xml']) {
      refusedAs(writeRawZip([...entries, { name, data: changed }].map(deflated)), 'E_UNREADABLE', `文件名「${name}」`);
    }
    // Targets of every kind: sheets, shared strings, styles, theme, a sheet's own relationships.
    const target = (part: string, from: string, to: string) => editZipText(signed, part, (x) => x.replace(`Target="${from}"`, `Target="${to}"`));
    for (const [from, to] of [
      ['worksheets/sheet2.xml', 'worksheets/./sheet2.xml'], ['worksheets/sheet2.xml', 'worksheets\\sheet2.xml'], ['worksheets/sheet2.xml', 'worksheets//sheet2.xml'],
      ['worksheets/sheet2.xml', 'worksheets/../worksheets/sheet2.xml'],
      ['sharedStrings.xml', 'sharedStrings%2Exml'], ['styles.xml', './styles.xml'], ['theme/theme1.xml', 'theme//theme1.xml'],
    ] as const) {
      refusedAs(target('xl/_rels/workbook.xml.rels', from, to), 'E_UNREADABLE', `关系目标「${to}」`);
    }
    refusedAs(target('_rels/.rels', 'xl/workbook.xml', '../xl/workbook.xml'), 'E_UNREADABLE', '指向数据包之外');
    const printer = withParts(signed, [{ name: 'xl/printerSettings/printerSettings1.bin', xml: Buffer.from([1, 2, 3]) }],
      [{ id: 'rIdPs1', type: 'printerSettings', target: '../printerSettings/printerSettings1.bin' }]);
    verifiesAsSigned(printer);
    refusedAs(editZipText(printer, 'xl/worksheets/_rels/sheet2.xml.rels', (x) => x.replace('../printerSettings/', '../printerSettings/%70')), 'E_UNREADABLE', '含有 %');
  });

  it('a folder entry (`xl/`, empty) names no part and is passed over', () => {
    const entries = readZip(signed).map(deflated);
    verifiesAsSigned(writeRawZip([{ name: 'xl/', stored: Buffer.alloc(0), method: 0, crc: 0, uncompressedSize: 0 }, ...entries]));
  });

  it('two entries whose names differ only in case (Excel would read either)', () => {
    const entries = readZip(signed);
    entries.push({ name: 'xl/Worksheets/Sheet2.xml', data: entries.find((e) => e.name === DATA_SHEET)!.data });
    refusedAs(writeRawZip(entries.map(deflated)), 'E_UNREADABLE', '文件名重复');
  });

  it('a cell type or content that does not fit, a style that does not exist', () => {
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2" t="x"><v>120</v></c>'), 'E_UNREADABLE', '类型「x」无效');
    refusedAs(edit(signed, DATA_SHEET, '<c r="I4" t="b"><v>1</v></c>', '<c r="I4" t="b"><v>yes</v></c>'), 'E_UNREADABLE', '逻辑值');
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2" s="7"><v>120</v></c>'), 'E_UNREADABLE', '样式编号无效');
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2" t="inlineStr"><v>120</v></c>'), 'E_UNREADABLE', '内容与类型不符');
    refusedAs(edit(signed, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><x/></c>'), 'E_UNREADABLE', '不认识的元素 x');
  });

  it('an XML part with a DOCTYPE, or not UTF-8', () => {
    refusedAs(editZipText(signed, 'xl/sharedStrings.xml', (x) => x.replace('?>', '?><!DOCTYPE sst [<!ENTITY e "x">]>')), 'E_UNREADABLE', /sharedStrings.xml 不是有效的 XML:含有不允许的 DOCTYPE/);
    const entries = readZip(signed);
    const sst = entries.find((e) => e.name === 'xl/sharedStrings.xml')!;
    sst.data = Buffer.concat([sst.data.subarray(0, 200), Buffer.from([0xc3, 0x28]), sst.data.subarray(200)]);
    refusedAs(writeRawZip(entries.map(deflated)), 'E_UNREADABLE', '不是有效的 UTF-8');
  });
});
