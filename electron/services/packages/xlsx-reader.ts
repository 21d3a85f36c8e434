/**
 * Reads a package workbook from the zip entries inspectZip inflated and checked: only the parts a
 * package may hold, with xml.ts (no DOCTYPE, bounded, linear). Besides the cells it keeps what
 * decides how a cell reads on screen and on paper (formulas, number formats, fonts and fills, hidden
 * rows and columns, merges, conditional formats, objects on the sheet), so that the verifier can
 * refuse a package whose display differs from what was signed (docs/package-format.md §7 g, §8).
 * SheetJS stays the writer; it is no longer the reader.
 *
 * @example
 *   const wb = readWorkbook(parts, { maxRows: 20_000, maxCellChars: 32_767, maxSheets: 20 });
 *   wb.sheets[0].rows[1]?.[4]?.value; // E2
 */
import { isUtf8 } from 'node:buffer';
import { plainText, XML_END, XML_EOF, XML_START, XML_TEXT, XmlError, XmlReader } from './xml';

export type CellValue = string | number | boolean | null;

export type WorkbookErrorCode = 'E_UNREADABLE' | 'E_TOO_LARGE' | 'E_NOT_A_PACKAGE';

/** A refusal while reading; package-format.ts turns it into a PackageError with the same code. */
export class WorkbookError extends Error {
  constructor(readonly code: WorkbookErrorCode, message: string) {
    super(message);
    this.name = 'WorkbookError';
  }
}

export interface ReaderLimits {
  /** Rows with content, per sheet. */
  readonly maxRows: number;
  readonly maxCellChars: number;
  /** Visible sheets; one more (the signature sheet) is allowed. */
  readonly maxSheets: number;
}

/** One cell as stored. Errors (#N/A …) and date cells keep their text and equal no signed value. */
export interface FoundCell {
  readonly kind: 'value' | 'error';
  readonly value: CellValue;
  /** Index into cellXfs; -1 when the cell has no `s` attribute. */
  readonly style: number;
  /** A formula (`<f>`), whatever its cached value: programs recalculate on opening. */
  readonly formula: boolean;
  /** The shared string it shows, or -1. */
  readonly sharedString: number;
  /** Rich value metadata (`vm`): an image or data type shown in the cell instead of the value. */
  readonly richValue: boolean;
  /** Its inline string carries phonetic guide text, which Excel can show above the cell. */
  readonly phonetic: boolean;
  /** The fonts of its inline string's rich-text runs (a shared string's are in SharedStrings); null for none. */
  readonly runFonts: readonly Font[] | null;
}

export interface RowLook {
  readonly hidden: boolean;
  /** Points; undefined when the row does not set one. */
  readonly height: number | undefined;
  /** The row's style when it applies to its cells (`customFormat`), else -1. */
  readonly style: number;
  readonly outlined: boolean;
  readonly collapsed: boolean;
}

export interface ColLook {
  readonly min: number;
  readonly max: number;
  readonly hidden: boolean;
  /** Characters; undefined when not set. */
  readonly width: number | undefined;
  readonly style: number;
  readonly outlined: boolean;
  readonly collapsed: boolean;
}

/** Something on a sheet (not in one cell's value) that changes what a person sees. */
export interface SheetIssue {
  /** The cell it concerns (A1 reference), as near as the file says. */
  readonly cell: string;
  readonly problem: string;
}

export type SheetState = 'visible' | 'hidden' | 'veryHidden';

export interface ParsedSheet {
  readonly name: string;
  readonly state: SheetState;
  /** Dense rows (0-based), each a dense row of cells; holes are empty cells. */
  readonly rows: readonly (readonly (FoundCell | undefined)[] | undefined)[];
  /** The columns of each row that hold a cell, ascending: one cell in column XFD is one, not 16,384. */
  readonly columns: readonly (readonly number[] | undefined)[];
  readonly rowLooks: readonly (RowLook | undefined)[];
  readonly cols: readonly ColLook[];
  readonly defaultRowHeight: number | undefined;
  /** Rows are hidden unless they say otherwise (`sheetFormatPr zeroHeight`). */
  readonly rowsHiddenByDefault: boolean;
  readonly defaultColWidth: number | undefined;
  readonly showZeros: boolean;
  /** Merged ranges (`mergeCell`), 0-based and inclusive, as written. */
  readonly merges: readonly CellRange[];
  readonly issues: readonly SheetIssue[];
}

export interface CellRange {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface Font {
  readonly color: Color | undefined;
  /** Points; NaN when `<sz val>` is not a number (`NaN`, `INF`): refused, programs lay it out differently. */
  readonly size: number | undefined;
  readonly name: string | undefined;
  /** `<scheme val="minor|major"/>`: Excel draws the text in the theme's font of that kind, not in `name`. */
  readonly scheme?: 'major' | 'minor';
  /** Superscript or subscript: smaller, and off the line. */
  readonly raised: boolean;
  /** Struck through: a figure crossed out reads as withdrawn (作废), whatever it says. */
  readonly struck: boolean;
}

/** A colour as SpreadsheetML gives it; resolved against the theme and palette when compared. */
export interface Color {
  readonly rgb?: number;
  readonly theme?: number;
  readonly indexed?: number;
  readonly auto?: boolean;
  readonly tint: number;
}

export interface Fill {
  /** What the cell's background is made of: nothing (the sheet's white), one colour, or several. */
  readonly colors: readonly Color[] | null;
  /** A gradient: programs paint its stops differently (LibreOffice as one colour). */
  readonly gradient: boolean;
  /** Of a pattern of two colours, the share the first covers (gray125: 0.125), for the colour the eye sees. */
  readonly coverage: number;
}

export interface Xf {
  readonly numFmt: number;
  readonly font: number;
  readonly fill: number;
  /** The cell style it derives from (cellStyleXfs), or -1. */
  readonly parent: number;
  /** `horizontal="fill"`: the text is repeated to fill the cell. */
  readonly fillAlign: boolean;
  /** Indent levels (each about three characters). */
  readonly indent: number;
  /** `shrinkToFit`: the text is made as small as the column needs. */
  readonly shrink: boolean;
  /** `textRotation` other than 0: turned or stacked text, clipped by the row. */
  readonly rotated: boolean;
}

export interface Styles {
  readonly numFmts: ReadonlyMap<number, string>;
  readonly fonts: readonly Font[];
  readonly fills: readonly Fill[];
  readonly cellXfs: readonly Xf[];
  readonly styleXfs: readonly Xf[];
  /** The workbook's own indexed palette, when it replaces the default one. */
  readonly palette: readonly number[] | null;
}

export interface ThemeFonts {
  readonly major: readonly string[];
  readonly minor: readonly string[];
}

export interface SharedStrings {
  readonly texts: readonly string[];
  /** Fonts of rich-text runs, for the strings that have them. */
  readonly runFonts: ReadonlyMap<number, readonly Font[]>;
  /** Strings carrying phonetic guide text (`rPh`), which Excel can show above the cell. */
  readonly phonetic: ReadonlySet<number>;
}

export interface ParsedWorkbook {
  readonly sheets: readonly ParsedSheet[];
  readonly strings: SharedStrings;
  readonly styles: Styles;
  /** Theme colours in SpreadsheetML's index order (lt1, dk1, lt2, dk2, accent1–6, hlink, folHlink). */
  readonly themeColors: readonly number[];
  /** The typefaces of the theme's minor and major fonts (latin, ea, cs and per script), which scheme fonts are drawn in. */
  readonly themeFonts: ThemeFonts;
  /** Parts of the workbook (not of one sheet) a package never has. */
  readonly workbookIssues: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Parts and relationships

const corrupt = (why: string) => new WorkbookError('E_UNREADABLE', `文件已损坏或不完整(${why}),请重新导出或重新拷贝`);

/** Zip entries by lower-cased name: OOXML part names are case-insensitive. */
export type Parts = ReadonlyMap<string, Buffer>;

function partText(parts: Parts, name: string): string | undefined {
  const buf = parts.get(name.toLowerCase());
  return buf === undefined ? undefined : textOf(buf, name);
}

function textOf(buf: Buffer, name: string): string {
  const text = buf.toString('utf8');
  // Invalid bytes decode as U+FFFD: only a text holding one needs the (second) full check.
  if (text.includes('\uFFFD') && !isUtf8(buf)) throw corrupt(`${name} 不是有效的 UTF-8 文本`);
  return text;
}

/** The namespaces each kind of part is read in (transitional and strict OOXML); elements of any other are skipped. */
const SPREADSHEETML: ReadonlySet<string> = new Set(['http://schemas.openxmlformats.org/spreadsheetml/2006/main', 'http://purl.oclc.org/ooxml/spreadsheetml/main']);
const DRAWINGML: ReadonlySet<string> = new Set(['http://schemas.openxmlformats.org/drawingml/2006/main', 'http://purl.oclc.org/ooxml/drawingml/main']);
const RELATIONSHIPS: ReadonlySet<string> = new Set(['http://schemas.openxmlformats.org/package/2006/relationships']);

/** A reader over one part, whose XML errors name the part. */
function xmlOf(name: string, text: string, namespaces: ReadonlySet<string>): XmlReader {
  try {
    return new XmlReader(text, { namespaces });
  } catch (err) {
    throw xmlFailure(name, err);
  }
}

function xmlFailure(name: string, err: unknown): Error {
  if (err instanceof XmlError) return corrupt(`${name} 不是有效的 XML:${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Runs `read` over a part's XML, turning XML errors into a refusal naming the part. Content of the part's
 * own namespace inside an element of another (mc:AlternateContent, an unknown extension) is shown by some
 * programs and not others: `shadowed` hears of it (a refusal of the package), or the part is refused.
 */
function withPart<T>(name: string, text: string, namespaces: ReadonlySet<string>, read: (x: XmlReader) => T, shadowed?: (what: string) => void): T {
  const x = xmlOf(name, text, namespaces);
  let out: T;
  try {
    out = read(x);
  } catch (err) {
    throw xmlFailure(name, err);
  }
  if (x.shadowed !== undefined) {
    if (!shadowed) throw corrupt(`${name} 中的 ${x.shadowed} 在不认识的元素里`);
    shadowed(`${name} 中的 ${x.shadowed}`);
  }
  return out;
}

/**
 * What was read of a part, kept with the part's Buffer: inspectZip hands over the same Buffer for a part whose
 * stored bytes it has inflated before (package-format.ts `InflatedParts`), so a batch from one writer reads its
 * theme, styles and relationships once. Kept by what the part was read as (`use`, with the part's name, which
 * messages name) and only when reading it left no issue: a reused reading is exactly what reading it again gives.
 */
const readings = new WeakMap<Buffer, Map<string, unknown>>();

/** Reads a part by `read` (given the issues array it reports into), or reuses a clean reading of the same bytes. */
function readPart<T>(parts: Parts, name: string, use: string, issues: string[], read: (text: string, issues: string[]) => T): T | undefined {
  const buf = parts.get(name.toLowerCase());
  if (buf === undefined) return undefined;
  const key = `${use}:${name}`;
  const kept = readings.get(buf);
  if (kept?.has(key)) return kept.get(key) as T;
  const own: string[] = [];
  const value = read(textOf(buf, name), own);
  if (own.length === 0) {
    if (kept) kept.set(key, value);
    else readings.set(buf, new Map([[key, value]]));
  } else {
    issues.push(...own);
  }
  return value;
}

/** What a program shows of content inside mc:AlternateContent or an unknown element: not the same everywhere. */
export const SHADOWED_CONTENT = '不同程序显示不同的内容';

/** A `shadowed` callback of withPart that reports into a workbook's issues. */
function shadowedInto(issues: string[]): (what: string) => void {
  return (what) => issues.push(`${SHADOWED_CONTENT}(${what})`);
}

interface Rel {
  readonly id: string;
  /** The relationship type's last path segment: `worksheet`, `styles`, `comments` … */
  readonly type: string;
  /** The target part's name, resolved; '' for an external target. */
  readonly target: string;
}

function relsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** The relationships of a part (none when it has no .rels part). */
function relsOf(parts: Parts, part: string): readonly Rel[] {
  const name = relsPartOf(part);
  const base = part.slice(0, part.lastIndexOf('/') + 1);
  return readPart(parts, name, 'rels', [], (text) => withPart(name, text, RELATIONSHIPS, (x) => {
    const out: Rel[] = [];
    for (let t = x.next(); t !== XML_EOF; t = x.next()) {
      if (t !== XML_START || x.local !== 'Relationship') continue;
      const id = x.attr('Id');
      const type = x.attr('Type');
      const target = x.attr('Target');
      if (id === undefined || type === undefined || target === undefined) throw corrupt(`${name} 中的关系不完整`);
      if (out.some((r) => r.id === id)) throw corrupt(`${name} 中的关系编号 ${id} 重复`);
      const external = x.attr('TargetMode') === 'External';
      out.push({ id, type: type.slice(type.lastIndexOf('/') + 1), target: external ? '' : resolveTarget(base, target, name) });
    }
    return out;
  })) ?? [];
}

/**
 * Why a zip entry's name is not a plain part name, or null. Programs find a part by the name a relationship
 * gives, and do not agree on what `%32`, `//`, `\\` or `..` in a name mean: `sheet%32.xml` beside
 * `sheet2.xml` is one part to one program and two to another, so such names are refused (§7 b). Relationship targets are held to it too (resolveTarget).
 */
export function plainPartNameProblem(name: string): string | null {
  if (name.startsWith('/')) return '以 / 开头';
  if (name.includes('\\')) return '含有反斜杠';
  if (name.includes('%')) return '含有 %';
  for (const segment of name.split('/')) {
    if (segment === '') return '含有空的路径段(//)';
    if (segment === '.' || segment === '..') return `含有路径段「${segment}」`;
  }
  return null;
}

/**
 * A relationship's target as a part name: relative to the source's folder, or absolute (`/xl/…`). Only
 * plain names are taken (§7 b): no `%` (programs disagree on decoding it: `sheet%32.xml` is `sheet2.xml`
 * to one and a part of that literal name to another), no `\\`, no empty or `.` segment, and `..` only
 * leading a relative target and staying inside the package (`../printerSettings/printerSettings1.bin`).
 * The part is then looked up by exactly that name (case folded, as zip entries are).
 */
function resolveTarget(base: string, target: string, relsName: string): string {
  const refuse = (why: string) => corrupt(`${relsName} 中的关系目标「${target}」${why}`);
  const absolute = target.charCodeAt(0) === 0x2f;
  const segments = (absolute ? target.slice(1) : target).split('/');
  const out = absolute ? [] : base.split('/').filter((s) => s !== '');
  let up = 0;
  for (; !absolute && segments[up] === '..'; up++) {
    if (out.length === 0) throw refuse('指向数据包之外');
    out.pop();
  }
  // What is left must be a plain part name, by the rule a zip entry's name is held to.
  const rest = segments.slice(up).join('/');
  const why = plainPartNameProblem(rest);
  if (why !== null) throw refuse(why);
  return [...out, rest].join('/');
}

/** Relationship types a package may have, by where they start. Anything else is refused. */
const ROOT_RELS = new Set(['officeDocument', 'core-properties', 'extended-properties', 'custom-properties', 'thumbnail', 'classificationlabels']);
const WORKBOOK_RELS = new Set(['worksheet', 'sharedStrings', 'styles', 'theme', 'sheetMetadata', 'calcChain', 'customXml']);
const SHEET_RELS = new Set(['printerSettings']);

/** What a relationship a package never has brings in, for the message. */
function describeRel(type: string): string {
  switch (type) {
    case 'comments': case 'threadedComment': case 'person': return '批注';
    case 'vmlDrawing': return '批注或图形对象';
    case 'drawing': case 'image': case 'chart': case 'diagramData': return '图形对象(图片、形状、文本框或图表)';
    case 'oleObject': case 'package': return '嵌入的 OLE 对象';
    case 'control': case 'ctrlProp': return '控件';
    case 'table': return '表格(列表)';
    case 'hyperlink': return '超链接';
    case 'externalLink': case 'externalLinkPath': return '外部链接';
    case 'vbaProject': return '宏';
    default: return `数据包中不应有的内容(${type})`;
  }
}

// ---------------------------------------------------------------------------------------------
// The workbook

interface SheetRef {
  readonly name: string;
  readonly state: SheetState;
  readonly part: string;
  /** Its print area (`_xlnm.Print_Area`) as written, e.g. `'填报数据'!$A$1:$F$20`. */
  readonly printArea?: string;
}

/** Names that reach plain objects inside spreadsheet libraries: never a sheet of a package. */
export const RESERVED_SHEET_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function readWorkbook(parts: Parts, limits: ReaderLimits): ParsedWorkbook {
  const workbookIssues: string[] = [];
  const rootRels = relsOf(parts, '');
  for (const r of rootRels) if (!ROOT_RELS.has(r.type)) workbookIssues.push(`${describeRel(r.type)}(${r.target || '外部'})`);
  const main = rootRels.filter((r) => r.type === 'officeDocument');
  if (main.length > 1) throw corrupt('有多个工作簿');
  const workbookPart = main[0]?.target || 'xl/workbook.xml';
  if (!parts.has(workbookPart.toLowerCase())) throw new WorkbookError('E_NOT_A_PACKAGE', '不是Excel数据包(xlsx)文件');

  const rels = relsOf(parts, workbookPart);
  for (const r of rels) if (!WORKBOOK_RELS.has(r.type)) workbookIssues.push(`${describeRel(r.type)}(${r.target || '外部'})`);
  const relById = new Map(rels.map((r) => [r.id, r]));
  const shadowed = shadowedInto(workbookIssues);
  // The sheet list depends on the workbook part, the relationships its ids point through and the sheet limit:
  // the same bytes read with the same of both give the same list, so a batch from one writer reads it once.
  const listKey = `sheets:${limits.maxSheets}:${rels.map((r) => `${r.id}=${r.type}>${r.target}`).join('|')}`;
  const sheetRefs = readPart(parts, workbookPart, listKey, workbookIssues,
    (text, issues) => withPart(workbookPart, text, SPREADSHEETML, (x) => readSheetList(x, relById, limits, issues), shadowedInto(issues)))!;

  const one = (type: string): string | undefined => {
    const of = rels.filter((r) => r.type === type);
    if (of.length > 1) throw corrupt(`工作簿有多个 ${type} 部件`);
    return of[0]?.target || undefined;
  };
  const stringsPart = one('sharedStrings');
  const stringsText = stringsPart === undefined ? undefined : partText(parts, stringsPart);
  const strings = stringsText === undefined ? NO_STRINGS : withPart(stringsPart!, stringsText, SPREADSHEETML, readSharedStrings, shadowed);
  const stylesPart = one('styles');
  const styles = (stylesPart === undefined ? undefined : readPart(parts, stylesPart, 'styles', workbookIssues,
    (text, issues) => withPart(stylesPart, text, SPREADSHEETML, readStyles, shadowedInto(issues)))) ?? NO_STYLES;
  const themePart = one('theme');
  const theme = (themePart === undefined ? undefined : readPart(parts, themePart, 'theme', workbookIssues,
    (text, issues) => withPart(themePart, text, DRAWINGML, (x) => readTheme(x, issues), shadowedInto(issues)))) ?? { colors: DEFAULT_THEME, fonts: NO_THEME_FONTS };

  const sheets = sheetRefs.map((ref): ParsedSheet => {
    const text = partText(parts, ref.part);
    if (text === undefined) throw corrupt(`缺少工作表「${ref.name}」的数据`);
    const sheetShadowed: SheetIssue[] = [];
    const read = withPart(ref.part, text, SPREADSHEETML, (x) => readSheet(x, ref, strings, styles, limits),
      (what) => sheetShadowed.push({ cell: 'A1', problem: `含有${SHADOWED_CONTENT}(${what})` }));
    const printed = ref.printArea !== undefined && ref.state === 'visible' ? printAreaIssue(ref.printArea, read, workbookIssues) : null;
    if (printed) sheetShadowed.push(printed);
    const sheet = sheetShadowed.length === 0 ? read : { ...read, issues: [...sheetShadowed, ...read.issues] };
    // Comments, drawings, pictures, tables, OLE objects: all come in through the sheet's relationships.
    const objects = relsOf(parts, ref.part).filter((r) => !SHEET_RELS.has(r.type))
      .map((r) => ({ cell: r.target ? anchorOf(parts, r.target) : 'A1', problem: `带有${describeRel(r.type)}` }));
    return objects.length === 0 ? sheet : { ...sheet, issues: [...sheet.issues, ...objects] };
  });
  return { sheets, strings, styles, themeColors: theme.colors, themeFonts: theme.fonts, workbookIssues };
}

function readSheetList(x: XmlReader, relById: ReadonlyMap<string, Rel>, limits: ReaderLimits, issues: string[]): SheetRef[] {
  const out: SheetRef[] = [];
  const names = new Set<string>();
  const partsSeen = new Set<string>();
  // Print areas by the sheet's position (localSheetId), read once the sheet list is complete.
  const printAreas = new Map<number, string>();
  let area: { sheet: number | undefined; text: string; depth: number } | null = null;
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (area) {
      if (t === XML_TEXT) area.text += x.text;
      else if (t === XML_END && x.depth === area.depth) {
        if (area.sheet === undefined || printAreas.has(area.sheet)) issues.push(PRINT_AREA);
        else printAreas.set(area.sheet, area.text);
        area = null;
      }
      continue;
    }
    // A print area leaves out of the printout what it does not cover: checked against each sheet's cells (printAreaIssue).
    if (t === XML_START && x.local === 'definedName' && x.attr('name')?.trim().toLowerCase() === '_xlnm.print_area') {
      const local = x.attr('localSheetId');
      area = { sheet: local !== undefined && /^\d{1,5}$/.test(local) ? Number(local) : undefined, text: '', depth: x.depth };
      continue;
    }
    // A hidden workbook window opens with no sheet to see (Excel: 取消隐藏 under 视图).
    if (t === XML_START && x.local === 'workbookView' && x.depth === 3) {
      const visibility = x.attr('visibility');
      if (visibility !== undefined && visibility !== 'visible') issues.push(`工作簿窗口被隐藏(visibility="${visibility}"),打开后看不到任何工作表`);
      continue;
    }
    if (t !== XML_START || x.local !== 'sheet' || x.depth !== 3) continue;
    const name = x.attr('name');
    const id = x.prefixedAttr('id');
    if (name === undefined || id === undefined) throw corrupt('工作表清单不完整');
    // These names reach plain objects inside other programs; refuse them outright.
    if (RESERVED_SHEET_NAMES.has(name)) throw new WorkbookError('E_UNREADABLE', `工作表名「${name}」不允许使用,文件可能是恶意构造的`);
    const folded = name.toLowerCase();
    if (names.has(folded)) throw corrupt(`工作表名「${name}」重复`);
    names.add(folded);
    const rel = relById.get(id);
    if (!rel || rel.type !== 'worksheet' || !rel.target) throw corrupt(`找不到工作表「${name}」`);
    const part = rel.target.toLowerCase();
    if (partsSeen.has(part)) throw corrupt(`两个工作表指向同一份数据(${rel.target})`);
    partsSeen.add(part);
    const state = x.attr('state');
    out.push({ name, state: state === undefined || state === 'visible' ? 'visible' : state === 'veryHidden' ? 'veryHidden' : 'hidden', part: rel.target });
  }
  if (out.length === 0) throw corrupt('工作簿中没有工作表');
  if (out.length > limits.maxSheets + 1) {
    throw new WorkbookError('E_TOO_LARGE', `工作表过多(${out.length} 个,上限 ${limits.maxSheets + 1} 个)`);
  }
  for (const [at, text] of printAreas) {
    if (at < out.length) out[at] = { ...out[at]!, printArea: text };
    else issues.push(PRINT_AREA);
  }
  return out;
}

/** A print area that cannot be checked: it belongs to no sheet, or is not a list of ranges on its own sheet. */
const PRINT_AREA = '打印区域(打印时只印出其中的单元格)';

/**
 * What a visible sheet's print area leaves out of the printout: the first cell with content outside
 * it, or (pushed to `workbookIssues`) an area that cannot be read. One covering every cell with content
 * hides nothing: a clerk who set the report as the print area before printing it changed nothing.
 * `#REF!` refers to no cells, and programs print as if there were no area (Gnumeric writes it for
 * every sheet).
 */
function printAreaIssue(text: string, sheet: ParsedSheet, workbookIssues: string[]): SheetIssue | null {
  const ranges = printRanges(text, sheet.name);
  if (ranges === null) {
    workbookIssues.push(PRINT_AREA);
    return null;
  }
  if (ranges.length === 0) return null;
  for (let r = 0; r < sheet.columns.length; r++) {
    for (const c of sheet.columns[r] ?? []) {
      if (isEmptyCell(sheet.rows[r]?.[c])) continue;
      if (!ranges.some((g) => r >= g.top && r <= g.bottom && c >= g.left && c <= g.right)) {
        return { cell: encodeCell(r, c), problem: '不在打印区域内(打印时印不出来)' };
      }
    }
  }
  return null;
}

/**
 * A print area's ranges, 0-based and inclusive: `'填报数据'!$A$1:$F$20,'填报数据'!$H:$H` (cells, whole
 * columns or whole rows, on `sheetName` or unnamed); [] when it refers to nothing (`#REF!`); null for
 * anything else.
 */
function printRanges(text: string, sheetName: string): CellRange[] | null {
  // Excel's own limit on a defined name's formula; also keeps the expressions below on short text.
  if (text.length > 8192) return null;
  const out: CellRange[] = [];
  // Areas are separated by commas outside a quoted sheet name ('a,b'!A1; '' is a quote).
  const areas = text.trim().match(/(?:'(?:[^']|'')*'|[^,'])+/g);
  if (!areas || areas.join(',') !== text.trim()) return null;
  for (const raw of areas) {
    const area = raw.trim();
    if (/^(?:.*!)?#REF!$/i.test(area)) continue;
    // The sheet is named before the last `!` (a range itself has none), quoted when its name needs it.
    const bang = area.lastIndexOf('!');
    if (bang >= 0) {
      const prefix = area.slice(0, bang);
      const named = /^'.*'$/s.test(prefix) ? prefix.slice(1, -1).replace(/''/g, "'") : prefix;
      if (named.toLowerCase() !== sheetName.toLowerCase()) return null;
    }
    const ref = area.slice(bang + 1).replace(/\$/g, '').toUpperCase();
    const range = rangeOf(ref) ?? linesOf(ref);
    if (!range) return null;
    out.push(range);
  }
  return out;
}

/** `A:F` or `1:20`: whole columns or rows, to the sheet's edge; undefined otherwise. */
function linesOf(ref: string): CellRange | undefined {
  const [from = '', to = from, extra] = ref.split(':');
  if (extra !== undefined) return undefined;
  const cols = [from, to].map((c) => (/^[A-Z]{1,3}$/.test(c) ? parseCellRef(`${c}1`)?.col : undefined));
  if (cols[0] !== undefined && cols[1] !== undefined) {
    return { top: 0, bottom: MAX_ROWS - 1, left: Math.min(cols[0], cols[1]), right: Math.max(cols[0], cols[1]) };
  }
  const rows = [from, to].map((r) => parseCellRef(`A${r}`)?.row);
  if (rows[0] !== undefined && rows[1] !== undefined) {
    return { top: Math.min(rows[0], rows[1]), bottom: Math.max(rows[0], rows[1]), left: 0, right: MAX_COLS - 1 };
  }
  return undefined;
}

/** A cell that shows nothing: none, or an empty value. An error value shows (#N/A). */
export function isEmptyCell(found: FoundCell | undefined): boolean {
  return !found || (found.kind === 'value' && (found.value === null || found.value === ''));
}

// ---------------------------------------------------------------------------------------------
// Shared strings

const NO_STRINGS: SharedStrings = { texts: [], runFonts: new Map(), phonetic: new Set() };

/** A shared string of one plain text (xml.ts `plain`); `xml:space` changes nothing a reader keeps. */
const PLAIN_STRING = /<si><t(?: xml:space="preserve")?>([^<\r]*)<\/t><\/si>/y;

function readSharedStrings(x: XmlReader): SharedStrings {
  const texts: string[] = [];
  const runFonts = new Map<number, Font[]>();
  const phonetic = new Set<number>();
  let text = '';
  let inSi = false;
  /** Depth of the `t` being read, or 0. */
  let tDepth = 0;
  let inPhonetic = false;
  /** Strings written plainly (`<si><t>…</t></si>`: no runs, no phonetic guide), read as `next()` would read them. */
  const plainStrings = () => {
    for (let m = x.plain(PLAIN_STRING); m !== null; m = x.plain(PLAIN_STRING)) texts.push(decodeXString(plainText(m[1]!)));
  };
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_TEXT) {
      if (tDepth > 0) {
        if (inPhonetic) {
          if (x.text.trim() !== '') phonetic.add(texts.length);
        } else {
          text += x.text;
        }
      }
      continue;
    }
    const local = x.local;
    if (t === XML_START) {
      if (x.depth === 1) {
        plainStrings();
      } else if (local === 'si' && x.depth === 2) {
        inSi = true;
        text = '';
      } else if (tDepth > 0) {
        throw corrupt(`共享文字的 <t> 中有元素 ${x.name}`);
      } else if (inSi && local === 't') {
        tDepth = x.depth;
      } else if (inSi && local === 'rPh') {
        inPhonetic = true;
      } else if (inSi && local === 'rPr') {
        const fonts = runFonts.get(texts.length) ?? [];
        fonts.push(readFont(x));
        runFonts.set(texts.length, fonts);
      }
    } else if (local === 'si' && x.depth === 2) {
      inSi = false;
      texts.push(decodeXString(text));
      plainStrings();
    } else if (local === 't' && x.depth === tDepth) {
      tDepth = 0;
    } else if (local === 'rPh') {
      inPhonetic = false;
    }
  }
  return { texts, runFonts, phonetic };
}

/**
 * OOXML strings (ST_Xstring) spell characters XML cannot carry as `_xHHHH_`; one level is decoded,
 * as Excel and SheetJS do (the comparison then tolerates further levels, §8).
 */
export function decodeXString(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

// ---------------------------------------------------------------------------------------------
// Styles and theme

const NO_STYLES: Styles = { numFmts: new Map(), fonts: [], fills: [], cellXfs: [], styleXfs: [], palette: null };

/** Reads a `font`/`rPr` element's children (the reader is on its start tag). */
function readFont(x: XmlReader): Font {
  const depth = x.depth;
  let color: Color | undefined;
  let size: number | undefined;
  let name: string | undefined;
  let raised = false;
  let struck = false;
  let scheme: Font['scheme'];
  const once = new Once('字体');
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END && x.depth === depth) break;
    if (t !== XML_START || x.depth !== depth + 1) continue;
    if (x.local === 'color') color = readColor(once.take(x, x.local));
    else if (x.local === 'sz') size = fontSize(once.take(x, x.local).attr('val'));
    else if (x.local === 'name' || x.local === 'rFont') name = once.take(x, 'name').attr('val');
    else if (x.local === 'vertAlign') raised = ['superscript', 'subscript'].includes(once.take(x, x.local).attr('val') ?? '');
    // A boolean property: `<strike/>` alone is on.
    else if (x.local === 'strike') struck = isOn(once.take(x, x.local).attr('val') ?? '1');
    else if (x.local === 'scheme') {
      const v = once.take(x, x.local).attr('val');
      scheme = v === 'minor' || v === 'major' ? v : undefined;
    }
  }
  return { color, size, name, raised, struck, ...(scheme ? { scheme } : {}) };
}

/** A font size in points, NaN when it is not a finite number (`NaN`, `INF`, `1e999`): LibreOffice's layout collapses on one. */
function fontSize(val: string | undefined): number | undefined {
  if (val === undefined) return undefined;
  const n = numberAttr(val);
  return n !== undefined && Number.isFinite(n) ? n : Number.NaN;
}

/**
 * The children of a style element that may appear once: two (`<font><color rgb="000000"/><color rgb="FFFFFF"/>`)
 * let one program show the first and another the last, so the styles are refused rather than read either way.
 */
class Once {
  private readonly seen = new Set<string>();

  constructor(private readonly what: string) {}

  /** The reader, on an element of kind `kind` met for the first time in this element; refused the second time. */
  take(x: XmlReader, kind: string): XmlReader {
    if (this.seen.has(kind)) throw corrupt(`样式中的${this.what}有两个 <${kind}>`);
    this.seen.add(kind);
    return x;
  }
}

function readColor(x: XmlReader): Color {
  const rgb = x.attr('rgb');
  const theme = x.attr('theme');
  const indexed = x.attr('indexed');
  const tint = numberAttr(x.attr('tint')) ?? 0;
  return {
    ...(rgb !== undefined ? { rgb: parseRgb(rgb) } : {}),
    ...(theme !== undefined ? { theme: integerAttr(theme) ?? -1 } : {}),
    ...(indexed !== undefined ? { indexed: integerAttr(indexed) ?? -1 } : {}),
    ...(isOn(x.attr('auto')) ? { auto: true } : {}),
    tint: Number.isFinite(tint) ? Math.max(-1, Math.min(1, tint)) : 0,
  };
}

/** ARGB or RGB hex; the alpha is ignored, as Excel ignores it. Unreadable → black, as Excel shows it. */
function parseRgb(s: string): number {
  const hex = s.length === 8 ? s.slice(2) : s;
  return /^[0-9A-Fa-f]{6}$/.test(hex) ? parseInt(hex, 16) : 0;
}

function readStyles(x: XmlReader): Styles {
  const numFmts = new Map<number, string>();
  const fonts: Font[] = [];
  const fills: Fill[] = [];
  const cellXfs: Xf[] = [];
  const styleXfs: Xf[] = [];
  let palette: number[] | null = null;
  /** The list being read: its element name at depth 2. */
  let list = '';
  const lists = new Set<string>();
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END && x.depth === 2) list = '';
    if (t !== XML_START) continue;
    if (x.depth === 2) {
      list = x.local;
      // Two font lists and the like: one program takes the first, another the last.
      if (list !== '' && lists.has(list)) throw corrupt(`样式中有两份 ${list}`);
      lists.add(list);
      continue;
    }
    if (x.depth !== 3) continue;
    switch (list) {
      case 'numFmts':
        if (x.local === 'numFmt') {
          const id = integerAttr(x.attr('numFmtId'));
          const code = x.attr('formatCode') ?? '';
          if (id !== undefined && numFmts.has(id) && numFmts.get(id) !== code) throw corrupt(`样式中数字格式 ${id} 有两种写法`);
          if (id !== undefined) numFmts.set(id, code);
        }
        break;
      case 'fonts':
        if (x.local === 'font') fonts.push(readFont(x));
        break;
      case 'fills':
        if (x.local === 'fill') fills.push(readFill(x));
        break;
      case 'cellXfs':
      case 'cellStyleXfs':
        if (x.local === 'xf') (list === 'cellXfs' ? cellXfs : styleXfs).push(readXf(x, list === 'cellXfs'));
        break;
      case 'colors':
        if (x.local === 'indexedColors') palette = readPalette(x);
        break;
      default:
        break;
    }
  }
  return { numFmts, fonts, fills, cellXfs, styleXfs, palette };
}

function readXf(x: XmlReader, isCellXf: boolean): Xf {
  const depth = x.depth;
  const xf = {
    numFmt: integerAttr(x.attr('numFmtId')) ?? 0,
    font: integerAttr(x.attr('fontId')) ?? 0,
    fill: integerAttr(x.attr('fillId')) ?? 0,
    parent: isCellXf ? integerAttr(x.attr('xfId')) ?? 0 : -1,
    fillAlign: false,
    indent: 0,
    shrink: false,
    rotated: false,
  };
  const once = new Once('单元格样式');
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END && x.depth === depth) break;
    if (t !== XML_START || x.local !== 'alignment') continue;
    once.take(x, x.local);
    xf.fillAlign = x.attr('horizontal') === 'fill';
    const indent = x.attr('indent');
    if (indent !== undefined) xf.indent = numberAttr(indent) ?? Infinity;
    xf.shrink = isOn(x.attr('shrinkToFit'));
    const rotation = x.attr('textRotation');
    xf.rotated = rotation !== undefined && numberAttr(rotation) !== 0;
  }
  return xf;
}

function readFill(x: XmlReader): Fill {
  const depth = x.depth;
  let pattern: string | undefined;
  let fg: Color | undefined;
  let bg: Color | undefined;
  const stops: Color[] = [];
  let gradient = false;
  const once = new Once('填充');
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END && x.depth === depth) break;
    if (t !== XML_START) continue;
    switch (x.local) {
      case 'patternFill':
      case 'gradientFill':
        once.take(x, 'patternFill/gradientFill');
        if (x.local === 'gradientFill') gradient = true;
        else pattern = x.attr('patternType') ?? 'none';
        break;
      case 'fgColor':
        fg = readColor(once.take(x, x.local));
        break;
      case 'bgColor':
        bg = readColor(once.take(x, x.local));
        break;
      case 'color':
        if (gradient) stops.push(readColor(x));
        break;
      default:
        break;
    }
  }
  if (gradient) return { colors: stops.length > 0 ? stops : null, gradient: true, coverage: 1 };
  if (pattern === undefined || pattern === 'none') return { colors: null, gradient: false, coverage: 1 };
  // The pattern's colours; automatic ones are the system's: foreground black, background white.
  const fore = fg && !fg.auto ? fg : { indexed: 64, tint: 0 };
  if (pattern === 'solid') return { colors: [fore], gradient: false, coverage: 1 };
  return { colors: [fore, bg && !bg.auto ? bg : { indexed: 65, tint: 0 }], gradient: false, coverage: Object.hasOwn(PATTERN_COVERAGE, pattern) ? PATTERN_COVERAGE[pattern]! : 0.5 };
}

/** The share of a cell a pattern's foreground colour covers (ECMA-376 §18.18.55, as Excel draws them). */
const PATTERN_COVERAGE: Readonly<Record<string, number>> = {
  gray0625: 0.0625, gray125: 0.125, lightGray: 0.25, mediumGray: 0.5, darkGray: 0.75,
  lightHorizontal: 0.25, lightVertical: 0.25, lightDown: 0.25, lightUp: 0.25, lightGrid: 0.4375, lightTrellis: 0.375,
  darkHorizontal: 0.5, darkVertical: 0.5, darkDown: 0.5, darkUp: 0.5, darkGrid: 0.75, darkTrellis: 0.75,
};

function readPalette(x: XmlReader): number[] {
  const depth = x.depth;
  const out: number[] = [];
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END && x.depth === depth) break;
    if (t === XML_START && x.local === 'rgbColor') out.push(parseRgb(x.attr('rgb') ?? ''));
  }
  return out;
}

/** Office's default theme, for a workbook without one. */
const DEFAULT_THEME: readonly number[] = [0xffffff, 0x000000, 0xeeece1, 0x1f497d, 0x4f81bd, 0xc0504d, 0x9bbb59, 0x8064a2, 0x4bacc6, 0xf79646, 0x0000ff, 0x800080];
/** The order of a:clrScheme's children as SpreadsheetML indexes them (light and dark swapped). */
const THEME_SLOTS = ['lt1', 'dk1', 'lt2', 'dk2', 'accent1', 'accent2', 'accent3', 'accent4', 'accent5', 'accent6', 'hlink', 'folHlink'];

/**
 * System colours as Windows shows them by default: Office paints `sysClr` with the computer's colour,
 * not the `lastClr` written beside it.
 */
const SYSTEM_COLORS: Readonly<Record<string, number>> = { windowText: 0x000000, window: 0xffffff };

const NO_THEME_FONTS: ThemeFonts = { major: [], minor: [] };

/**
 * The theme's colour scheme as plain colours, and its fonts' typefaces. Themes programs write give each
 * colour as `srgbClr` or the window's `sysClr`; any other way (scRGB, HSL, a preset name, a transform such
 * as lumMod, another system colour) is one this reader would have to imitate Office in: it is refused as a
 * workbook issue. A font with `<scheme val="minor"/>` is drawn by Excel in the theme's minor font, so every
 * typeface of the minor and major fonts (latin, ea, cs, and each script's) is kept for the symbol-font check.
 */
function readTheme(x: XmlReader, issues: string[]): { colors: number[]; fonts: ThemeFonts } {
  const out = [...DEFAULT_THEME];
  const major: string[] = [];
  const minor: string[] = [];
  let slot = -1;
  let schemeDepth = 0;
  let fontDepth = 0;
  let fonts: string[] | null = null;
  const unusual = (what: string) => {
    if (!issues.some((i) => i.startsWith('主题颜色'))) issues.push(`主题颜色${THEME_SLOTS[slot] ?? ''}的写法无法核对(${what})`);
  };
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END) {
      if (x.local === 'clrScheme' && x.depth === schemeDepth) schemeDepth = 0;
      else if (fonts && x.depth === fontDepth) fonts = null;
      continue;
    }
    if (t !== XML_START) continue;
    if (x.local === 'clrScheme' && schemeDepth === 0) {
      schemeDepth = x.depth;
    } else if (schemeDepth > 0 && x.depth === schemeDepth + 1) {
      slot = THEME_SLOTS.indexOf(x.local);
    } else if (schemeDepth > 0 && x.depth === schemeDepth + 2 && slot >= 0) {
      if (x.local === 'srgbClr') out[slot] = parseRgb(x.attr('val') ?? '');
      else if (x.local === 'sysClr' && Object.hasOwn(SYSTEM_COLORS, x.attr('val') ?? '')) out[slot] = SYSTEM_COLORS[x.attr('val')!]!;
      else unusual(x.name);
    } else if (schemeDepth > 0 && x.depth > schemeDepth + 2 && slot >= 0) {
      unusual(x.name);
    } else if (schemeDepth === 0 && fonts === null && (x.local === 'majorFont' || x.local === 'minorFont')) {
      fonts = x.local === 'majorFont' ? major : minor;
      fontDepth = x.depth;
    } else if (fonts && x.depth === fontDepth + 1 && ['latin', 'ea', 'cs', 'font'].includes(x.local)) {
      const face = x.attr('typeface');
      if (face) fonts.push(face);
    }
  }
  return { colors: out, fonts: { major, minor } };
}

// ---------------------------------------------------------------------------------------------
// A worksheet

interface CellDraft {
  style: number;
  type: string;
  formula: boolean;
  /** The formula's text, and its kind (`shared`, `array` …) when it has one. */
  formulaText: string;
  formulaKind: string | undefined;
  richValue: boolean;
  v: string | null;
  inline: string | null;
  phonetic: boolean;
  /** Fonts of an inline string's rich-text runs. */
  runFonts: Font[] | null;
  /** Which of v, f and is the cell had (PART_BITS): one of each at most. */
  parts: number;
}

/** Elements that put something on a sheet besides its cells' values, by local name. */
const SHEET_ELEMENT_ISSUES: ReadonlyMap<string, string> = new Map([
  ['mergeCell', '与其他单元格合并'],
  ['conditionalFormatting', '设置了条件格式'],
  ['dataValidation', '设置了数据有效性(可显示输入提示)'],
  ['hyperlink', '带有超链接'],
  ['sparklineGroup', '带有迷你图'],
  ['slicer', '带有切片器'],
  ['timelineRef', '带有日程表'],
  ['webExtension', '带有加载项内容'],
]);

const HEADER_FOOTER = new Set(['oddHeader', 'oddFooter', 'evenHeader', 'evenFooter', 'firstHeader', 'firstFooter']);

function readSheet(x: XmlReader, ref: SheetRef, strings: SharedStrings, styles: Styles, limits: ReaderLimits): ParsedSheet {
  const rows: (FoundCell | undefined)[][] = [];
  const columns: number[][] = [];
  const rowLooks: (RowLook | undefined)[] = [];
  const cols: ColLook[] = [];
  const issues: { cell: string; problem: string }[] = [];
  const merges: CellRange[] = [];
  let defaultRowHeight: number | undefined;
  let rowsHiddenByDefault = false;
  let defaultColWidth: number | undefined;
  let showZeros = true;
  let sheetDataSeen = false;
  /** Text of the header/footer element being read, or null. */
  let headerText: string | null = null;
  /** An issue whose cells an `<xm:sqref>` child names (Excel 2010's conditional formats, validations). */
  let awaitingSqref: { cell: string } | null = null;
  let inSqref = false;

  let t = x.next();
  if (t !== XML_START || x.local !== 'worksheet') throw corrupt(`工作表「${ref.name}」的数据格式不对`);
  for (t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_TEXT) {
      if (headerText !== null) headerText += x.text;
      else if (inSqref && awaitingSqref) {
        awaitingSqref.cell = firstCellOf(x.text);
        awaitingSqref = null;
      }
      continue;
    }
    const local: string = x.local;
    // Extensions (x14:conditionalFormatting, xm:sqref …) are found whatever their namespace; looks only in the main one.
    const anyLocal: string = x.anyLocal;
    if (t === XML_END) {
      if (local === 'col') plainCols(x, cols);
      else if (headerText !== null && HEADER_FOOTER.has(local)) {
        const problem = headerFooterProblem(headerText);
        if (problem) issues.push({ cell: 'A1', problem });
        headerText = null;
      } else if (anyLocal === 'sqref') {
        inSqref = false;
      }
      continue;
    }
    if (local === 'sheetData' && x.depth === 2) {
      if (sheetDataSeen) throw corrupt(`工作表「${ref.name}」有两份单元格数据`);
      sheetDataSeen = true;
      readSheetData(x, ref, strings, styles, limits, { rows, columns }, rowLooks);
      continue;
    }
    switch (local) {
      case 'sheetView':
        if (isOff(x.attr('showZeros'))) showZeros = false;
        break;
      case 'sheetFormatPr': {
        const height = x.attr('defaultRowHeight');
        if (height !== undefined) defaultRowHeight = numberAttr(height) ?? 0;
        rowsHiddenByDefault = isOn(x.attr('zeroHeight'));
        const width = x.attr('defaultColWidth') ?? x.attr('baseColWidth');
        if (width !== undefined) defaultColWidth = numberAttr(width) ?? 0;
        break;
      }
      case 'cols':
        plainCols(x, cols);
        break;
      case 'col':
        cols.push(readCol(x));
        break;
      default: {
        if (anyLocal === 'sqref') {
          inSqref = true;
          break;
        }
        if (HEADER_FOOTER.has(local)) {
          headerText = '';
          break;
        }
        let problem = SHEET_ELEMENT_ISSUES.get(anyLocal);
        if (problem === undefined) break;
        const where = x.attr('ref') ?? x.attr('sqref');
        if (anyLocal === 'mergeCell') {
          if (where === undefined || isOneCell(where)) break;
          const range = local === 'mergeCell' ? rangeOf(where) : undefined;
          if (range) merges.push(range);
          problem = `${problem}(${where})`;
        }
        const issue = { cell: where === undefined ? 'A1' : firstCellOf(where), problem };
        issues.push(issue);
        if (where === undefined) awaitingSqref = issue;
        break;
      }
    }
  }
  return { name: ref.name, state: ref.state, rows, columns, rowLooks, cols, defaultRowHeight, rowsHiddenByDefault, defaultColWidth, showZeros, merges, issues };
}

/** `B2:C5` (also `$B$2:$C$5`, corners either way round) as a range; undefined when it is not one. */
function rangeOf(ref: string): CellRange | undefined {
  const [a, b] = ref.replace(/\$/g, '').trim().split(':');
  const from = a === undefined ? undefined : parseCellRef(a);
  const to = b === undefined ? from : parseCellRef(b);
  if (!from || !to) return undefined;
  return { top: Math.min(from.row, to.row), left: Math.min(from.col, to.col), bottom: Math.max(from.row, to.row), right: Math.max(from.col, to.col) };
}

function isOneCell(range: string): boolean {
  const [a, b] = range.split(':');
  return b === undefined || a === b;
}

/** A column as spreadsheet programs mostly write it (`<col min="2" max="2" width="28.83" customWidth="1"/>`): groups min, max, width. */
const PLAIN_COL = /<col min="([1-9][0-9]{0,4})" max="([1-9][0-9]{0,4})" width="([0-9]{1,3}(?:\.[0-9]{1,17})?)"(?: customWidth="1")?\/>/y;

/** The columns written plainly (xml.ts `plain`), read as readCol reads them, until one is not. */
function plainCols(x: XmlReader, cols: ColLook[]): void {
  for (let m = x.plain(PLAIN_COL); m !== null; m = x.plain(PLAIN_COL)) {
    const given: Readonly<Record<string, string | undefined>> = { min: m[1], max: m[2], width: m[3] };
    cols.push(colLook((name) => given[name]));
  }
}

function readCol(x: XmlReader): ColLook {
  return colLook((name) => x.attr(name));
}

/** A column's look from its attributes, however they were read (`attr` gives undefined for one it lacks). */
function colLook(attr: (name: string) => string | undefined): ColLook {
  const min = integerAttr(attr('min'));
  const max = integerAttr(attr('max'));
  const width = attr('width');
  if (min === undefined || max === undefined || min < 1 || max < min || max > MAX_COLS) throw corrupt('列设置无效');
  return {
    min: min - 1, max: max - 1,
    hidden: isOn(attr('hidden')),
    width: width === undefined ? undefined : numberAttr(width) ?? 0,
    style: integerAttr(attr('style')) ?? -1,
    outlined: (integerAttr(attr('outlineLevel')) ?? 0) > 0,
    collapsed: isOn(attr('collapsed')),
  };
}

const MAX_COLS = 16_384;
const MAX_ROWS = 1_048_576;

/** Reads `<sheetData>` (the reader is on its start tag) into rows; strict about order and shape. */
function readSheetData(
  x: XmlReader, ref: SheetRef, strings: SharedStrings, styles: Styles, limits: ReaderLimits,
  out: SheetCells, rowLooks: (RowLook | undefined)[],
): void {
  const sheetName = ref.name;
  const bad = (why: string) => corrupt(`工作表「${sheetName}」${why}`);
  // Depths: worksheet 1, sheetData 2, row 3, c 4, v/f/is 5, is/t and is/r 6, is/r/t 7.
  let row = -1;
  let col = -1;
  let cells: (FoundCell | undefined)[] | null = null;
  let cell: CellDraft | null = null;
  /** What the text being read belongs to: 'v', 'f', 't' (inline string), 'rPh', or ''. */
  let reading = '';
  let readingDepth = 0;
  /** A `<c>` begins: where it stands (its `r`, if any), and its style and type. */
  const startCell = (r: string | undefined, s: string | undefined, type: string | undefined, richValue: boolean): CellDraft => {
    let c = col + 1;
    if (r !== undefined) {
      const at = parseCellRef(r);
      if (!at || at.row !== row) throw bad(`的单元格位置 ${r} 无效`);
      c = at.col;
    }
    if (c <= col || c >= MAX_COLS) throw bad(`的单元格顺序错乱(${r ?? encodeCell(row, c)})`);
    col = c;
    const style = s === undefined ? -1 : integerAttr(s);
    if (style === undefined || (style > 0 && style >= styles.cellXfs.length)) throw bad(`的单元格 ${encodeCell(row, c)} 的样式编号无效`);
    return { style, type: type ?? 'n', formula: false, formulaText: '', formulaKind: undefined, richValue, v: null, inline: null, phonetic: false, runFonts: null, parts: 0 };
  };
  /** A plain cell's match (PLAIN_CELL's groups), stored as `next()` would have read it. */
  const plainCell = (m: RegExpExecArray) => {
    const d = startCell(m[1], m[2], m[3], false);
    if (m[4] !== undefined) {
      d.parts = 1;
      if (m[4] !== '') d.v = plainText(m[4]);
    }
    storeCell(d, row, col, sheetName, strings, limits, out, cells!);
  };
  /** The row's cells written plainly (xml.ts `plain`), read as `next()` would read them, until one is not. */
  const plainCells = () => {
    for (let m = x.plain(PLAIN_CELL); m !== null; m = x.plain(PLAIN_CELL)) plainCell(m);
  };
  /** A row begins: its number (`r`, or the one after the last), its cells to come. */
  const startRow = (r: string | undefined) => {
    const next = r === undefined ? row + 2 : integerAttr(r);
    if (next === undefined || next < 1 || next > MAX_ROWS) throw bad(`的行号 ${r ?? ''} 无效`);
    if (next - 1 <= row) throw bad(`的行顺序错乱(第 ${next} 行)`);
    row = next - 1;
    col = -1;
    cells = [];
  };
  /** Whole rows written plainly, each with its plain cells (PLAIN_ROW), until one is not. */
  const plainRows = () => {
    for (let m = x.plain(PLAIN_ROW); m !== null; m = x.plain(PLAIN_ROW)) {
      startRow(m[1]);
      // The row's own text holds nothing but plain cells, one after another.
      PLAIN_CELL.lastIndex = 0;
      for (let c = PLAIN_CELL.exec(m[2]!); c !== null; c = PLAIN_CELL.exec(m[2]!)) plainCell(c);
      cells = null;
    }
  };
  plainRows();
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    const depth = x.depth;
    if (t === XML_TEXT) {
      if (reading === 'v') cell!.v = (cell!.v ?? '') + x.text;
      else if (reading === 'f') cell!.formulaText += x.text;
      else if (reading === 't') cell!.inline = (cell!.inline ?? '') + x.text;
      else if (reading === 'rPh') cell!.phonetic ||= x.text.trim() !== '';
      else if (depth <= 4 && x.text.trim() !== '') throw bad('的数据中有多余的文字');
      continue;
    }
    if (t === XML_END) {
      if (depth === 2) return; // </sheetData>
      if (reading !== '' && depth === readingDepth) {
        reading = '';
      } else if (depth === 4 && cell) {
        storeCell(cell, row, col, sheetName, strings, limits, out, cells!);
        cell = null;
        plainCells();
      } else if (depth === 3) {
        cells = null;
        plainRows();
      }
      continue;
    }
    const local = x.local;
    if (depth === 3) {
      if (local !== 'row') throw bad(`的数据中有不认识的元素 ${x.name}`);
      startRow(x.attr('r'));
      const look = readRowLook(x);
      if (look) rowLooks[row] = look;
      plainCells();
      continue;
    }
    if (depth === 4) {
      if (local === 'extLst') continue;
      if (local !== 'c') throw bad(`的行中有不认识的元素 ${x.name}`);
      cell = startCell(x.attr('r'), x.attr('s'), x.attr('t'), x.attr('vm') !== undefined);
      continue;
    }
    if (!cell) continue; // inside a row's extLst
    // Nothing goes inside a value, a formula or a text: `<v>16<x/>32</v>` reads differently in every program.
    if (reading !== '' && reading !== 'rPh') throw bad(`的单元格 ${encodeCell(row, col)} 中有多余的元素 ${x.name}`);
    if (depth === 5) {
      const bit = local === 'v' ? 1 : local === 'f' ? 2 : local === 'is' ? 4 : 0;
      if (bit !== 0) {
        // Two values in one cell (`<v>16</v><v>32</v>`): one program shows the first, another the last.
        if ((cell.parts & bit) !== 0) throw bad(`的单元格 ${encodeCell(row, col)} 有两个 <${local}>`);
        cell.parts |= bit;
      }
      if (local === 'v' || local === 'f') {
        if (local === 'f') {
          cell.formula = true;
          cell.formulaKind = x.attr('t');
        }
        reading = local;
        readingDepth = depth;
      } else if (local !== 'is' && local !== 'extLst') {
        throw bad(`的单元格 ${encodeCell(row, col)} 中有不认识的元素 ${x.name}`);
      }
      continue;
    }
    if (reading === '' && (local === 't' || local === 'rPh')) {
      reading = local;
      readingDepth = depth;
    } else if (reading === '' && local === 'rPr' && depth === 7) {
      (cell.runFonts ??= []).push(readFont(x));
    }
  }
}

/**
 * A cell as spreadsheet programs mostly write it (`<c r="B2" s="3" t="s"><v>17</v></c>`, `<c r="C2" s="1"/>`):
 * read in one match (xml.ts `plain`). Groups: r, s, t, and the value's text when there is a `<v>`.
 */
const PLAIN_CELL_TEXT = '<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?(?:\\/>|><\\/c>|><v>([^<\\r]*)<\\/v><\\/c>)';
const PLAIN_CELL = new RegExp(PLAIN_CELL_TEXT, 'y');
/**
 * A row with no attribute but its number, holding up to 64 plain cells and nothing else: one match. Each cell
 * begins with its own `<c r="`, so the match cannot go back and forth over the row (linear, and bounded).
 */
const PLAIN_ROW = new RegExp(`<row r="([1-9][0-9]{0,6})">((?:${PLAIN_CELL_TEXT.replace(/\((?!\?)/g, '(?:')}){0,64})<\\/row>`, 'y');

function readRowLook(x: XmlReader): RowLook | undefined {
  const hidden = isOn(x.attr('hidden'));
  const ht = x.attr('ht');
  const s = x.attr('s');
  const outlined = (integerAttr(x.attr('outlineLevel')) ?? 0) > 0;
  const collapsed = isOn(x.attr('collapsed'));
  const styled = s !== undefined && isOn(x.attr('customFormat'));
  if (!hidden && ht === undefined && !styled && !outlined && !collapsed) return undefined;
  return { hidden, height: ht === undefined ? undefined : numberAttr(ht) ?? 0, style: styled ? integerAttr(s) ?? -1 : -1, outlined, collapsed };
}

const EMPTY_TEXT = '';

interface SheetCells {
  readonly rows: (FoundCell | undefined)[][];
  readonly columns: number[][];
}

function badCell(sheetName: string, row: number, col: number, why: string): WorkbookError {
  return corrupt(`工作表「${sheetName}」的单元格 ${encodeCell(row, col)} ${why}`);
}

function storeCell(
  d: CellDraft, row: number, col: number, sheetName: string, strings: SharedStrings,
  limits: ReaderLimits, out: SheetCells, cells: (FoundCell | undefined)[],
): void {
  let kind: FoundCell['kind'] = 'value';
  let value: CellValue = null;
  let sharedString = -1;
  if (d.inline !== null && d.type !== 'inlineStr') throw badCell(sheetName, row, col, '的内容与类型不符');
  switch (d.type) {
    case 'n':
      if (d.v !== null && d.v !== EMPTY_TEXT) {
        value = strictNumber(d.v);
        if (value === null) throw badCell(sheetName, row, col, `的数值「${d.v.slice(0, 20)}」无效`);
      }
      break;
    case 's': {
      if (d.v === null) break;
      const i = integerAttr(d.v.trim());
      if (i === undefined || i >= strings.texts.length) throw badCell(sheetName, row, col, '引用的文字不存在');
      value = strings.texts[i]!;
      sharedString = i;
      break;
    }
    case 'str':
      if (d.v !== null) value = decodeXString(d.v);
      break;
    case 'inlineStr':
      if (d.v !== null) throw badCell(sheetName, row, col, '的内容与类型不符');
      if (d.inline !== null) value = decodeXString(d.inline);
      break;
    case 'b':
      if (d.v === null) break;
      if (d.v === '1' || d.v === 'true') value = true;
      else if (d.v === '0' || d.v === 'false') value = false;
      else throw badCell(sheetName, row, col, `的逻辑值「${d.v.slice(0, 20)}」无效`);
      break;
    case 'e':
      if (d.v !== null) {
        kind = 'error';
        value = d.v;
      }
      break;
    case 'd':
      // A date cell shows a date: never what a package signs (dates are text), so it equals nothing.
      if (d.v !== null) {
        kind = 'error';
        value = d.v;
      }
      break;
    default:
      throw badCell(sheetName, row, col, `的类型「${d.type}」无效`);
  }
  // LibreOffice saves every boolean as the formula TRUE() or FALSE(): a constant, shown as its value.
  const formula = d.formula && !(typeof value === 'boolean' && d.formulaKind === undefined && d.formulaText.trim().toUpperCase() === (value ? 'TRUE()' : 'FALSE()'));
  if (value === null && !formula && !d.richValue) return;
  if (typeof value === 'string' && value.length > limits.maxCellChars) {
    throw new WorkbookError('E_TOO_LARGE', `表「${sheetName}」${encodeCell(row, col)} 的文字过长(${value.length} 字,上限 ${limits.maxCellChars} 字)`);
  }
  if (row >= limits.maxRows && ((value !== null && value !== '') || formula)) {
    throw new WorkbookError('E_TOO_LARGE', `表「${sheetName}」行数过多(上限 ${limits.maxRows} 行)`);
  }
  if (row >= limits.maxRows) return;
  if (out.rows[row] !== cells) {
    out.rows[row] = cells;
    out.columns[row] = [];
  }
  out.columns[row]!.push(col);
  cells[col] = {
    kind, value, style: d.style, formula, richValue: d.richValue, sharedString,
    phonetic: d.phonetic || (sharedString >= 0 && strings.phonetic.has(sharedString)),
    runFonts: d.runFonts,
  };
}

/**
 * xsd:double as spreadsheet programs write it: an optional sign, digits with an optional fraction
 * and exponent. Number() alone would also take `0x78`, `Infinity` or spaces, which Excel and
 * LibreOffice read differently (as 0, or not at all).
 */
function strictNumber(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 400) return null;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= 0x30 && c <= 0x39) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 0x2e) {
    c = s.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return null;
  if (c === 0x65 || c === 0x45) {
    c = s.charCodeAt(++i);
    if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
    let exp = 0;
    while (c >= 0x30 && c <= 0x39) {
      exp++;
      c = s.charCodeAt(++i);
    }
    if (exp === 0) return null;
  }
  if (i !== n) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * A non-negative integer as xsd:unsignedInt reads it, or undefined: surrounding spaces and a `+` are
 * allowed there, and LibreOffice applies `numFmtId=" 200"` as format 200, so this reader must too.
 */
function integerAttr(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let s = raw.trim();
  if (s.charCodeAt(0) === 0x2b) s = s.slice(1);
  if (s.length === 0 || s.length > 9) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(s);
}

/** A number attribute, or undefined when it is not one. */
function numberAttr(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  return strictNumber(s.trim()) ?? undefined;
}

/**
 * xsd:boolean flags, read the cautious way for what they do: a flag that hides something counts as
 * set unless it plainly says false, a flag that shows something counts as off unless plainly true.
 */
function isOn(v: string | undefined): boolean {
  return v !== undefined && v !== '0' && v !== 'false';
}

function isOff(v: string | undefined): boolean {
  return v !== undefined && v !== '1' && v !== 'true';
}

/** Column letters for a 0-based index (0 → A, 26 → AA). */
export function colName(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function encodeCell(r: number, c: number): string {
  return `${colName(c)}${r + 1}`;
}

/** `E2` → { row: 1, col: 4 }; undefined when it is not a plain A1 reference inside the sheet. */
export function parseCellRef(s: string): { row: number; col: number } | undefined {
  let i = 0;
  let col = 0;
  let c = s.charCodeAt(0);
  while (c >= 0x41 && c <= 0x5a && i < 3) {
    col = col * 26 + (c - 0x40);
    c = s.charCodeAt(++i);
  }
  if (i === 0 || col > MAX_COLS) return undefined;
  const digits = s.slice(i);
  // Digits only: the lenience of integerAttr (spaces, `+`) is not what a cell reference allows.
  const row = /^[1-9]\d{0,6}$/.test(digits) ? Number(digits) : undefined;
  if (row === undefined || row > MAX_ROWS) return undefined;
  return { row: row - 1, col: col - 1 };
}

/** The first cell of a reference list (`B2:C3 E5` → `B2`), as written; A1 when there is none. */
function firstCellOf(sqref: string): string {
  const first = sqref.trim().split(/[\s:]/, 1)[0] ?? '';
  const at = parseCellRef(first.replace(/\$/g, ''));
  return at ? encodeCell(at.row, at.col) : 'A1';
}

/**
 * What a header/footer prints that a person could read as part of the report: a picture, or text of its
 * own beyond page numbering. Its `&` codes (alignment, page number and count, sheet and file name, date,
 * fonts, colours) print no text the file chose; `&&` is a literal `&`. Page-numbering words around them
 * (第 &P 页,共 &N 页; Page &P of &N: what Excel and WPS offer, and what a clerk adds before printing) say
 * nothing about the figures. Null when it prints nothing else.
 */
function headerFooterProblem(s: string): string | null {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x26) {
      text += s.charAt(i);
      continue;
    }
    const code = s.charAt(i + 1);
    i++;
    if (code === 'G') return '页眉或页脚中有图片';
    if (code === '&') text += '&';
    else if (code === '"') {
      const end = s.indexOf('"', i + 1);
      i = end < 0 ? s.length : end;
    } else if (code === 'K') {
      // A colour: six hex digits (&KFF0000), or a theme colour and its tint (&K01+000); anything else after
      // &K is printed as text (&KFF已作废 prints "FF已作废").
      const colour = s.slice(i + 1, i + 7);
      if (/^(?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})$/.test(colour)) i += 6;
    } else if (code >= '0' && code <= '9') {
      while (s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '9') i++;
    }
  }
  if (PAGE_NUMBERING.test(text.replace(/\b(?:page|of)\b/gi, ''))) return null;
  const shown = text.trim().replace(/\s+/g, ' ');
  return `页眉或页脚中有文字「${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}」`;
}

/** What may stand around page numbers in a header or footer: 第、页、共、之, separators and spaces. */
const PAGE_NUMBERING = /^[\s第页共之/|\-–—,,.。::、()()]*$/;

/** Where an object part (comments, drawing) sits on its sheet, as near as it says; A1 otherwise. */
function anchorOf(parts: Parts, part: string): string {
  let text: string | undefined;
  try {
    text = partText(parts, part);
  } catch {
    return 'A1';
  }
  if (text === undefined) return 'A1';
  try {
    const x = new XmlReader(text);
    let want = '';
    let row: number | undefined;
    let col: number | undefined;
    for (let t = x.next(); t !== XML_EOF; t = x.next()) {
      if (t === XML_START) {
        const ref = x.attr('ref');
        if ((x.local === 'comment' || x.local === 'threadedComment') && ref !== undefined) return firstCellOf(ref);
        want = x.local === 'col' || x.local === 'Column' ? 'col' : x.local === 'row' || x.local === 'Row' ? 'row' : '';
      } else if (t === XML_TEXT && want !== '') {
        const n = integerAttr(x.text.trim());
        if (want === 'col') col = n;
        else row = n;
        if (row !== undefined && col !== undefined) return encodeCell(Math.min(row, MAX_ROWS - 1), Math.min(col, MAX_COLS - 1));
      } else {
        want = '';
      }
    }
  } catch {
    // VML is often not well-formed XML; the object is refused all the same.
  }
  return 'A1';
}

// ---------------------------------------------------------------------------------------------
// Cell values for readers of other workbooks (the 责任分解表): what a cell holds and how it is shown

/** How a number is shown: as itself, as a percentage (0.95 shows 95%), or as a date (a day serial). */
export type ShownAs = 'plain' | 'percent' | 'date';

/** One cell as a person sees it: its value (a formula's last result), an error text, and how it is shown. */
export interface ShownCell {
  readonly value: CellValue;
  /** #N/A, #DIV/0! …: `value` is the error's text. */
  readonly error: boolean;
  readonly shownAs: ShownAs;
}

export interface SheetValues {
  readonly name: string;
  readonly state: SheetState;
  /**
   * Dense rows (0-based) of dense cells; holes are empty cells. Every cell of a merged range holds its
   * top-left cell, as a person reads a merged 计量单位 or 牵头单位 as said of each row it spans.
   */
  readonly rows: readonly (readonly (ShownCell | undefined)[] | undefined)[];
  readonly merges: readonly CellRange[];
  /** Rows (0-based, of `rows`) a person does not see: hidden, or of no height. */
  readonly hiddenRows: ReadonlySet<number>;
  /** Columns (0-based, up to the widest row) a person does not see: hidden, or of no width. */
  readonly hiddenColumns: ReadonlySet<number>;
}

/**
 * Built-in number formats that show a percentage or a date (ECMA-376 §18.8.30). 27–36 and 50–58 are the
 * East Asian built-ins: in a Chinese Excel or WPS they are the 年月日 and 时分 formats (31 is
 * yyyy"年"m"月"d"日"), and a file saved there names them only by id.
 */
const BUILTIN_PERCENT = new Set([9, 10]);
const BUILTIN_DATE = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function shownAs(styles: Styles, style: number): ShownAs {
  const id = style >= 0 ? styles.cellXfs[style]?.numFmt ?? 0 : 0;
  if (BUILTIN_PERCENT.has(id)) return 'percent';
  if (BUILTIN_DATE.has(id)) return 'date';
  const code = styles.numFmts.get(id);
  if (code === undefined) return 'plain';
  // Literal text ("…", \x) and bracketed parts ([Red], [$-804]) say nothing about what the number is.
  const bare = code.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
  if (bare.includes('%')) return 'percent';
  return /[ymdhs]/i.test(bare) && !/^general$/i.test(bare.trim()) ? 'date' : 'plain';
}

/**
 * Every sheet's cells as values, with how each number is shown: for reading a workbook a person filled
 * in (not a package: nothing here is verified), from `readWorkbookFile`'s bounded parse.
 * @example sheetValues(readWorkbookFile(bytes))[0].rows[3]?.[6]?.value // G4
 */
export function sheetValues(wb: ParsedWorkbook): SheetValues[] {
  return wb.sheets.map((s) => {
    const rows = s.rows.map((row) => row?.map((c): ShownCell | undefined => c === undefined ? undefined : {
      value: c.value, error: c.kind === 'error', shownAs: typeof c.value === 'number' ? shownAs(wb.styles, c.style) : 'plain',
    }));
    spreadMerges(rows, s.merges);
    const hiddenRows = new Set<number>();
    for (let r = 0; r < rows.length; r++) {
      const look = s.rowLooks[r];
      const height = look?.height ?? (s.rowsHiddenByDefault ? 0 : undefined);
      if (look?.hidden || (height !== undefined && !(height > 0))) hiddenRows.add(r);
    }
    const hiddenColumns = new Set<number>();
    const width = rows.reduce((w, row) => Math.max(w, row?.length ?? 0), 0);
    for (const col of s.cols) {
      if (!col.hidden && (col.width === undefined || col.width > 0)) continue;
      for (let c = col.min; c <= Math.min(col.max, width - 1); c++) hiddenColumns.add(c);
    }
    return { name: s.name, state: s.state, rows, merges: s.merges, hiddenRows, hiddenColumns };
  });
}

/** Cells a sheet's merges may fill in all: a merge of A1:XFD1048576 is not worth a billion cells. */
const MERGE_FILL_LIMIT = 1_000_000;

/**
 * Each merged range's top-left cell copied to the others. A cell the merge covers shows nothing of its own
 * (programs keep but hide it), so it is not read; the fill stops at the sheet's last row and widest row.
 */
function spreadMerges(rows: ((ShownCell | undefined)[] | undefined)[], merges: readonly CellRange[]): void {
  const width = rows.reduce((w, row) => Math.max(w, row?.length ?? 0), 0);
  let budget = MERGE_FILL_LIMIT;
  for (const m of merges) {
    const shown = rows[m.top]?.[m.left];
    for (let r = m.top; r <= Math.min(m.bottom, rows.length - 1); r++) {
      for (let c = m.left; c <= Math.min(m.right, width - 1); c++) {
        if (r === m.top && c === m.left) continue;
        if (--budget < 0) return;
        const row = rows[r] ?? (rows[r] = []);
        if (shown !== undefined || c < row.length) row[c] = shown;
      }
    }
  }
}
