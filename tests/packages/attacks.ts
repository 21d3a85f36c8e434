/**
 * Ways to make a signed package show something other than what was signed, each built as an
 * attacker would: by editing the xlsx's XML, adding parts and relationships. Used by
 * package-display.test.ts (each must be refused naming the cell) and, where LibreOffice can show
 * the difference, by the same file's LibreOffice checks (each attack must be real).
 */
import { deflated, editZipText, readZip, writeRawZip } from './helpers';

/** The sheet `填报数据` of the sample report, as the writer names its part. */
export const DATA_SHEET = 'xl/worksheets/sheet2.xml';
const STYLES = 'xl/styles.xml';
const DATA_RELS = 'xl/worksheets/_rels/sheet2.xml.rels';

export interface DisplayAttack {
  /** What the attacker did. */
  readonly name: string;
  readonly build: (pkg: Buffer) => Buffer;
  /** The first cell the refusal names. */
  readonly sheet: string;
  readonly cell: string;
  readonly problem: RegExp;
  /** How LibreOffice shows the attacked file, where it shows the difference in text. */
  readonly shown?: Readonly<{
    /** `csv`: the sheet 填报数据 exported with values as shown; `pdf`: the workbook printed, as text. */
    as: 'csv' | 'pdf';
    /** With LibreOffice set to recalculate on loading, as Excel does. */
    recalc?: boolean;
    /** True when the text shows the attack worked (e.g. 999 where 240 was signed). */
    worked: (text: string) => boolean;
  }>;
}

/** Replace exactly one occurrence in a part; an edit that matches nothing is a broken test. */
export function edit(bytes: Buffer, part: string, from: string, to: string): Buffer {
  return editZipText(bytes, part, (xml) => {
    const at = xml.indexOf(from);
    if (at < 0) throw new Error(`${part} has no ${from}`);
    return xml.slice(0, at) + to + xml.slice(at + from.length);
  });
}

/** Append an item to a counted list of styles.xml (`<fonts count="1">…</fonts>`); returns its index. */
function appendTo(xml: string, list: string, item: string): { xml: string; index: number } {
  const open = new RegExp(`<${list} count="(\\d+)"(/?)>`).exec(xml);
  if (!open) return { xml: xml.replace('</styleSheet>', `<${list} count="1">${item}</${list}></styleSheet>`), index: 0 };
  const n = Number(open[1]);
  const opened = xml.replace(open[0], `<${list} count="${n + 1}">${open[2] ? `</${list}>` : ''}`);
  return { xml: opened.replace(`</${list}>`, `${item}</${list}>`), index: n };
}

export interface NewStyle {
  /** A custom number format code (as XML attribute text), or a built-in id. */
  readonly numFmt?: string | number;
  /** `<font>` children. */
  readonly font?: string;
  /** `<fill>` children. */
  readonly fill?: string;
  /** `<alignment>` attributes. */
  readonly alignment?: string;
}

/** Adds a cell format to styles.xml; the bytes and the new format's index (the `s` to give a cell). */
export function withStyle(bytes: Buffer, style: NewStyle): { bytes: Buffer; s: number } {
  let s = -1;
  const out = editZipText(bytes, STYLES, (xml) => {
    let numFmtId = 0;
    if (typeof style.numFmt === 'number') numFmtId = style.numFmt;
    else if (style.numFmt !== undefined) {
      numFmtId = 200;
      ({ xml } = appendTo(xml, 'numFmts', `<numFmt numFmtId="200" formatCode="${style.numFmt}"/>`));
    }
    let fontId = 0;
    if (style.font !== undefined) ({ xml, index: fontId } = appendTo(xml, 'fonts', `<font>${style.font}</font>`));
    let fillId = 0;
    if (style.fill !== undefined) ({ xml, index: fillId } = appendTo(xml, 'fills', `<fill>${style.fill}</fill>`));
    const alignment = style.alignment ? `<alignment ${style.alignment}/>` : '';
    const xf = `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"${alignment ? ' applyAlignment="1">' + alignment + '</xf>' : '/>'}`;
    ({ xml, index: s } = appendTo(xml, 'cellXfs', xf));
    return xml;
  });
  return { bytes: out, s };
}

/** Gives the cell `ref` of 填报数据 (written `<c r="ref"…>`) the cell format `s`. */
export function styleCell(bytes: Buffer, ref: string, s: number): Buffer {
  return editZipText(bytes, DATA_SHEET, (xml) => {
    const at = xml.indexOf(`<c r="${ref}"`);
    if (at < 0) throw new Error(`no cell ${ref}`);
    return `${xml.slice(0, at)}<c r="${ref}" s="${s}"${xml.slice(at + `<c r="${ref}"`.length)}`;
  });
}

const styled = (ref: string, style: NewStyle) => (pkg: Buffer) => {
  const { bytes, s } = withStyle(pkg, style);
  return styleCell(bytes, ref, s);
};

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Adds parts and relationships from 填报数据 (or from `relsPart`), and their content types. */
export function withParts(
  bytes: Buffer,
  parts: readonly { name: string; xml: string | Buffer; contentType?: string }[],
  rels: readonly { id: string; type: string; target: string; external?: boolean }[],
  relsPart = DATA_RELS,
): Buffer {
  const entries = readZip(bytes);
  const relXml = rels.map((r) => `<Relationship Id="${r.id}" Type="${REL}/${r.type}" Target="${r.target}"${r.external ? ' TargetMode="External"' : ''}/>`).join('');
  const existing = entries.find((e) => e.name === relsPart);
  if (existing) existing.data = Buffer.from(existing.data.toString('utf8').replace('</Relationships>', `${relXml}</Relationships>`));
  else entries.push({ name: relsPart, data: Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relXml}</Relationships>`) });
  const types = entries.find((e) => e.name === '[Content_Types].xml')!;
  const overrides = parts.filter((p) => p.contentType).map((p) => `<Override PartName="/${p.name}" ContentType="${p.contentType}"/>`).join('');
  types.data = Buffer.from(types.data.toString('utf8').replace('</Types>', `${overrides}</Types>`));
  for (const p of parts) entries.push({ name: p.name, data: Buffer.isBuffer(p.xml) ? p.xml : Buffer.from(p.xml) });
  return writeRawZip(entries.map(deflated));
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const XDR = 'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
/** A drawing anchored over E2 (column 4, row 1, 0-based) holding `content`. */
const drawingOverE2 = (content: string) =>
  `${XML_HEAD}<xdr:wsDr ${XDR}><xdr:twoCellAnchor><xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>${content}<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`;
const TEXT_BOX = '<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="600000" cy="200000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></xdr:spPr><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>240</a:t></a:r></a:p></xdr:txBody></xdr:sp>';
const PICTURE = '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Picture 1"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>';
const CHART = '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame>';
/** A 1×1 white PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');

const drawing = (content: string, extra: { name: string; xml: string | Buffer; contentType?: string }[] = [], drawingRels: { id: string; type: string; target: string }[] = []) => (pkg: Buffer) => {
  let bytes = edit(pkg, DATA_SHEET, '</sheetData>', '</sheetData><drawing r:id="rIdDraw1"/>');
  bytes = withParts(bytes, [{ name: 'xl/drawings/drawing1.xml', xml: drawingOverE2(content), contentType: 'application/vnd.openxmlformats-officedocument.drawing+xml' }, ...extra],
    [{ id: 'rIdDraw1', type: 'drawing', target: '../drawings/drawing1.xml' }]);
  return drawingRels.length > 0 ? withParts(bytes, [], drawingRels, 'xl/drawings/_rels/drawing1.xml.rels') : bytes;
};

/** The theme's text colour (dk1, which every cell in the default font uses) written as `colour`. */
const withDk1 = (colour: string) => (pkg: Buffer) => editZipText(pkg, 'xl/theme/theme1.xml', (x) => x.replace(/<a:dk1>.*?<\/a:dk1>/, `<a:dk1>${colour}</a:dk1>`));

const csvCell = (text: string, row: number, col: number) => text.split('\n')[row]?.split(',')[col];

export const DISPLAY_ATTACKS: readonly DisplayAttack[] = [
  // --- formulas
  {
    name: 'a formula whose cached value is the signed one (2*120, cached 120)',
    build: (p) => edit(p, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><f>2*120</f><v>120</v></c>'),
    sheet: '填报数据', cell: 'E2', problem: /含有公式/,
    shown: { as: 'csv', recalc: true, worked: (t) => csvCell(t, 1, 4) === '240' },
  },
  {
    name: 'a shared formula over two signed cells',
    build: (p) => edit(edit(p, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><f t="shared" ref="E2:E3" si="0">D2*0+120</f><v>120</v></c>'),
      DATA_SHEET, '<c r="E3"><v>0.953</v></c>', '<c r="E3"><f t="shared" si="0"/><v>0.953</v></c>'),
    sheet: '填报数据', cell: 'E2', problem: /含有公式/,
  },
  {
    name: 'an array formula',
    build: (p) => edit(p, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2"><f t="array" ref="E2">SUM(120)</f><v>120</v></c>'),
    sheet: '填报数据', cell: 'E2', problem: /含有公式/,
  },
  {
    name: 'a formula without a cached value in a cell signed empty',
    build: (p) => edit(p, DATA_SHEET, '<c r="I2" t="s"><v>26</v></c>', '<c r="H2" t="str"><f>"已整改"</f></c><c r="I2" t="s"><v>26</v></c>'),
    sheet: '填报数据', cell: 'H2', problem: /含有公式/,
  },
  {
    name: 'a formula in the signature sheet (its marker, computed)',
    build: (p) => editZipText(p, 'xl/worksheets/sheet4.xml', (x) => x.replace(/<c r="A1" t="s"><v>(\d+)<\/v><\/c>/, '<c r="A1" t="str"><f>"MINSHENG-LEDGER-PACKAGE"</f><v>MINSHENG-LEDGER-PACKAGE</v></c>')),
    sheet: '_ledger_signature', cell: 'A1', problem: /含有公式/,
  },

  // --- number formats
  {
    name: 'a custom number format "999" on a signed number',
    build: styled('E2', { numFmt: '&quot;999&quot;' }),
    sheet: '填报数据', cell: 'E2', problem: /数字格式「"999"」/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) === '999' },
  },
  {
    name: 'a number format whose text section replaces text (0;0;0;"x")',
    build: styled('B2', { numFmt: '0;0;0;&quot;x&quot;' }),
    sheet: '填报数据', cell: 'B2', problem: /数字格式/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 1) === 'x' },
  },
  {
    name: 'the number format ;;; that hides the value',
    build: styled('E2', { numFmt: ';;;' }),
    sheet: '填报数据', cell: 'E2', problem: /数字格式「;;;」/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) === '' },
  },
  {
    name: 'a fixed format that rounds the figure (0.00 on 0.953 shows 0.95)',
    build: styled('E3', { numFmt: '0.00' }),
    sheet: '填报数据', cell: 'E3', problem: /数字格式「0.00」,显示为 0.95/,
    shown: { as: 'csv', worked: (t) => t.includes('参保率,0.96,0.95,') },
  },
  {
    name: 'a built-in date format (14) on a number',
    build: styled('E2', { numFmt: 14 }),
    sheet: '填报数据', cell: 'E2', problem: /内置数字格式 14/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) !== '120' },
  },
  {
    name: 'a built-in percent format (9) on a rate',
    build: styled('F2', { numFmt: 9 }),
    sheet: '填报数据', cell: 'F2', problem: /内置数字格式 9/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 5) === '48%' },
  },
  {
    name: 'a currency format',
    build: styled('D2', { numFmt: '&quot;¥&quot;#,##0.00' }),
    sheet: '填报数据', cell: 'D2', problem: /数字格式/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 3) === '¥250.00' },
  },
  {
    name: 'the text format @ on a number',
    build: styled('E2', { numFmt: 49 }),
    sheet: '填报数据', cell: 'E2', problem: /内置数字格式 49|数字格式「@」/,
  },
  {
    name: 'a number format given to the column (cells without a format of their own show it)',
    build: (p) => {
      const { bytes, s } = withStyle(p, { numFmt: '&quot;999&quot;' });
      return edit(bytes, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', `<col min="5" max="5" width="10.83203125" customWidth="1" style="${s}"/>`);
    },
    sheet: '填报数据', cell: 'E1', problem: /数字格式「"999"」/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) === '999' },
  },
  {
    name: 'a number format given to the row',
    build: (p) => {
      const { bytes, s } = withStyle(p, { numFmt: '&quot;999&quot;' });
      return edit(bytes, DATA_SHEET, '<row r="2">', `<row r="2" s="${s}" customFormat="1">`);
    },
    sheet: '填报数据', cell: 'A2', problem: /数字格式「"999"」/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) === '999' },
  },

  // --- styles that hide the value
  {
    name: 'white text on the white sheet',
    build: styled('E2', { font: '<sz val="12"/><color rgb="FFFFFFFF"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /文字颜色与底色/,
  },
  {
    name: 'text the colour of its fill (red on red)',
    build: styled('E2', { font: '<sz val="12"/><color rgb="FFFF0000"/><name val="Calibri"/>', fill: '<patternFill patternType="solid"><fgColor rgb="FFFF0000"/><bgColor indexed="64"/></patternFill>' }),
    sheet: '填报数据', cell: 'E2', problem: /文字颜色与底色/,
  },
  {
    name: 'the theme\'s text colour (dk1) turned white: every cell in the default font vanishes',
    build: withDk1('<a:srgbClr val="FFFFFF"/>'),
    sheet: '封面', cell: 'A1', problem: /文字颜色与底色/,
  },
  {
    name: 'the palette\'s black redefined as white, and used for the text',
    build: (p) => {
      const palette = `<colors><indexedColors>${Array.from({ length: 64 }, (_x, i) => `<rgbColor rgb="${i === 8 ? 'FFFFFFFF' : 'FF000000'}"/>`).join('')}</indexedColors></colors>`;
      const withPalette = editZipText(p, STYLES, (x) => x.replace('<dxfs count="0"/>', `<dxfs count="0"/>${palette}`));
      return styled('E2', { font: '<sz val="12"/><color indexed="8"/><name val="Calibri"/>' })(withPalette);
    },
    sheet: '填报数据', cell: 'E2', problem: /文字颜色与底色/,
  },
  {
    name: 'part of a text in white (a rich-text run): 加快进度 reads 进度',
    build: (p) => edit(p, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><r><rPr><color rgb="FFFFFFFF"/></rPr><t>加快</t></r><r><t>进度</t></r></si>'),
    sheet: '填报数据', cell: 'I2', problem: /文字颜色与底色/,
  },
  {
    name: 'a 1-point font',
    build: styled('E2', { font: '<sz val="1"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /字号过小/,
  },
  {
    name: 'a symbol font (Wingdings shows 120 as three pictures)',
    build: styled('E2', { font: '<sz val="12"/><name val="Wingdings"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /符号字体「Wingdings」/,
  },
  {
    name: 'a rich-text run in a symbol font',
    build: (p) => edit(p, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><r><rPr><rFont val="Webdings"/></rPr><t>加快</t></r><r><t>进度</t></r></si>'),
    sheet: '填报数据', cell: 'I2', problem: /符号字体「Webdings」/,
  },
  {
    name: 'an indent that pushes the value out of its narrow cell',
    build: styled('E2', { alignment: 'horizontal="left" indent="15"' }),
    sheet: '填报数据', cell: 'E2', problem: /缩进 15 级/,
  },
  {
    name: 'the "fill" alignment, which repeats the text across the cell',
    build: styled('A2', { alignment: 'horizontal="fill"' }),
    sheet: '填报数据', cell: 'A2', problem: /填充/,
  },

  // --- conditional formats, validations, hyperlinks, phonetic text, rich values
  {
    name: 'a conditional format that shows 999 when the value is 120',
    build: (p) => {
      const dxf = editZipText(p, STYLES, (x) => x.replace('<dxfs count="0"/>', '<dxfs count="1"><dxf><numFmt numFmtId="201" formatCode="&quot;999&quot;"/></dxf></dxfs>'));
      return edit(dxf, DATA_SHEET, '</sheetData>', '</sheetData><conditionalFormatting sqref="E2"><cfRule type="cellIs" dxfId="0" priority="1" operator="equal"><formula>120</formula></cfRule></conditionalFormatting>');
    },
    sheet: '填报数据', cell: 'E2', problem: /条件格式/,
  },
  {
    name: 'an Excel 2010 conditional format (in the extension list, cells in xm:sqref)',
    build: (p) => edit(p, DATA_SHEET, '</worksheet>', '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="dataBar" id="{00000000-0000-0000-0000-000000000001}"><x14:dataBar minLength="0" maxLength="100"/></x14:cfRule><xm:sqref>E3:E4</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>'),
    sheet: '填报数据', cell: 'E3', problem: /条件格式/,
  },
  {
    name: 'a data validation whose input message tells another value',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><dataValidations count="1"><dataValidation showInputMessage="1" promptTitle="核实" prompt="实际累计完成240人" sqref="E2"/></dataValidations>'),
    sheet: '填报数据', cell: 'E2', problem: /数据有效性/,
  },
  {
    name: 'a hyperlink with a tooltip',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><hyperlinks><hyperlink ref="E2" location="\'说明\'!A1" tooltip="实际为240" display="120"/></hyperlinks>'),
    sheet: '填报数据', cell: 'E2', problem: /超链接/,
  },
  {
    name: 'phonetic guide text on a signed text (shown above it)',
    build: (p) => edit(p, 'xl/sharedStrings.xml', '<si><t>加快进度</t></si>', '<si><t>加快进度</t><rPh sb="0" eb="4"><t>已经完成</t></rPh><phoneticPr fontId="0" type="noConversion"/></si>'),
    sheet: '填报数据', cell: 'I2', problem: /拼音/,
  },
  {
    name: 'a rich value (picture in cell) over a signed value',
    build: (p) => edit(p, DATA_SHEET, '<c r="E2"><v>120</v></c>', '<c r="E2" vm="1"><v>120</v></c>'),
    sheet: '填报数据', cell: 'E2', problem: /嵌入/,
  },

  // --- objects on the sheet
  {
    name: 'a comment on a signed cell (legacy comments part and its VML)',
    build: (p) => withParts(edit(p, DATA_SHEET, '</sheetData>', '</sheetData><legacyDrawing r:id="rIdVml1"/>'), [
      { name: 'xl/comments1.xml', xml: `${XML_HEAD}<comments xmlns="${NS}"><authors><author>某</author></authors><commentList><comment ref="E2" authorId="0"><text><r><t>实际为240</t></r></text></comment></commentList></comments>`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml' },
      { name: 'xl/drawings/vmlDrawing1.vml', xml: '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>1</x:Row><x:Column>4</x:Column></x:ClientData></v:shape></xml>' },
    ], [
      { id: 'rIdCm1', type: 'comments', target: '../comments1.xml' },
      { id: 'rIdVml1', type: 'vmlDrawing', target: '../drawings/vmlDrawing1.vml' },
    ]),
    sheet: '填报数据', cell: 'E2', problem: /批注/,
  },
  {
    name: 'a threaded comment',
    build: (p) => withParts(p, [
      { name: 'xl/threadedComments/threadedComment1.xml', xml: `${XML_HEAD}<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><threadedComment ref="E2" dT="2019-04-03T09:30:00.00" personId="{00000000-0000-0000-0000-000000000001}" id="{00000000-0000-0000-0000-000000000002}"><text>实际为240</text></threadedComment></ThreadedComments>`, contentType: 'application/vnd.ms-excel.threadedcomments+xml' },
    ], [{ id: 'rIdTc1', type: 'threadedComment', target: '../threadedComments/threadedComment1.xml' }]),
    sheet: '填报数据', cell: 'E2', problem: /批注/,
  },
  {
    name: 'a text box over a signed cell, saying 240',
    build: drawing(TEXT_BOX),
    sheet: '填报数据', cell: 'E2', problem: /图形对象/,
  },
  {
    name: 'a picture over a signed cell',
    build: drawing(PICTURE, [{ name: 'xl/media/image1.png', xml: PNG }], [{ id: 'rId1', type: 'image', target: '../media/image1.png' }]),
    sheet: '填报数据', cell: 'E2', problem: /图形对象/,
  },
  {
    name: 'a chart over a signed cell',
    build: drawing(CHART, [{ name: 'xl/charts/chart1.xml', xml: `${XML_HEAD}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart/></c:chartSpace>`, contentType: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml' }], [{ id: 'rId1', type: 'chart', target: '../charts/chart1.xml' }]),
    sheet: '填报数据', cell: 'E2', problem: /图形对象/,
  },
  {
    name: 'an embedded OLE object',
    build: (p) => withParts(edit(p, DATA_SHEET, '</sheetData>', '</sheetData><oleObjects><oleObject progId="Package" shapeId="1025" r:id="rIdOle1"/></oleObjects>'),
      [{ name: 'xl/embeddings/oleObject1.bin', xml: 'not really an OLE file' }],
      [{ id: 'rIdOle1', type: 'oleObject', target: '../embeddings/oleObject1.bin' }]),
    sheet: '填报数据', cell: 'A1', problem: /OLE/,
  },
  {
    name: 'a background picture',
    build: (p) => withParts(edit(p, DATA_SHEET, '</sheetData>', '</sheetData><picture r:id="rIdBg1"/>'),
      [{ name: 'xl/media/image9.png', xml: PNG }], [{ id: 'rIdBg1', type: 'image', target: '../media/image9.png' }]),
    sheet: '填报数据', cell: 'A1', problem: /图形对象/,
  },
  {
    name: 'a header with text of its own',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><headerFooter><oddHeader>&amp;C累计完成已更正为240人</oddHeader></headerFooter>'),
    sheet: '填报数据', cell: 'A1', problem: /页眉或页脚/,
    shown: { as: 'pdf', worked: (t) => t.includes('累计完成已更正为240人') },
  },
  {
    name: 'a relationship of a kind a package never has',
    build: (p) => withParts(p, [{ name: 'xl/custom/thing.xml', xml: '<thing/>' }], [{ id: 'rIdX1', type: 'somethingNew', target: '../custom/thing.xml' }]),
    sheet: '填报数据', cell: 'A1', problem: /不应有的内容\(somethingNew\)/,
  },
  {
    name: 'an external link part in the workbook',
    build: (p) => withParts(p, [{ name: 'xl/externalLinks/externalLink1.xml', xml: `${XML_HEAD}<externalLink xmlns="${NS}"/>`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml' }],
      [{ id: 'rIdExt1', type: 'externalLink', target: 'externalLinks/externalLink1.xml' }], 'xl/_rels/workbook.xml.rels'),
    sheet: '', cell: '', problem: /外部链接/,
  },

  // --- hidden rows, columns and sheets
  {
    name: 'a hidden row',
    build: (p) => edit(p, DATA_SHEET, '<row r="2">', '<row r="2" hidden="1">'),
    sheet: '填报数据', cell: 'A2', problem: /第 2 行被隐藏/,
    shown: { as: 'pdf', worked: (t) => !t.includes('开展技能脱贫培训') },
  },
  {
    name: 'a row of zero height',
    build: (p) => edit(p, DATA_SHEET, '<row r="2">', '<row r="2" ht="0" customHeight="1">'),
    sheet: '填报数据', cell: 'A2', problem: /第 2 行高度为 0/,
  },
  {
    name: 'rows hidden by default (sheetFormatPr zeroHeight)',
    build: (p) => edit(p, DATA_SHEET, '<cols>', '<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/><cols>'),
    sheet: '填报数据', cell: 'A1', problem: /行默认隐藏/,
  },
  {
    name: 'rows grouped and the group collapsed (no hidden flag on the rows themselves)',
    build: (p) => edit(edit(edit(p, DATA_SHEET, '<row r="3">', '<row r="3" outlineLevel="1">'), DATA_SHEET, '<row r="4">', '<row r="4" outlineLevel="1">'), DATA_SHEET, '<row r="5">', '<row r="5" collapsed="1">'),
    sheet: '填报数据', cell: 'A3', problem: /折叠/,
    shown: { as: 'pdf', worked: (t) => !t.includes('城乡居民基本养老保险') },
  },
  {
    name: 'a hidden column',
    build: (p) => edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="10.83203125" customWidth="1" hidden="1"/>'),
    sheet: '填报数据', cell: 'E1', problem: /E 列被隐藏/,
    shown: { as: 'pdf', worked: (t) => !t.includes('累计完成') },
  },
  {
    name: 'a column of zero width',
    build: (p) => edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="0" customWidth="1"/>'),
    sheet: '填报数据', cell: 'E1', problem: /E 列宽度为 0/,
  },
  {
    name: 'a signed sheet hidden',
    build: (p) => edit(p, 'xl/workbook.xml', 'name="填报数据" sheetId="2" r:id="rId2"/>', 'name="填报数据" sheetId="2" r:id="rId2" state="hidden"/>'),
    sheet: '填报数据', cell: 'A1', problem: /工作表被隐藏/,
    shown: { as: 'pdf', worked: (t) => !t.includes('开展技能脱贫培训') },
  },
  {
    name: 'a signed sheet very hidden',
    build: (p) => edit(p, 'xl/workbook.xml', 'name="说明" sheetId="3" r:id="rId3"/>', 'name="说明" sheetId="3" r:id="rId3" state="veryHidden"/>'),
    sheet: '说明', cell: 'A1', problem: /工作表被隐藏/,
  },
  {
    name: 'two cells merged (E2 disappears under D2)',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="D2:E2"/></mergeCells>'),
    sheet: '填报数据', cell: 'D2', problem: /合并\(D2:E2\)/,
    // The whole printout: where the value falls among the pages depends on the fonts' widths (Carlito or not).
    shown: { as: 'pdf', worked: (t) => !/\b120\b/.test(t) },
  },
  // --- found by an independent attack round (2026-11-30): each accepted before
  {
    name: 'a sheetData in mc:Fallback (LibreOffice shows it, Excel takes the mc:Choice): a row nobody signed',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x14"/><mc:Fallback><sheetData><row r="8"><c r="A8" t="inlineStr"><is><t>本表数据已作废</t></is></c></row></sheetData></mc:Fallback></mc:AlternateContent>'),
    sheet: '填报数据', cell: 'A1', problem: /不同程序显示不同的内容\(.*mc:Fallback\/sheetData\)/,
    shown: { as: 'csv', worked: (t) => t.includes('本表数据已作废') },
  },
  {
    name: 'a number format id written " 200" (xsd allows the space; LibreOffice applies format 200)',
    build: (p) => {
      const { bytes, s } = withStyle(p, { numFmt: '&quot;999&quot;' });
      return styleCell(editZipText(bytes, STYLES, (x) => x.replace('numFmtId="200" fontId', 'numFmtId=" 200" fontId')), 'E2', s);
    },
    sheet: '填报数据', cell: 'E2', problem: /数字格式「"999"」/,
    shown: { as: 'csv', worked: (t) => csvCell(t, 1, 4) === '999' },
  },
  {
    name: 'a font id written "+1" (a white font)',
    build: (p) => {
      const { bytes, s } = withStyle(p, { font: '<sz val="12"/><color rgb="FFFFFFFF"/><name val="Calibri"/>' });
      return styleCell(editZipText(bytes, STYLES, (x) => x.replace(/(<xf numFmtId="0" fontId=")(\d+)(" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1")/, '$1+$2$3')), 'E2', s);
    },
    sheet: '填报数据', cell: 'E2', problem: /文字颜色与底色/,
  },
  {
    name: 'an inline string (not a shared one) with a white rich-text run',
    build: (p) => edit(p, DATA_SHEET, '<c r="I2" t="s"><v>26</v></c>', '<c r="I2" t="inlineStr"><is><r><rPr><color rgb="FFFFFFFF"/></rPr><t>加快</t></r><r><t>进度</t></r></is></c>'),
    sheet: '填报数据', cell: 'I2', problem: /文字颜色与底色/,
  },
  {
    name: 'the theme\'s text colour (dk1) given as scRGB white',
    build: withDk1('<a:scrgbClr r="100000" g="100000" b="100000"/>'),
    sheet: '', cell: '', problem: /主题颜色dk1的写法无法核对/,
  },
  {
    name: 'the theme\'s text colour (dk1) as black lightened to white (lumOff)',
    build: withDk1('<a:srgbClr val="000000"><a:lumMod val="0"/><a:lumOff val="100000"/></a:srgbClr>'),
    sheet: '', cell: '', problem: /主题颜色dk1的写法无法核对/,
  },
  {
    name: 'the theme\'s text colour (dk1) as the window\'s colour (white), lastClr saying black',
    build: withDk1('<a:sysClr val="window" lastClr="000000"/>'),
    sheet: '封面', cell: 'A1', problem: /文字颜色与底色/,
  },
  {
    name: 'a gradient fill LibreOffice paints black, under black text',
    build: styled('E2', { fill: '<gradientFill degree="90"><stop position="0"><color rgb="FF000000"/></stop><stop position="0.99"><color rgb="FF000000"/></stop><stop position="1"><color rgb="FFFFFFFF"/></stop></gradientFill>' }),
    sheet: '填报数据', cell: 'E2', problem: /渐变底色/,
  },
  {
    name: 'a dense pattern (darkGray, 75 % black) under black text',
    build: styled('E2', { fill: '<patternFill patternType="darkGray"><fgColor rgb="FF000000"/><bgColor rgb="FFFFFFFF"/></patternFill>' }),
    sheet: '填报数据', cell: 'E2', problem: /文字颜色与底色/,
  },
  {
    name: 'shrink to fit in a narrow column',
    build: styled('E2', { alignment: 'shrinkToFit="1"' }),
    sheet: '填报数据', cell: 'E2', problem: /缩小字体填充/,
  },
  {
    name: 'stacked text (textRotation 255)',
    build: styled('E2', { alignment: 'textRotation="255"' }),
    sheet: '填报数据', cell: 'E2', problem: /旋转或竖排/,
  },
  {
    name: 'a superscript font',
    build: styled('E2', { font: '<vertAlign val="superscript"/><sz val="6"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /上标或下标/,
  },
  {
    name: 'a struck-through font (a figure crossed out reads as withdrawn)',
    build: styled('E2', { font: '<strike/><sz val="11"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /删除线/,
  },
  {
    name: 'a symbol font under its Mac name (ZapfDingbats)',
    build: styled('E2', { font: '<sz val="12"/><name val="ZapfDingbats"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /符号字体「ZapfDingbats」/,
  },
  {
    name: 'a column too narrow for the number (prints ###)',
    build: (p) => edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="1.5" customWidth="1"/>'),
    sheet: '填报数据', cell: 'E2', problem: /数字显示为 ###/,
  },
  {
    name: 'a column 0.2 wider than the digits (120 in 3.2: LibreOffice needs some padding, prints ###)',
    build: (p) => edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="3.2" customWidth="1"/>'),
    sheet: '填报数据', cell: 'E2', problem: /列宽度为 3.2,数字显示为 ###/,
    shown: { as: 'pdf', worked: (t) => t.includes('###') },
  },
  {
    name: 'a column too narrow for the decimals (General shows 0.953 as 0.95 in width 4)',
    build: (p) => edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="4" customWidth="1"/>'),
    sheet: '填报数据', cell: 'E3', problem: /列宽度为 4,数字显示为 ### 或少了小数/,
    shown: { as: 'pdf', worked: (t) => !t.includes('0.953') },
  },
  {
    name: 'an indent of 3 levels (allowed) right-aligned in a column the digits alone fit (### in LibreOffice)',
    build: (p) => styled('E2', { alignment: 'horizontal="right" indent="3"' })(edit(p, DATA_SHEET, '<col min="5" max="5" width="10.83203125" customWidth="1"/>', '<col min="5" max="5" width="6.5" customWidth="1"/>')),
    sheet: '填报数据', cell: 'E2', problem: /列宽度为 6.5,数字显示为 ###/,
    shown: { as: 'pdf', worked: (t) => t.includes('###') },
  },
  {
    name: 'a 200-point font on a number (its digits no longer fit the column)',
    build: styled('E2', { font: '<sz val="200"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'E2', problem: /列宽度为 10.83203125,数字显示为 ###/,
  },
  {
    name: 'a font size that is not a number (NaN) on a cell',
    build: styled('I2', { font: '<sz val="NaN"/><name val="Calibri"/>' }),
    sheet: '填报数据', cell: 'I2', problem: /字号无效/,
  },
  {
    name: 'the default font\'s size INF (LibreOffice\'s layout collapses)',
    build: (p) => editZipText(p, STYLES, (x) => x.replace('<sz val="12"/>', '<sz val="INF"/>')),
    sheet: '封面', cell: 'A1', problem: /字号无效/,
  },
  {
    name: 'the theme\'s minor font made Wingdings (Excel draws every scheme="minor" font in it)',
    build: (p) => editZipText(p, 'xl/theme/theme1.xml', (x) => x.replace('<a:minorFont><a:latin typeface="Calibri"', '<a:minorFont><a:latin typeface="Wingdings"')),
    sheet: '封面', cell: 'A1', problem: /主题的正文字体是符号字体「Wingdings」/,
  },
  {
    name: 'the workbook window hidden (it opens showing no sheet)',
    build: (p) => edit(p, 'xl/workbook.xml', '<sheets>', '<bookViews><workbookView visibility="hidden"/></bookViews><sheets>'),
    sheet: '', cell: '', problem: /工作簿窗口被隐藏/,
  },
  {
    name: 'a row 6 points high (the text is clipped)',
    build: (p) => edit(p, DATA_SHEET, '<row r="2">', '<row r="2" ht="6" customHeight="1">'),
    sheet: '填报数据', cell: 'A2', problem: /第 2 行高度为 6/,
  },
  {
    name: 'a header whose &K is followed by no colour (&KFF已作废 prints "FF已作废")',
    build: (p) => edit(p, DATA_SHEET, '</sheetData>', '</sheetData><headerFooter><oddHeader>&amp;KFF已作废</oddHeader></headerFooter>'),
    sheet: '填报数据', cell: 'A1', problem: /页眉或页脚/,
    shown: { as: 'pdf', worked: (t) => t.includes('FF已作废') },
  },
  {
    name: 'a print area leaving the figures out of the printout',
    build: (p) => edit(p, 'xl/workbook.xml', '</sheets>', '</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="1">\'填报数据\'!$A$1:$B$1</definedName></definedNames>'),
    sheet: '填报数据', cell: 'C1', problem: /不在打印区域内/,
    shown: { as: 'pdf', worked: (t) => t.includes('序号') && !t.includes('累计完成') },
  },
  {
    name: 'a table nobody signed on the signature sheet',
    build: (p) => edit(p, 'xl/worksheets/sheet4.xml', '<c r="A1" t="s"><v>48</v></c>', '<c r="A1" t="s"><v>48</v></c><c r="B1" t="inlineStr"><is><t>累计完成 240</t></is></c>'),
    sheet: '_ledger_signature', cell: 'B1', problem: /签名以外的内容/,
  },
  {
    name: 'the signature sheet made visible',
    build: (p) => edit(p, 'xl/workbook.xml', ' state="veryHidden"/>', '/>'),
    sheet: '_ledger_signature', cell: 'A1', problem: /签名页被设为可见/,
  },
  {
    name: 'zero values not shown (sheetView showZeros="0")',
    build: (p) => edit(p, DATA_SHEET, '<sheetView workbookViewId="0"/>', '<sheetView workbookViewId="0" showZeros="0"/>'),
    sheet: '填报数据', cell: 'E5', problem: /不显示零值/,
  },
];
