/**
 * How the office's own workbooks look (the summary workbook, the 责任分解表): fonts, header fill, borders,
 * row heights for wrapped text, A4 landscape print setup, and writing the file without ever leaving a
 * half-written one under its name. One place, so the tables an office prints all look alike.
 */
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type ExcelJS from 'exceljs';
import { LedgerError } from '../../shared/errors';
import { replaceFile } from './files';

export const BODY_FONT = '宋体';
export const TITLE_FONT = '黑体';
export const BODY_SIZE = 10;
export const HEADER_FILL = 'FFD9D9D9';
export const SECTION_FILL = 'FFF2F2F2';
const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF000000' } };
export const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
/** Excel's row height limit, in points. */
export const MAX_ROW_HEIGHT = 409;
const LINE_HEIGHT = 14;

// Characters XML 1.0 cannot carry (they would make the file unreadable) and unpaired surrogates.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Excel's limit on the characters of one cell. */
const MAX_CELL_CHARS = 32767;

/**
 * Text as it goes into a cell: always a plain string value (a shared string), never a formula,
 * even when it begins with = + - @; characters XML cannot carry are dropped.
 * @example cell.value = cellText('=1+1') // the text "=1+1", not a formula
 */
export function cellText(s: string): string {
  const clean = s.replace(XML_INVALID, '');
  return clean.length > MAX_CELL_CHARS ? `${clean.slice(0, MAX_CELL_CHARS - 6)}…（已截断）` : clean;
}

/** Display width of text in Excel column units: CJK characters are about two digits wide. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 1.92 : 1.0;
  return w;
}

/** Lines a text takes when wrapped in a column of the given width. */
export function linesIn(text: string, width: number): number {
  // A column of width w holds w digits plus a few pixels of padding; keep a little in hand.
  const usable = Math.max(1, width - 0.4);
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(textWidth(line) / usable)), 0);
}

const WORDS = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/** A line cut after its list punctuation (、，；), so a unit's name or a clause is one piece where it fits. */
const CLAUSE = /[^、，,；;。：:）)]*[、，,；;。：:）)]?/g;

/**
 * The words of a clause, a one-character word joined to its neighbour (市|退役军人 → 市退役军人,
 * 事务|局 → 事务局, 技工|大|省 → 技工大省): alone on a line it reads as a broken word.
 */
function words(clause: string): string[] {
  const out: string[] = [];
  let lead = '';
  for (const { segment } of WORDS.segment(clause)) {
    if ([...segment].length > 1 || /^[、，,；;。：:）)]$/.test(segment)) {
      out.push(lead + segment);
      lead = '';
    } else if (out.length === 0) {
      lead += segment;
    } else {
      out[out.length - 1] += segment;
    }
  }
  if (lead !== '') out.push(lead);
  return out;
}

/**
 * Text for a narrow column, broken into lines at word boundaries rather than wherever the column ends
 * (Excel and WPS break Chinese between any two characters: 技能培训工/程, 市退役军人事务/局). Each line is
 * kept a little narrower than the column, so the spreadsheet does not break it again; a word wider than
 * the column is broken between its characters.
 * @example wrapAtWords('实施技工大省技能培训工程', 17) // '实施技工大省技能\n培训工程'
 */
export function wrapAtWords(text: string, width: number): string {
  // As linesIn reckons a column's room, so both agree on where lines end.
  const usable = Math.max(2, width - 0.4);
  return text.split('\n').map((line) => {
    if (textWidth(line) <= usable) return line;
    const pieces: string[] = [];
    for (const clause of line.match(CLAUSE) ?? []) {
      if (clause === '') continue;
      if (textWidth(clause) <= usable) { pieces.push(clause); continue; }
      for (const word of words(clause)) {
        if (textWidth(word) <= usable) pieces.push(word);
        else pieces.push(...word);
      }
    }
    const lines: string[] = [];
    let current = '';
    for (const piece of pieces) {
      // Punctuation never starts a line.
      if (current !== '' && textWidth(current + piece) > usable && !/^[、，,；;。：:）)]/.test(piece)) {
        lines.push(current);
        current = piece;
      } else {
        current += piece;
      }
    }
    if (current !== '') lines.push(current);
    return lines.join('\n');
  }).join('\n');
}

/** Row height (points) for a number of wrapped lines, within Excel's limit. */
export function heightFor(lines: number): number {
  return Math.min(MAX_ROW_HEIGHT, Math.max(18, lines * LINE_HEIGHT + 4));
}

/** Column letters for a 1-based column (1 → A, 27 → AA). */
export function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A bold, shaded, bordered, centred header cell. */
export const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { name: BODY_FONT, size: BODY_SIZE, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  border: BORDER,
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } },
};

/** The merged title row of a table. */
export const TITLE_STYLE: Partial<ExcelJS.Style> = {
  font: { name: TITLE_FONT, size: 16, bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
};

/** A4 landscape margins, in inches, as every table of the office prints. */
export const A4_MARGINS = { left: 0.4, right: 0.4, top: 0.55, bottom: 0.6, header: 0.3, footer: 0.3 } as const;

/**
 * A sheet's print setup: A4 landscape fit to the page width, the first `titleRows` repeated on every
 * page, "sheet name  第 N 页，共 M 页" in the footer.
 */
export function a4Landscape(name: string, titleRows: number): Pick<Partial<ExcelJS.AddWorksheetOptions>, 'pageSetup' | 'headerFooter'> {
  return {
    pageSetup: {
      paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
      horizontalCentered: true, printTitlesRow: `1:${titleRows}`,
      margins: { ...A4_MARGINS },
    },
    headerFooter: { oddFooter: `&C${name}  第 &P 页，共 &N 页` },
  };
}

/**
 * Writes a workbook through a temporary file in the same folder, renamed into place only once it is
 * complete: a failure never leaves a half-written workbook behind. `what` names it in the message.
 * @example await writeWorkbookFile('D:/汇总/2019年6月.xlsx', bytes, '汇总表')
 */
export async function writeWorkbookFile(out: string, buffer: Buffer, what: string): Promise<void> {
  if (!/\.xlsx$/i.test(out)) throw new LedgerError('E_USAGE', `输出文件「${out}」应以 .xlsx 结尾。`);
  const target = resolve(out);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await replaceFile(target, tmp, (t) => writeFileSync(t, buffer, { flag: 'wx', mode: 0o644 }));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new LedgerError(
      'E_WRITE_FAILED',
      `无法写入${what}「${out}」:${writeFailureReason(code)}。请确认文件夹「${dir}」存在且可写,且同名文件没有在 Excel/WPS 中打开。`,
      { dir, code },
    );
  }
}

function writeFailureReason(code: string): string {
  switch (code) {
    case 'ENOENT': case 'ENOTDIR': return '文件夹不存在';
    case 'EACCES': case 'EPERM': return '没有写入权限,或文件正被其他程序占用';
    case 'EBUSY': return '文件正被其他程序占用';
    case 'EROFS': return '磁盘或U盘是只读的';
    case 'ENOSPC': return '磁盘空间不足';
    case 'EISDIR': return '已有同名的文件夹';
    default: return code ? `系统错误 ${code}` : '未知错误';
  }
}
