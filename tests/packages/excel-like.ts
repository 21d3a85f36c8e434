/**
 * Saves a package again the way WPS 表格 and Microsoft Excel write workbooks, without changing a
 * value: neither program can run here, so this writer reproduces what their files hold and our own
 * writer (SheetJS) never writes: shared strings with Excel's `_xHHHH_` escapes, a styles part with
 * dozens of named cell styles (currency, comma and percent among them, unused by the cells) and
 * many cell formats, `<sheetFormatPr>`, `<cols>`, row `spans`/`ht`/`customHeight`, the `x14ac`
 * and `xr` namespaces under `mc:Ignorable`, `mc:AlternateContent` in the workbook, absolute
 * `/xl/…` relationship targets, custom document properties (WPS's KSOProductBuildVer), a bold
 * header row, and rows and cells without `r` attributes (the spec allows it: each follows the one
 * before). Used by make-fixtures.ts (report-resaved-excel-like.xlsx) and package-resave.test.ts.
 */
import * as XLSX from 'xlsx';
import { readZip, writeZip, type ZipFileEntry } from './helpers';

const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const X14AC = 'http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac';
const XR = 'http://schemas.microsoft.com/office/spreadsheetml/2014/revision';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** ST_Xstring as Excel writes it: a literal `_xHHHH_` escaped as `_x005F_xHHHH_`, XML-illegal characters as `_xHHHH_`. */
function xstring(s: string): string {
  return s
    .replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_')
    // eslint-disable-next-line no-control-regex -- these are the characters XML cannot carry
    .replace(/[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\ufffe\uffff]/g, (ch) => `_x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

function textElement(s: string): string {
  const x = esc(xstring(s));
  return /^\s|\s$|[\n\t]/.test(s) ? `<t xml:space="preserve">${x}</t>` : `<t>${x}</t>`;
}

/** Named cell styles as WPS lists them: most carry number formats, fills or fonts the cells never use. */
function styles(): string {
  const named = [
    ['常规', 0, 0, 0], ['货币[0]', 177, 0, 0], ['货币', 176, 0, 0], ['千位分隔[0]', 178, 0, 0], ['千位分隔', 179, 0, 0], ['百分比', 9, 0, 0],
    ['超链接', 0, 2, 0], ['已访问的超链接', 0, 3, 0], ['注释', 0, 0, 2], ['警告文本', 0, 4, 0], ['标题', 0, 5, 0], ['解释性文本', 0, 6, 0],
    ['输入', 0, 0, 3], ['输出', 0, 0, 4], ['计算', 0, 0, 4], ['检查单元格', 0, 1, 5], ['好', 0, 0, 6], ['差', 0, 0, 7], ['适中', 0, 0, 8],
    ...Array.from({ length: 30 }, (_x, i) => [`${['20%', '40%', '60%'][i % 3]} - 强调文字颜色 ${Math.floor(i / 3) % 6 + 1}`, 0, 0, 9 + (i % 6)] as const),
  ] as const;
  const fills = [
    '<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFFCC"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFCC99"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFA5A5A5"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFC6EFCE"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill>',
    ...[4, 5, 6, 7, 8, 9].map((t) => `<fill><patternFill patternType="solid"><fgColor theme="${t}" tint="0.799981688894314"/><bgColor indexed="64"/></patternFill></fill>`),
  ];
  const fonts = [
    '<font><sz val="11"/><color theme="1"/><name val="宋体"/><charset val="134"/><scheme val="minor"/></font>',
    '<font><b/><sz val="11"/><color theme="0"/><name val="宋体"/><charset val="0"/><scheme val="minor"/></font>',
    '<font><u/><sz val="11"/><color rgb="FF0000FF"/><name val="宋体"/><charset val="0"/><scheme val="minor"/></font>',
    '<font><u/><sz val="11"/><color rgb="FF800080"/><name val="宋体"/><charset val="0"/><scheme val="minor"/></font>',
    '<font><sz val="11"/><color rgb="FFFF0000"/><name val="宋体"/><charset val="0"/><scheme val="minor"/></font>',
    '<font><b/><sz val="18"/><color theme="3"/><name val="宋体"/><charset val="134"/><scheme val="major"/></font>',
    '<font><i/><sz val="11"/><color rgb="FF7F7F7F"/><name val="宋体"/><charset val="0"/><scheme val="minor"/></font>',
    '<font><b/><sz val="11"/><color theme="1"/><name val="宋体"/><charset val="134"/><scheme val="minor"/></font>',
  ];
  const styleXfs = named.map(([, numFmt, font, fill]) => `<xf numFmtId="${numFmt}" fontId="${font}" fillId="${fill}" borderId="0" applyNumberFormat="0" applyFill="0" applyAlignment="0">${numFmt === 0 ? '' : '<alignment vertical="center"/>'}</xf>`).join('');
  // Cell formats: 0 the default, 1 the bold header, 2 wrapped text; the rest as a long-edited book accumulates.
  const cellXfs = [
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf>',
    '<xf numFmtId="0" fontId="7" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>',
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>',
    ...Array.from({ length: 40 }, (_x, i) => `<xf numFmtId="${[0, 176, 9, 14, 49][i % 5]}" fontId="${i % 8}" fillId="${i % 15}" borderId="${i % 2}" xfId="0" applyNumberFormat="1"/>`),
  ];
  return `${HEAD}<styleSheet xmlns="${MAIN}" xmlns:mc="${MC}" mc:Ignorable="x14ac" xmlns:x14ac="${X14AC}">`
    + '<numFmts count="4"><numFmt numFmtId="176" formatCode="_ &quot;￥&quot;* #,##0.00_ ;_ &quot;￥&quot;* \\-#,##0.00_ ;_ &quot;￥&quot;* &quot;-&quot;??_ ;_ @_ "/>'
    + '<numFmt numFmtId="177" formatCode="_ &quot;￥&quot;* #,##0_ ;_ &quot;￥&quot;* \\-#,##0_ ;_ &quot;￥&quot;* &quot;-&quot;_ ;_ @_ "/>'
    + '<numFmt numFmtId="178" formatCode="_ * #,##0_ ;_ * \\-#,##0_ ;_ * &quot;-&quot;_ ;_ @_ "/>'
    + '<numFmt numFmtId="179" formatCode="_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * &quot;-&quot;??_ ;_ @_ "/></numFmts>'
    + `<fonts count="${fonts.length}">${fonts.join('')}</fonts><fills count="${fills.length}">${fills.join('')}</fills>`
    + '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    + `<cellStyleXfs count="${named.length}">${styleXfs}</cellStyleXfs><cellXfs count="${cellXfs.length}">${cellXfs.join('')}</cellXfs>`
    + `<cellStyles count="${named.length}">${named.map(([name], i) => `<cellStyle name="${name}" xfId="${i}"${i === 0 ? ' builtinId="0"' : ''}/>`).join('')}</cellStyles>`
    + '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    + '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext></extLst></styleSheet>';
}

interface SheetOut {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  xml: string;
}

/** A package saved again as WPS/Excel would save it, values unchanged. */
export function resaveExcelLike(bytes: Buffer): Buffer {
  const wb = XLSX.read(bytes, { type: 'buffer', dense: true, cellStyles: true });
  const strings: string[] = [];
  const index = new Map<string, number>();
  let stringRefs = 0;
  const sst = (s: string) => {
    stringRefs++;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };

  const sheets: SheetOut[] = wb.SheetNames.map((name, sheetIndex) => {
    const ws = wb.Sheets[name]!;
    const data = (ws['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
    const hidden = wb.Workbook?.Sheets?.[sheetIndex]?.Hidden ?? 0;
    const cols = (ws['!cols'] ?? []).map((c, i) => (c?.wch === undefined ? '' : `<col min="${i + 1}" max="${i + 1}" width="${(c.wch + 0.625).toFixed(3)}" customWidth="1"/>`)).join('');
    let lastRow = -1;
    const rows: string[] = [];
    let maxCol = 0;
    data.forEach((row, r) => {
      if (!row || row.every((c) => c === undefined)) return;
      const span = row.length;
      maxCol = Math.max(maxCol, span);
      const tall = row.some((c) => c?.t === 's' && String(c.v).includes('\n'));
      // The row number is left out when it follows the previous row, as the spec allows.
      const rAttr = r === lastRow + 1 && r % 2 === 1 ? '' : ` r="${r + 1}"`;
      lastRow = r;
      let lastCol = -1;
      const cells = row.map((c, col) => {
        if (!c || c.v === undefined || c.v === null) return '';
        const ref = col === lastCol + 1 && col > 0 ? '' : ` r="${XLSX.utils.encode_cell({ r, c: col })}"`;
        lastCol = col;
        const s = r === 0 && sheetIndex > 0 && hidden === 0 ? ' s="1"' : c.t === 's' && tall ? ' s="2"' : '';
        switch (c.t) {
          case 'n': return `<c${ref}${s}><v>${String(c.v)}</v></c>`;
          case 'b': return `<c${ref}${s} t="b"><v>${c.v ? 1 : 0}</v></c>`;
          case 'e': return `<c${ref}${s} t="e"><v>${esc(String(c.w ?? '#N/A'))}</v></c>`;
          default: return `<c${ref}${s} t="s"><v>${sst(String(c.v))}</v></c>`;
        }
      }).join('');
      rows.push(`<row${rAttr} spans="1:${span}"${tall ? ' ht="27" customHeight="1"' : ''} x14ac:dyDescent="0.15">${cells}</row>`);
    });
    const dimension = lastRow < 0 ? 'A1' : `A1:${XLSX.utils.encode_cell({ r: lastRow, c: Math.max(0, maxCol - 1) })}`;
    const xml = `${HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${R}" xmlns:mc="${MC}" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="${X14AC}" xmlns:xr="${XR}" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" xr:uid="{0000000${sheetIndex}-0001-0002-0003-000000000004}">`
      + `<sheetPr/><dimension ref="${dimension}"/><sheetViews><sheetView${sheetIndex === 0 ? ' tabSelected="1"' : ''} workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>`
      + `<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5" x14ac:dyDescent="0.15"/>${cols ? `<cols>${cols}</cols>` : ''}`
      + `<sheetData>${rows.join('')}</sheetData>`
      + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/><pageSetup paperSize="9" orientation="portrait"/><headerFooter/></worksheet>';
    return { name, state: hidden === 2 ? 'veryHidden' : hidden === 1 ? 'hidden' : 'visible', xml };
  });

  const original = readZip(bytes);
  const theme = original.find((e) => e.name === 'xl/theme/theme1.xml')?.data;
  const entries: ZipFileEntry[] = [];
  const add = (name: string, xml: string | Buffer) => entries.push({ name, data: Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8') });
  add('[Content_Types].xml', `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`
    + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + sheets.map((_s, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/>`).join('')
    + `<Override PartName="/xl/theme/theme1.xml" ContentType="${CT}.theme+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.spreadsheetml.sharedStrings+xml"/>`
    + `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="${CT}.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="${CT}.custom-properties+xml"/></Types>`);
  add('_rels/.rels', `${HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId3" Type="${R}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="${R}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId4" Type="${R}/custom-properties" Target="docProps/custom.xml"/></Relationships>`);
  add('docProps/app.xml', `${HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>WPS 表格</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>${sheets.length}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="${sheets.length}" baseType="lpstr">${sheets.map((s) => `<vt:lpstr>${esc(s.name)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts></Properties>`);
  add('docProps/core.xml', `${HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>市人社局</dc:creator><cp:lastModifiedBy>市民生办</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2019-04-03T09:30:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2019-04-04T01:12:00Z</dcterms:modified></cp:coreProperties>`);
  add('docProps/custom.xml', `${HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-11.1.0.9208</vt:lpwstr></property></Properties>`);
  add('xl/workbook.xml', `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${R}" xmlns:mc="${MC}" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" xmlns:xr="${XR}" xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">`
    + '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="22228"/><workbookPr defaultThemeVersion="166925"/>'
    + '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="D:\\民生台账\\填报包\\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
    + '<xr:revisionPtr revIDLastSave="0" documentId="8_{00000000-0000-0000-0000-000000000000}" xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
    + '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" xr2:uid="{00000000-000D-0000-FFFF-FFFF00000000}"/></bookViews>'
    + `<sheets>${sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.state === 'visible' ? '' : ` state="${s.state}"`} r:id="rId${i + 1}"/>`).join('')}</sheets><calcPr calcId="191029"/></workbook>`);
  const n = sheets.length;
  add('xl/_rels/workbook.xml.rels', `${HEAD}<Relationships xmlns="${REL_NS}">${sheets.map((_s, i) => `<Relationship Id="rId${i + 1}" Type="${R}/worksheet" Target="/xl/worksheets/sheet${i + 1}.xml"/>`).join('')}`
    + `<Relationship Id="rId${n + 1}" Type="${R}/theme" Target="/xl/theme/theme1.xml"/><Relationship Id="rId${n + 2}" Type="${R}/styles" Target="/xl/styles.xml"/><Relationship Id="rId${n + 3}" Type="${R}/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`);
  if (theme) add('xl/theme/theme1.xml', theme);
  add('xl/styles.xml', styles());
  sheets.forEach((s, i) => add(`xl/worksheets/sheet${i + 1}.xml`, s.xml));
  add('xl/sharedStrings.xml', `${HEAD}<sst xmlns="${MAIN}" count="${stringRefs}" uniqueCount="${strings.length}">${strings.map((s) => `<si>${textElement(s)}</si>`).join('')}</sst>`);
  return writeZip(entries);
}
