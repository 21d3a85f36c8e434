/**
 * How a cell of a package workbook reads on screen and on paper: what, besides its stored value,
 * could make a person read something else there (docs/package-format.md §7 g). The verifier asks
 * this for every cell whose value matches what was signed, and refuses the package if anything does.
 *
 * The style rules are the ones that change reading, not taste: a number format other than General
 * (and "@" on text, and a fixed 0.00 or #,##0 that shows the number as it is), text the colour of its
 * background, too small to read or in a symbol font, the "fill" alignment that repeats the text, an
 * indent that pushes it out of its cell, a line through it (a figure crossed out reads as withdrawn).
 * Borders, bold, italics, underlines and other fonts are left alone.
 *
 * @example
 *   const why = cellProblem(wb, sheet, 1, 4, cell); // '使用了数字格式「"999"」' or null
 */
import { colName } from './xlsx-reader';
import type { Color, Font, FoundCell, ParsedSheet, ParsedWorkbook, Styles, Xf } from './xlsx-reader';

/** Text below this contrast with its background (WCAG ratio; white on white is 1; WCAG asks 3 of large text) is hard to read. */
const MIN_CONTRAST = 3;
/** Points: smaller text is a smudge. Spreadsheet defaults are 10–12. */
const MIN_FONT_POINTS = 6;
/** Points: the most Excel allows; a size that is not a number up to this is laid out differently by each program. */
const MAX_FONT_POINTS = 409;
/** Points: a lower row clips its text (defaults are 12.8–15). */
const MIN_ROW_POINTS = 8;
/** Characters: a narrower column shows no digit. */
const MIN_COL_CHARS = 1;
/** Indent levels (about three characters each): more pushes a short value out of a narrow cell. */
const MAX_INDENT = 3;
/**
 * Fonts whose glyphs are pictures, not the digits and letters stored: 120 reads as three symbols. The
 * Windows, Mac and Linux ones, under their names and their common aliases.
 */
const SYMBOL_FONTS = /^(wingdings( [23])?|webdings|symbol|marlett|mt extra|(itc )?zapf ?dingbats( itc)?|dingbats|d050000l|opensymbol|bookshelf symbol \d*|segoe mdl2 assets|segoe fluent icons|holomdl2 assets|ms reference specialty|ms outlook|wingdings\d?)$/i;

const BLACK = 0x000000;
const WHITE = 0xffffff;

/** What makes the cell at r, c read otherwise than its value, or null. */
export function cellProblem(wb: ParsedWorkbook, sheet: ParsedSheet, r: number, c: number, cell: FoundCell): string | null {
  if (cell.formula) return '含有公式';
  if (cell.richValue) return '显示的是嵌入的图片或数据类型';
  const value = cell.value;
  if (value === null || value === '') return null;
  if (cell.phonetic) return '带有拼音指南文字';

  const row = sheet.rowLooks[r];
  if (row?.hidden) return `所在的第 ${r + 1} 行被隐藏`;
  if (sheet.rowsHiddenByDefault) return '所在工作表的行默认隐藏';
  const height = row?.height ?? sheet.defaultRowHeight;
  if (height !== undefined && !(height >= MIN_ROW_POINTS)) return `所在的第 ${r + 1} 行高度为 ${height},看不见`;
  const col = sheet.cols.find((x) => x.min <= c && c <= x.max);
  if (col?.hidden) return `所在的 ${colName(c)} 列被隐藏`;
  const width = col?.width ?? sheet.defaultColWidth;
  if (width !== undefined && !(width >= MIN_COL_CHARS)) return `所在的 ${colName(c)} 列宽度为 ${width},看不见`;
  const styles = cell.style >= 0 ? [cell.style] : [0, row?.style ?? -1, col?.style ?? -1].filter((i) => i >= 0);
  const fit = typeof value === 'number' ? fitOf(wb, styles, width ?? DEFAULT_COL_WIDTH) : null;
  if (typeof fit === 'string') return fit;
  if ((row?.outlined || col?.outlined) && outlineCollapsed(sheet)) return '所在的行或列被分级折叠';
  if (value === 0 && !sheet.showZeros) return '所在工作表设置为不显示零值';

  // A cell without its own style may show its row's or column's (LibreOffice does): check them too.
  const runs = cell.sharedString >= 0 ? wb.strings.runFonts.get(cell.sharedString) : cell.runFonts ?? undefined;
  for (const i of styles) {
    const why = styleProblem(wb, i, value, fit, runs);
    if (why) return why;
  }
  // General rounds decimals to fit the column, and shows ### where the whole part does not fit.
  if (fit && typeof value === 'number' && !fit.fitsGeneral(value)) return `所在的 ${colName(c)} 列宽度为 ${width ?? `${DEFAULT_COL_WIDTH}(默认)`},数字显示为 ### 或少了小数`;
  return null;
}

/**
 * Characters of column width a number needs beyond its characters: LibreOffice 7.4, default font Calibri 12,
 * shows 1632 from width 4.3 (### at 4.2), 10.45 from 4.9, 9999.5 from 5.9; at 24 pt 1632 from 8.5, at 48 pt
 * from 16.5 (### at 16.0); indent 1/2/3 right-aligned: 1632 from 6.0/7.0/8.5. So 0.3–0.5 over the digits,
 * and about 1.3 characters an indent level: 0.75 and 2 a level leave a margin for the reader.
 */
const NUMBER_PADDING = 0.75;
/**
 * Characters: a column without a width (no `<col>`, no `defaultColWidth`) is Excel's default, 8.43;
 * LibreOffice shows 12345678 in it in full, 123456789 as 1.23E+08 and 1234567.891 as 1234568.
 */
export const DEFAULT_COL_WIDTH = 8.43;
const INDENT_CHARS = 2;
/** Points: a workbook's default font when it gives none (Excel's Calibri 11). */
const DEFAULT_FONT_POINTS = 11;

/** Whether so many characters of a number show in full in the cell, as its font and indent draw them. */
interface Fit {
  readonly width: number;
  readonly fits: (chars: number) => boolean;
  readonly fitsGeneral: (value: number) => boolean;
}

/**
 * How a cell in this column draws a number: its width in characters of the workbook's default font (font 0),
 * the cell's font size over that one (a larger font widens the digits) and its indent. A problem when the
 * default font size is not a number, or null when the column gives no width.
 */
function fitOf(wb: ParsedWorkbook, styles: readonly number[], width: number): Fit | string {
  const base = wb.styles.fonts[0]?.size ?? DEFAULT_FONT_POINTS;
  if (!(Number.isFinite(base) && base > 0)) return '工作簿的默认字号无效,各程序显示不同';
  let scale = 1;
  let indent = 0;
  for (const i of styles) {
    for (const x of xfChain(wb.styles, i)) {
      const size = wb.styles.fonts[x.font]?.size ?? base;
      if (Number.isFinite(size) && size / base > scale) scale = size / base;
      if (x.indent > indent) indent = x.indent;
    }
  }
  return {
    width,
    fits: (chars) => numberWidth(chars, scale, indent) <= width,
    fitsGeneral: (value) => generalWidth(value, scale, indent) <= width,
  };
}

/** Column width (characters of the default font) a number of `chars` characters needs, in a font `scale` times the default, indented. */
export function numberWidth(chars: number, scale = 1, indent = 0): number {
  return chars * scale + indent * INDENT_CHARS + NUMBER_PADDING;
}

/**
 * Column width a number needs as General shows it in full: its shortest spelling, up to the 11 characters
 * General shows at most, as numberWidth. A longer one (0.1 + 0.2, 1e11 and up) shows rounded or in
 * scientific notation in any column: only its whole part must fit (wholeDigits, no padding), as before.
 */
export function generalWidth(v: number, scale = 1, indent = 0): number {
  const text = String(v);
  if (text.length <= 11 && !text.includes('e')) return numberWidth(text.length, scale, indent);
  return wholeDigits(v) * scale + indent * INDENT_CHARS;
}

/** What cell format `i` makes of this value: its number format, then its look and its rich-text runs'. */
function styleProblem(wb: ParsedWorkbook, i: number, value: FoundCell['value'], fit: Fit | null, runs: readonly Font[] | undefined): string | null {
  return shownAs(xfProblem(wb, i, typeof value === 'string'), value, fit) ?? (runs ? runProblem(wb, i, runs) : null);
}

/**
 * A format that shows a number with a fixed count of decimals, grouped by thousands or not (0.00, #,##0):
 * what a clerk applies to make a report tidy. It changes how a number reads only when it rounds it, or
 * makes it too wide for its column (###); on text it changes nothing.
 */
interface FixedFormat {
  readonly code: string;
  readonly decimals: number;
  readonly grouped: boolean;
}

/** Either of a chain's formats may be the one shown: judged by the one that rounds more, as wide as the wider. */
function stricter(a: FixedFormat | null, b: FixedFormat): FixedFormat {
  if (!a) return b;
  const fewer = a.decimals <= b.decimals ? a : b;
  return { ...fewer, grouped: a.grouped || b.grouped };
}

/** A verdict on a cell format: a problem, none, or a fixed format whose verdict depends on the number shown. */
type Verdict = string | FixedFormat | null;

function shownAs(verdict: Verdict, value: FoundCell['value'], fit: Fit | null): string | null {
  if (verdict === null || typeof verdict === 'string') return verdict;
  if (typeof value !== 'number') return null;
  // As the summary workbook sizes its columns for #,##0.00 (summaries/reports.ts valueText).
  const shown = Math.abs(value) < 1e15
    ? value.toLocaleString('en-US', { minimumFractionDigits: verdict.decimals, maximumFractionDigits: verdict.decimals, useGrouping: verdict.grouped })
    : null;
  // Equal as the re-save tolerance compares numbers: to 15 significant digits.
  if (shown === null || Number(Number(shown.replace(/,/g, '')).toPrecision(15)) !== Number(value.toPrecision(15))) {
    return `使用了数字格式「${verdict.code}」,显示为 ${shown ?? '科学计数或 ###'},与原值不同`;
  }
  if (fit && !fit.fits(shown.length)) return `使用了数字格式「${verdict.code}」,在宽度为 ${fit.width} 的列中显示为 ###`;
  return null;
}

/** Verdicts per workbook, by xf index and whether the value is text: a package has a few styles, and many cells. */
const xfMemo = new WeakMap<ParsedWorkbook, Map<number, Verdict>>();

function xfProblem(wb: ParsedWorkbook, i: number, isText: boolean): Verdict {
  let memo = xfMemo.get(wb);
  if (!memo) xfMemo.set(wb, (memo = new Map()));
  const key = i * 2 + (isText ? 1 : 0);
  let why = memo.get(key);
  if (why === undefined) {
    why = xfProblemOf(wb, i, isText);
    memo.set(key, why);
  }
  return why;
}

function xfProblemOf(wb: ParsedWorkbook, i: number, isText: boolean): Verdict {
  const xfs = xfChain(wb.styles, i);
  let fixed: FixedFormat | null = null;
  for (const x of xfs) {
    const format = formatProblem(wb.styles, x.numFmt, isText);
    if (typeof format === 'string') return format;
    if (format) fixed = stricter(fixed, format);
    if (x.fillAlign) return '设置了“填充”对齐,文字被重复显示';
    if (!(x.indent <= MAX_INDENT)) return `缩进 ${x.indent} 级,文字可能被挤出单元格`;
    if (x.shrink) return '设置了“缩小字体填充”,文字可能小得看不清';
    if (x.rotated) return '文字被旋转或竖排,可能被行高截去';
  }
  return lookProblem(wb, xfs, xfs.map((x) => wb.styles.fonts[x.font])) ?? fixed;
}

/** The cell format and the cell style it derives from: which one a program applies varies. */
function xfChain(styles: Styles, i: number): Xf[] {
  const xf = styles.cellXfs[i];
  if (!xf) return []; // only xf 0 of a workbook without styles: General
  const parent = xf.parent >= 0 ? styles.styleXfs[xf.parent] : undefined;
  return parent ? [xf, parent] : [xf];
}

/** The runs of a rich-text string have fonts of their own. */
function runProblem(wb: ParsedWorkbook, i: number, runs: readonly Font[]): string | null {
  return lookProblem(wb, xfChain(wb.styles, i), runs);
}

/**
 * Anything but General, "@" (text) on text, and a fixed format (0.00, #,##0: judged by the number it
 * shows, and nothing to text): a format is how `"999"` shows for 240.
 */
function formatProblem(styles: Styles, id: number, isText: boolean): Verdict {
  const code = styles.numFmts.get(id) ?? BUILTIN_FORMATS.get(id);
  if (code === undefined) return `使用了内置数字格式 ${id}`;
  if (code.trim().toLowerCase() === 'general') return null;
  if (code === '@' && isText) return null;
  const fixed = FIXED_FORMAT.exec(code);
  if (fixed) return isText ? null : { code, decimals: fixed[2]?.length ?? 0, grouped: fixed[1] === '#,##0' };
  return `使用了数字格式「${code.length > 30 ? `${code.slice(0, 30)}…` : code}」`;
}

/** The built-in formats a clerk's program writes by number: General, text and the fixed ones (ECMA-376 §18.8.30). */
const BUILTIN_FORMATS: ReadonlyMap<number, string> = new Map([[0, 'General'], [1, '0'], [2, '0.00'], [3, '#,##0'], [4, '#,##0.00'], [49, '@']]);

/** 0, 0.00, #,##0, #,##0.00 … up to 15 decimals, with the padding (`_ `, `_)`) WPS adds after them; one section only. */
const FIXED_FORMAT = /^(#,##0|0)(?:\.(0{1,15}))?(?:_[ )])?$/;

/** Text too small, or of its background's colour. */
function lookProblem(wb: ParsedWorkbook, xfs: readonly Xf[], fonts: readonly (Font | undefined)[]): string | null {
  for (const x of xfs) if (wb.styles.fills[x.fill]?.gradient) return '使用了渐变底色,各程序画出的颜色不同,文字可能看不清';
  const backgrounds = xfs.map((x) => {
    const fill = wb.styles.fills[x.fill];
    if (!fill?.colors) return [WHITE];
    const colors = fill.colors.map((col) => rgbOf(wb, col, BLACK));
    // A pattern of two colours reads as their mix, more of the foreground the denser it is.
    return colors.length === 2 ? [mix(colors[0]!, colors[1]!, fill.coverage)] : colors;
  });
  if (backgrounds.length === 0) backgrounds.push([WHITE]);
  for (const font of fonts) {
    if (!font) continue;
    if (font.size !== undefined && !(Number.isFinite(font.size) && font.size > 0 && font.size <= MAX_FONT_POINTS)) return '字号无效(不是 0 到 409 磅之间的数),各程序显示不同';
    if (font.size !== undefined && !(font.size >= MIN_FONT_POINTS)) return `字号过小(${font.size} 磅),看不清`;
    if (font.raised) return '文字被设为上标或下标,字号变小';
    if (font.struck) return '文字带删除线,读起来像已作废';
    if (font.name !== undefined && SYMBOL_FONTS.test(font.name.trim())) return `使用了符号字体「${font.name}」,显示的是符号而不是文字`;
    // Excel draws a scheme font in the theme's typeface of that kind, whatever `name` says.
    const themed = font.scheme ? wb.themeFonts[font.scheme].find((face) => SYMBOL_FONTS.test(face.trim())) : undefined;
    if (themed !== undefined) return `使用了主题字体,主题的${font.scheme === 'minor' ? '正文' : '标题'}字体是符号字体「${themed}」,显示的是符号而不是文字`;
    const text = rgbOf(wb, font.color, BLACK);
    // Unreadable against every colour its background is made of (a pattern has two).
    if (backgrounds.some((bg) => bg.every((b) => contrast(text, b) < MIN_CONTRAST))) return '文字颜色与底色相同或几乎相同,看不见';
  }
  return null;
}

const collapsedMemo = new WeakMap<ParsedSheet, boolean>();

function outlineCollapsed(sheet: ParsedSheet): boolean {
  let v = collapsedMemo.get(sheet);
  if (v === undefined) {
    v = sheet.rowLooks.some((l) => l?.collapsed) || sheet.cols.some((l) => l.collapsed);
    collapsedMemo.set(sheet, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Colours

/** Excel's default indexed palette (0–63); 64 is the system foreground, 65 the background. */
const DEFAULT_PALETTE: readonly number[] = [
  0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff,
  0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff,
  0x800000, 0x008000, 0x000080, 0x808000, 0x800080, 0x008080, 0xc0c0c0, 0x808080,
  0x9999ff, 0x993366, 0xffffcc, 0xccffff, 0x660066, 0xff8080, 0x0066cc, 0xccccff,
  0x000080, 0xff00ff, 0xffff00, 0x00ffff, 0x800080, 0x800000, 0x008080, 0x0000ff,
  0x00ccff, 0xccffff, 0xccffcc, 0xffff99, 0x99ccff, 0xff99cc, 0xcc99ff, 0xffcc99,
  0x3366ff, 0x33cccc, 0x99cc00, 0xffcc00, 0xff9900, 0xff6600, 0x666699, 0x969696,
  0x003366, 0x339966, 0x003300, 0x333300, 0x993300, 0x993366, 0x333399, 0x333333,
];

/** A colour as shown: theme and palette resolved, tint applied; `fallback` for automatic. */
function rgbOf(wb: ParsedWorkbook, color: Color | undefined, fallback: number): number {
  if (!color) return fallback;
  let rgb = fallback;
  if (color.rgb !== undefined) rgb = color.rgb;
  else if (color.theme !== undefined) rgb = wb.themeColors[color.theme] ?? fallback;
  else if (color.indexed !== undefined) {
    const i = color.indexed;
    rgb = i === 64 ? BLACK : i === 65 ? WHITE : (wb.styles.palette?.[i] ?? DEFAULT_PALETTE[i] ?? fallback);
  }
  return color.tint === 0 ? rgb : tinted(rgb, color.tint);
}

/** ECMA-376 §18.8.19: tint moves the HLS lightness towards black (< 0) or white (> 0). */
function tinted(rgb: number, tint: number): number {
  const r = ((rgb >> 16) & 255) / 255;
  const g = ((rgb >> 8) & 255) / 255;
  const b = (rgb & 255) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  let l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let h = 0;
  if (d !== 0) {
    if (max === r) h = ((g - b) / d) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h /= 6;
  }
  l = tint < 0 ? l * (1 + tint) : l * (1 - tint) + tint;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = ((h % 1) + 1) % 1 * 6;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r1, g1, b1] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  const to = (v: number) => Math.max(0, Math.min(255, Math.round((v + m) * 255)));
  return (to(r1) << 16) | (to(g1) << 8) | to(b1);
}

/** Digits of a number's whole part, with its sign: what General cannot shorten. */
function wholeDigits(v: number): number {
  const whole = Math.trunc(Math.abs(v));
  // Past 11 digits General switches to 1.2E+11, which takes about eight characters.
  const digits = whole >= 1e11 ? 8 : String(whole).length;
  return digits + (v < 0 ? 1 : 0);
}

/** Two colours mixed, `share` of the first. */
function mix(a: number, b: number, share: number): number {
  const ch = (shift: number) => Math.round(((a >> shift) & 255) * share + ((b >> shift) & 255) * (1 - share));
  return (ch(16) << 16) | (ch(8) << 8) | ch(0);
}

/** WCAG 2 contrast ratio, 1 (same colour) to 21 (black on white). */
function contrast(a: number, b: number): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(rgb: number): number {
  const ch = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch((rgb >> 16) & 255) + 0.7152 * ch((rgb >> 8) & 255) + 0.0722 * ch(rgb & 255);
}
